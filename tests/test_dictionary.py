"""The data dictionary says where published pairs and the app's estimates disagree."""
import pytest

from lib import dictionary


def test_published_count_and_rate_imply_their_own_denominator():
    table = dictionary.implied_denominators_table("en").set_index(["Unit", "Year", "Metric"])
    row = table.loc[("Tỉnh Nghệ An", 2023, "HI coverage")]
    # Nghệ An 2023: 2,911,787 HI participants = 93 % of its population -> 3.13 million, about 10 % below the
    # census-based estimate the app uses.
    assert row["Denominator implied by the published pair"] == "3.13 million"
    assert float(row["Difference"].rstrip("%")) == pytest.approx((2_911_787 / 0.93) / 3_470_000 * 100 - 100, abs=0.5)
    # The national labour force is itself implied by the published SI pair: no difference there.
    assert table.loc[("Việt Nam", 2023, "SI coverage"), "Difference"] == "0.0%"
