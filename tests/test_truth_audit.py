"""Truth audit: on every page that draws values, in both languages, on the bundled data and after an upload, every
number on screen carries its status, demo never passes for fact, and real series are never mixed with demo.

What is checked against the data as stored (store.resolved: one chosen value per key with its status; not the
status rule under test):
- cards (st.metric): a value is marked demo in itself exactly when the value drawn is a demo value; a unit with a
  real value of an indicator never shows a demo value of it (it says "no data" instead); published values show
  as published;
- sentences: every target line, verdict and forecast sentence made from a demo series says demo in itself, and
  none from a real series does;
- chart data: every observation a chart draws has a status; a chart holding demo observations says demo in its
  title; a real unit's chart holds no demo observation;
- tables: the Scenarios table never calls a demo value observed ("thực tế") and marks its figures demo.
"""
from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest

from lib import metrics, store as store_mod
from lib.i18n import t
from lib.ingest.validate import validate_bytes
from lib.ui import UPLOADS_KEY
from tests.apptest import open_app

LANGS = ("vi", "en")
REAL = {"reported", "uploaded", "estimate"}
NUMBER = re.compile(r"\d")


def demo_mark(lang: str) -> str:
    return t("honest.demo_value", lang, value="").strip()  # "[minh họa]" / "[demo]"


@pytest.fixture(scope="module")
def store():
    return store_mod.bundled_store()


def stored(store, unit: str, metric: str, year: int):
    """(value, status) stored for a unit's year-end value, and whether the unit has any real year-end value."""
    r = store.resolved
    sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["period"] == "FY")]
    has_real = bool(sel["status"].astype(str).isin(REAL).any())
    now = sel[sel["year"] == year]
    if now.empty:
        return None, None, has_real
    return float(now["value"].iloc[0]), str(now["status"].iloc[0]), has_real


def chart_frames(at):
    """Every chart on the page: (spec, [datasets as DataFrames])."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
        inline = []

        def collect(node):
            if isinstance(node, dict):
                values = (node.get("data") or {}).get("values") if isinstance(node.get("data"), dict) else None
                if isinstance(values, list) and values and isinstance(values[0], dict):
                    import pandas as pd

                    inline.append(pd.DataFrame(values))
                for v in node.values():
                    collect(v)
            elif isinstance(node, list):
                for v in node:
                    collect(v)

        collect(spec)
        out.append((spec, frames + inline))
    return out


def title_text(spec) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    for layer in spec.get("layer", []) + spec.get("vconcat", []) + spec.get("hconcat", []):
        title += " " + title_text(layer)
    return str(title)


def audit_charts(at, lang: str, real_only: bool = False) -> int:
    """Every observation drawn has a status; demo observations make the chart say demo. Returns how many
    observations were checked."""
    demo_label = t("status.demo", lang)
    labels = {t(f"status.{s}", lang) for s in ("reported", "uploaded", "estimate", "demo")}
    checked = 0
    for spec, frames in chart_frames(at):
        has_demo = False
        for f in frames:
            observation = "value" in f.columns and "year" in f.columns and not (
                {"kind", "label"} & set(f.columns) or {"lo80", "hi80", "lo", "hi"} & set(f.columns))
            if not observation:
                continue
            if "series" in f.columns:  # a scenario chart: observations carry their status as the series label
                continue
            status_col = "status_label" if "status_label" in f.columns else "status"
            assert status_col in f.columns, f"values drawn without a status: {list(f.columns)}"
            assert set(f[status_col].astype(str)) <= labels | REAL | {"demo"}, set(f[status_col])
            has_demo |= bool(f[status_col].astype(str).isin({demo_label, "demo"}).any())
            checked += len(f)
        if real_only:
            assert not has_demo, "a real series' chart draws demo observations"
        if has_demo:
            assert t("honest.demo_chart", lang) in title_text(spec), title_text(spec)
    return checked


def audit_overview_cards(at, store, unit: str, year: int, lang: str) -> None:
    names = {m.name(lang): m for m in metrics.headline("coverage")}
    cards = [m for m in at.metric if m.label in names]
    assert len(cards) == 4
    for card in cards:
        m = names[card.label]
        value, status, has_real = stored(store, unit, m.id, year)
        shown = str(card.value)
        if status == "demo" and has_real:
            # A real series is never patched with demo: the card says there is no figure.
            assert shown == t("honest.no_data", lang), (unit, m.id, year, shown)
        elif status == "demo":
            assert shown.endswith(demo_mark(lang)), (unit, m.id, year, shown)
        elif status in REAL:
            assert demo_mark(lang) not in shown and NUMBER.search(shown), (unit, m.id, year, shown)
        else:
            assert shown == t("honest.no_data", lang)


def target_lines(at, lang: str) -> list[str]:
    prefix = t("overview.target", lang, year=2025)[:-5]
    return [m.value for m in at.markdown if m.value.startswith(prefix) and "**" in m.value]


# -- Overview ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit,year", [("national:VN", 2025), ("national:VN", 2024), ("province:40", 2024),
                                       ("province:02", 2024)])
def test_overview_numbers_carry_their_status(store, lang, unit, year):
    at = open_app("pages/overview.py", lang, area=unit, year=str(year))
    audit_overview_cards(at, store, unit, year, lang)
    real_only = all(stored(store, unit, m.id, year)[2] for m in metrics.headline("coverage"))
    assert audit_charts(at, lang, real_only=real_only) > 0
    # Gaps from demo values say demo; gaps from real values do not.
    lines = target_lines(at, lang)
    assert len(lines) == 8
    for m, pair in zip(sorted(metrics.headline("coverage"), key=lambda m: m.short != "hi"),
                       [lines[i:i + 2] for i in range(0, 8, 2)]):
        _, status, has_real = stored(store, unit, m.id, year)
        for line in pair:
            assert (demo_mark(lang) in line) == (status == "demo" and not has_real), (m.id, line)


@pytest.mark.parametrize("lang", LANGS)
def test_overview_with_demo_switched_off_shows_no_demo_value(store, lang):
    at = open_app("pages/overview.py", lang, area="province:02", year="2024", demo="0")
    assert {str(m.value) for m in at.metric} == {t("honest.no_data", lang)}
    for _, frames in chart_frames(at):
        for f in frames:
            for col in ("status", "status_label"):
                if col in f.columns:
                    assert not f[col].astype(str).isin({"demo", t("status.demo", lang)}).any()
    assert not any(demo_mark(lang) in m.value for m in at.markdown)


# -- Progress & forecast ---------------------------------------------------------------------------------------------
def headline(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit,metric,demo_series", [("national:VN", "hi", False), ("province:02", "hi", True),
                                                     ("district:414", "si", True)])
def test_progress_sentences_say_demo_exactly_when_built_on_demo(store, lang, unit, metric, demo_series):
    area = "national:VN" if unit == "national:VN" else ("province:40" if unit.startswith("district") else unit)
    at = open_app("pages/progress.py", lang, timeout=180, metric=metric, area=area, unit=unit)
    assert (demo_mark(lang) in headline(at)) == demo_series, headline(at)
    verdicts = [m.value for m in at.markdown if not m.value.startswith("### ") and m.value.strip()
                and any(w in m.value for w in (t("progress.achieved", lang), t("progress.not_achieved", lang)))]
    for v in verdicts:
        assert (demo_mark(lang) in v) == demo_series, v
    audit_charts(at, lang, real_only=not demo_series)


@pytest.mark.parametrize("lang", LANGS)
def test_progress_without_enough_real_values_says_so_and_links_to_the_data_page(lang):
    at = open_app("pages/progress.py", lang, timeout=180, metric="si", area="province:40", unit="province:40")
    assert any(t("honest.not_enough_real", lang) in i.value for i in at.info)
    assert demo_mark(lang) not in headline(at)


# -- Scenarios -------------------------------------------------------------------------------------------------------
@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("VNSI_DATABASE_URL", url)
    return url


@pytest.mark.parametrize("lang", LANGS)
def test_scenarios_never_call_demo_observed(db_url, lang):
    at = open_app("pages/scenarios.py", lang, timeout=90, metric="si", area="province:02")
    table = at.dataframe[0].value
    what = t("scenarios.col_what", lang)
    targets = {t("scenarios.row_target", lang, year=y) for y in (2025, 2030)}  # targets are documents, not demo
    cells = table[~table[what].isin(targets)].drop(columns=[what]).astype(str).to_numpy().ravel()
    assert not any(f"({t('scenarios.basis.observed', lang)})" in c for c in cells)
    assert all(demo_mark(lang) in c for c in cells if NUMBER.search(c))
    assert all(demo_mark(lang) in str(m.value) for m in at.metric if NUMBER.search(str(m.value)))
    spec, _ = chart_frames(at)[0]
    assert t("honest.demo_chart", lang) in title_text(spec)


@pytest.mark.parametrize("lang", LANGS)
def test_scenarios_on_a_published_series_say_nothing_is_demo(db_url, lang):
    at = open_app("pages/scenarios.py", lang, timeout=90, metric="hi", area="national:VN")
    table = at.dataframe[0].value
    assert not any(demo_mark(lang) in c for c in table.astype(str).to_numpy().ravel())
    assert not any(w.value for w in at.warning if "minh họa" in w.value or "demo" in w.value.lower())


# -- after an upload: the analyst's own district series --------------------------------------------------------------
def upload_session():
    rows = "".join(f"Nghệ An;Con Cuông;{y};;{60000 + 1500 * (y - 2018)};76000\n" for y in range(2018, 2025))
    up = validate_bytes("con_cuong.csv", ("province;district;year;month;hi_participants;population\n" + rows)
                        .encode()).dataset
    return {UPLOADS_KEY: [up]}


@pytest.mark.parametrize("lang", LANGS)
def test_after_an_upload_the_analysts_series_is_never_spliced_with_demo(lang):
    at = open_app("pages/progress.py", lang, timeout=180, session=upload_session(), metric="hi",
                  area="province:40", unit="district:422")
    assert demo_mark(lang) not in headline(at)
    assert not any("minh họa" in w.value or "demo" in w.value.lower() for w in at.warning)
    checked = 0
    for _, frames in chart_frames(at):
        for f in frames:
            if "status_label" in f.columns and "year" in f.columns:
                assert set(f["status_label"].astype(str)) <= {t("status.uploaded", lang), t("status.estimate", lang)}
                assert f["year"].max() <= 2024  # not extended past the last real value with demo
                checked += len(f)
    assert checked >= 7


@pytest.mark.parametrize("lang", LANGS)
def test_after_an_upload_overview_cards_still_carry_their_status(store, lang):
    at = open_app("pages/overview.py", lang, session=upload_session(), area="province:40", year="2024")
    audit_overview_cards(at, store, "province:40", 2024, lang)
    audit_charts(at, lang)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/progress.py", "pages/scenarios.py"])
def test_pages_run_with_demo_switched_off(db_url, page):
    at = open_app(page, "vi", timeout=180, demo="0", area="province:02")
    assert not at.exception
    assert not any("dữ liệu minh họa" in w.value for w in at.warning)
    assert at.session_state["demo"] is False
