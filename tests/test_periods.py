

def test_one_period_order_and_month():
    from lib import periods
    codes = ["FY", "2024-07", "2024-ytd", "2024-01", "2024-11"]
    assert sorted(codes, key=periods.order) == ["2024-ytd", "2024-01", "2024-07", "2024-11", "FY"]
    assert periods.month_of("2024-07") == 7 and periods.month_of("FY") is None and periods.month_of("2021-ytd") is None
    assert periods.code_for(2024, 12) == "FY" and periods.code_for(2024, None) == "FY"
    assert periods.code_for(2024, 3) == "2024-03"
