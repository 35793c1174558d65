

def test_one_rule_picks_the_indicator_a_page_shows():
    from lib import metrics
    assert metrics.for_page("si").id == "si_coverage_pct"
    assert metrics.for_page("revenue_plan").id == "revenue_plan_pct"
    # a coverage page asked for a collections indicator shows HI coverage; a collections page the reverse
    assert metrics.for_page("arrears_ratio", "coverage").id == "hi_coverage_pct"
    assert metrics.for_page("ui", "collections").id == "revenue_plan_pct"
    assert metrics.for_page("arrears_ratio", "collections").id == "arrears_pct_of_receivables"
    assert metrics.for_page(None).id == "hi_coverage_pct"
    assert metrics.all_headline_ids() == ["hi", "si", "si_voluntary", "ui", "revenue_plan", "arrears_ratio"]
