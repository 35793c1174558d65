"""The evaluation set (data/eval): uninsured rates converted to coverage, the Vietnamese published series with their
gaps, every value with a source."""
import pandas as pd

from lib.forecast import evalset


def test_uninsured_rates_are_converted_to_coverage():
    raw = pd.read_csv(evalset.EVAL_DIR / "coverage_series.csv", keep_default_na=False)
    ak = raw[raw["series_id"] == "us_ak_acs_uninsured_rate"].set_index("year")["value"]
    loaded = {s.series_id: s for s in evalset.load()}["us_ak_acs_uninsured_rate"]
    assert loaded.family == "us"
    assert dict(zip(loaded.years, loaded.values)) == {y: 100.0 - v for y, v in ak.items()}
    cn = raw[raw["series_id"] == "cn_ncms_enrolment_rate"].set_index("year")["value"]
    assert list({s.series_id: s for s in evalset.load()}["cn_ncms_enrolment_rate"].values) == list(cn)


def test_vietnamese_published_series_keep_gaps_and_sources():
    vn = pd.read_csv(evalset.EVAL_DIR / "vietnam_series.csv", keep_default_na=False)
    assert (vn["source"].str.len() > 0).all() and (vn["country"] == "VNM").all()
    hi = vn[vn["series_id"] == "vn_national_hi"].set_index("year")["value"]
    from lib.bundled import reference
    published = reference.national_fy_series("hi_coverage_pct")
    assert 2008 in hi.index and 2009 not in hi.index  # a missing year stays missing
    for year, value in hi.items():
        assert abs(published[year] - value) < 1e-6
    fams = {s.family for s in evalset.load()}
    assert fams == {"vietnam", "us", "other"}


def test_vietnam_file_is_what_the_build_script_writes():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_vietnam", evalset.EVAL_DIR / "build_vietnam.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fresh = mod.build()
    committed = pd.read_csv(evalset.EVAL_DIR / "vietnam_series.csv", keep_default_na=False)
    assert list(fresh["series_id"]) == list(committed["series_id"])
    assert list(fresh["year"]) == list(committed["year"])
    assert (abs(fresh["value"].to_numpy() - committed["value"].to_numpy()) < 1e-9).all()
