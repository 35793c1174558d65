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
from pathlib import Path

import pyarrow as pa
import pytest

from lib import metrics, store as store_mod
from lib.i18n import t
from lib.maps import timeline
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


# -- Map ---------------------------------------------------------------------------------------------------------------
# What the page hands to the map component: the component's arguments name the data files it fetches (the boundaries,
# whose features carry their unit id and row, and the view's file of every year: per feature its colour, its demo flag
# and its tooltip lines). Read as the browser reads them, from the component's folder.
COMPONENT = Path(__file__).resolve().parents[1] / "frontend" / "deckmap"


def component_files(at) -> tuple[list[str], dict]:
    """(unit id of each feature row, the view's data file) as the page handed them to the map component."""
    instances = [e for e in at.get("component_instance")]
    assert len(instances) == 1, "the map component was not drawn"
    args = json.loads(instances[0].proto.json_args)
    spec = json.loads(args["spec"])
    geo_url = next(layer["data"] for layer in spec["layers"] if layer.get("id") == "units")
    geo = json.loads((COMPONENT / geo_url).read_text(encoding="utf-8"))
    uids = [None] * len(geo["features"])
    for f in geo["features"]:
        uids[f["properties"]["i"]] = f["properties"]["uid"]
    return uids, timeline.read(args["data"])  # the view file with its tooltip file, as the browser gets them


def expected_status(store, unit: str, metric: str, year: int, demo_on: bool):
    """What the status rule must show for a unit's year-end value, read from the data as stored: its real value, or
    nothing where it has real values but not this year; its demo value only while demo shows; else nothing."""
    _, status, has_real = stored(store, unit, metric, year)
    if status in REAL:
        return status
    if status == "demo" and not has_real and demo_on:
        return "demo"
    return None


def audit_map_features(store, at, lang: str, metric: str, years, demo_on: bool) -> int:
    """Every feature's number carries its status: a unit with a value has a colour, a source line naming its status,
    and the demo flag (a muted fill) exactly when the value is demo; a unit without one has neither. Returns how many
    (unit, year) features were checked."""
    uids, data = component_files(at)
    labels = {s: t(f"status.{s}", lang) for s in ("reported", "uploaded", "estimate", "demo")}
    checked = 0
    for year in years:
        if str(year) not in data["cls"]:
            continue
        cls, flags, tips = data["cls"][str(year)], data["demo"][str(year)], data["tips"][str(year)]
        assert len(cls) == len(flags) == len(tips) == len(uids)
        for uid, c, flag, tip in zip(uids, cls, flags, tips):
            want = expected_status(store, uid, metric, year, demo_on)
            lines = [data["strings"][i] for i in tip if i >= 0]
            source_line = lines[-1] if lines else ""
            assert bool(flag) == (want == "demo"), (uid, year, want, flag)
            if want is None:
                assert c == -1, (uid, year, "a colour without a value")
                continue
            assert c >= 0, (uid, year, "a value drawn without a colour")
            assert source_line.startswith(labels[want]), (uid, year, want, source_line)
            value_line = data["strings"][tip[0]] if tip[0] >= 0 else ""  # the tooltip's first line: the value
            assert (demo_mark(lang) in value_line) == (want == "demo"), (uid, year, want, value_line)
            # a demo polygon is drawn apart (muted: more transparent) from a real one
            alpha = data["palette"][c][3]
            assert (alpha < 200) == (want == "demo"), (uid, year, alpha)
            checked += 1
    return checked


def panel_targets(at, lang: str) -> list[str]:
    prefixes = tuple(t("map.panel.target", lang, year=y, target="", gap="", origin="").split(":")[0] + ":"
                     for y in (2025, 2030))
    return [m.value for m in at.markdown if m.value.startswith(prefixes)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit,demo", [("province:02", None), ("province:40", None), ("province:02", "0"),
                                       ("province:01", "0")])
def test_map_numbers_carry_their_status(store, lang, unit, demo):
    """The panel's card, target lines and counts, its trend, and every feature of every year of the map."""
    params = dict(year="2024", metric="hi", level="province", unit=unit)
    if demo is not None:
        params["demo"] = demo
    at = open_app("pages/map.py", lang, timeout=180, **params)
    demo_on = demo is None
    metric = metrics.by_short("hi").id
    want = expected_status(store, unit, metric, 2024, demo_on)
    card = at.metric[0]
    shown = str(card.value)
    if want is None:
        assert shown == t("map.panel.no_value", lang), (unit, shown)
    else:
        assert NUMBER.search(shown) and shown.endswith(demo_mark(lang)) == (want == "demo"), (unit, shown)
    lines = panel_targets(at, lang)
    assert len(lines) == 2
    for line in lines:  # a gap from a demo value says demo in itself
        assert (demo_mark(lang) in line) == (want == "demo"), line
    audit_charts(at, lang, real_only=want in REAL or not demo_on)
    if not demo_on:
        assert not any(demo_mark(lang) in c.value for c in at.caption)
        assert not at.warning or not any(t("status.demo", lang).lower() in w.value.lower() for w in at.warning)
    drawn = audit_map_features(store, at, lang, metric, range(2015, 2026), demo_on)
    assert drawn > (63 * 5 if demo_on else 0)  # demo off: the published provinces' figures only


@pytest.mark.parametrize("lang", LANGS)
def test_after_an_upload_the_map_shows_the_analysts_district_and_no_demo_beside_it(lang):
    """Demo is off by default at the level the user loaded: Con Cuông's own values are drawn as theirs, the other
    districts of Nghệ An have no data (not demo) until the switch is turned on."""
    at = open_app("pages/map.py", lang, timeout=180, session=upload_session(), year="2024", metric="hi",
                  level="district", area="province:40", unit="district:422")
    uids, data = component_files(at)
    assert "district:422" in uids and len(uids) > 15
    for year in range(2018, 2025):
        flags, cls = data["demo"][str(year)], data["cls"][str(year)]
        assert not any(flags), year
        for uid, c, tip in zip(uids, cls, data["tips"][str(year)]):
            if uid == "district:422":
                assert c >= 0 and data["strings"][tip[-1]].startswith(t("status.uploaded", lang))
    card = str(at.metric[0].value)
    assert NUMBER.search(card) and demo_mark(lang) not in card
    assert not any(demo_mark(lang) in line for line in panel_targets(at, lang))
    audit_charts(at, lang, real_only=True)


# -- Collections -------------------------------------------------------------------------------------------------------
def stored_figure(store, unit: str, metric: str, year: int, period: str):
    r = store.resolved
    sel = r[(r["unit"] == unit) & (r["metric"] == metric) & (r["year"] == year) & (r["period"] == period)]
    return (None, None) if sel.empty else (float(sel["value"].iloc[0]), str(sel["status"].iloc[0]))


def audit_collections_cards(store, at, lang: str, unit: str, year: int, period: str, demo_on: bool) -> set[str]:
    """Each card's value carries its status: demo marked in the value exactly when the stored figure is demo (and
    not shown at all with demo off), a status line under each. Returns the statuses shown."""
    from lib import collections as coll

    labels = {(m.short_name(lang) if m.kind == "rate" else t(f"collections.kpi.{m.id}", lang)): m
              for m in (metrics.get(x) for x in (coll.REVENUE, coll.PLAN_PCT, coll.ARREARS, coll.ARREARS_PCT))}
    cards = [c for c in at.metric if c.label in labels]
    assert len(cards) == 4
    shown = set()
    for card in cards:
        m = labels[card.label]
        value, status = stored_figure(store, unit, m.id, year, period)
        text = str(card.value)
        if status is None or (status == "demo" and not demo_on):
            assert text == t("collections.no_value", lang), (m.id, text)
            continue
        assert NUMBER.search(text), (m.id, text)
        assert text.endswith(demo_mark(lang)) == (status == "demo"), (m.id, status, text)
        shown.add(status)
    status_lines = [c.value for c in at.caption if c.value.startswith("**") or c.value == "–"]
    assert len(status_lines) >= len(cards), "a card without its status line"
    return shown


def audit_collections_tables(at, lang: str) -> None:
    """Every table drawn has a status column, filled for every row with a number."""
    status_col = t("collections.col.status", lang)
    for frame in at.dataframe:
        table = frame.value
        assert status_col in table.columns, list(table.columns)
        numbers = table.drop(columns=[status_col]).astype(str).apply(lambda col: col.str.contains(r"\d"))
        rows = numbers.any(axis=1)
        assert (table.loc[rows, status_col].astype(str).str.len() > 0).all()


def collections_chart_audit(at, lang: str) -> int:
    """Like audit_charts, for every chart of the page: bars, months and map features have a status too."""
    demo_labels = {"demo", t("status.demo", lang)}
    checked = 0
    for spec, frames in chart_frames(at):
        has_demo = False
        for f in frames:
            if "properties" in f.columns:  # map features: their values are in their properties
                import pandas as pd

                f = pd.DataFrame(list(f["properties"]))
            if "value" not in f.columns or {"kind", "label"} <= set(f.columns) and "status" not in f.columns:
                continue
            drawn = f[f["value"].notna()]
            if drawn.empty:
                continue
            if not ({"status", "status_label"} & set(f.columns)):
                # reference lines (the pace, 100 % of plan) carry no status: they are not figures
                assert set(f.columns) <= {"value", "month"}, list(f.columns)
                continue
            col = "status_label" if "status_label" in f.columns else "status"
            assert drawn[col].notna().all() and (drawn[col].astype(str) != "").all()
            has_demo |= bool(drawn[col].astype(str).isin(demo_labels).any())
            checked += len(drawn)
        assert (t("honest.demo_chart", lang) in title_text(spec)) == has_demo, title_text(spec)
    return checked


COLLECTION_VIEWS = [  # (area, year, month, panel, the unit and period shown)
    ("province:31", 2025, 8, "month", "province_2025:31", "2025-08"),
    ("province:40", 2020, 9, "year", "province:40", "2020-09"),
    ("province:40", 2020, 9, "ranking", "province:40", "2020-09"),
    ("province:31", 2025, 8, "map", "province_2025:31", "2025-08"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("area,year,month,panel,unit,period", COLLECTION_VIEWS,
                         ids=[v[3] + "-" + v[0] for v in COLLECTION_VIEWS])
@pytest.mark.parametrize("demo", [None, "0"], ids=["demo_on", "demo_off"])
def test_collections_numbers_carry_their_status(store, lang, area, year, month, panel, unit, period, demo):
    params = dict(area=area, year=str(year), month=str(month), panel=panel)
    if demo is not None:
        params["demo"] = demo
    at = open_app("pages/collections.py", lang, **params)
    demo_on = demo is None
    shown = audit_collections_cards(store, at, lang, unit, year, period, demo_on)
    checked = collections_chart_audit(at, lang)
    assert checked > 0 or not demo_on  # (demo off, Nghệ An's years up to 2020 have no published full-year figure)
    audit_collections_tables(at, lang)
    banner = any(w.value == t("common.demo_banner", lang) for w in at.warning)
    if not demo_on:
        assert "demo" not in shown and not banner
        for spec, _ in chart_frames(at):
            assert t("honest.demo_chart", lang) not in title_text(spec)
        for frame in at.dataframe:
            assert not frame.value.astype(str).apply(lambda c: c.str.contains(demo_mark(lang), regex=False)).any().any()
    elif "demo" in shown:
        assert banner


@pytest.mark.parametrize("lang", LANGS)
def test_after_an_upload_collections_numbers_still_carry_their_status(store, lang):
    at = open_app("pages/collections.py", lang, session=upload_session(), area="province:40", year="2020",
                  month="9")
    audit_collections_cards(store, at, lang, "province:40", 2020, "2020-09", True)
    assert collections_chart_audit(at, lang) > 0
    audit_collections_tables(at, lang)


# -- Progress ranking and the Data page's tables -----------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("demo", [None, "0"], ids=["demo_on", "demo_off"])
def test_progress_ranking_rows_carry_their_status(lang, demo):
    """Every ranked unit's row (its latest value, gap, chances and Open SDG label) says what its data is; with demo
    off no row is built on demo."""
    params = dict(panel="ranking", area="province:40", metric="hi")
    if demo is not None:
        params["demo"] = demo
    at = open_app("pages/progress.py", lang, timeout=300, **params)
    table = at.dataframe[0].value
    data_col = t("progress.col.data", lang)
    assert data_col in table.columns
    labels = {t(f"status.{s}", lang) for s in ("reported", "uploaded", "estimate", "demo")}
    targets = t("progress.col.target", lang, year=2030)  # targets are documents (their wording), not data
    numbers = table.drop(columns=[data_col, t("progress.col.rank", lang), targets]).apply(
        lambda col: col.notna() & col.astype(str).str.contains(r"\d"))
    rows = numbers.any(axis=1)
    assert rows.sum() > (10 if demo is None else -1)
    assert table.loc[rows, data_col].isin(labels).all(), set(table.loc[rows, data_col])
    has_demo = table[data_col].eq(t("status.demo", lang)).any()
    assert has_demo == (demo is None)  # Nghệ An's districts: demo only, unless the analyst loads their own
    # a verdict (Open SDG label) or gap from a demo history says demo in itself, not only in the data column
    demo_rows = table[data_col].eq(t("status.demo", lang))
    for col in (t("progress.col.label", lang, year=2030), t("progress.col.gap", lang, year=2030)):
        shown = table.loc[demo_rows & table[col].astype(str).str.contains(r"\w"), col].astype(str)
        shown = shown[shown != "–"]
        assert len(shown) == 0 or shown.str.contains(demo_mark(lang), regex=False).all(), (col, shown.head(3).tolist())
        assert not table.loc[~demo_rows, col].astype(str).str.contains(demo_mark(lang), regex=False).any()
    if demo is None:
        label_col = t("progress.col.label", lang, year=2030)
        assert table.loc[demo_rows, label_col].astype(str).str.contains(demo_mark(lang), regex=False).any()
    assert any(w.value == t("common.demo_banner", lang) for w in at.warning) == has_demo


@pytest.mark.parametrize("lang", LANGS)
def test_data_page_tables_of_values_say_what_the_values_are(store, lang):
    """The datasets table counts values by status; the sources view lists published figures, each with whether it
    is used; the downloads name their statuses (lib.export, tested in test_export_demo_mark)."""
    at = open_app("pages/data.py", lang, timeout=180)
    datasets = at.dataframe[0].value
    assert {t(f"data.summary.{s}", lang) for s in ("reported", "estimate", "demo", "uploaded")} <= set(
        datasets.columns), list(datasets.columns)
    sources = at.dataframe[1].value
    use_col = t("honest.src.col_use", lang)
    assert use_col in sources.columns and (sources[use_col].astype(str).str.len() > 0).all()
    assert not sources.astype(str).apply(lambda c: c.str.contains(demo_mark(lang), regex=False)).any().any()
