"""Collections: contributions collected against plan and arrears against receivables, by unit and period.

Periods (lib.periods): ``FY`` is the whole year; ``YYYY-MM`` is cumulative from January to the end of that month for
money collected and the plan share, and the stock at the month's end for arrears and receivables. A month is the
view's ``month`` (1-12; None = the full year, or the latest month of a year with no full-year figure).

Values come from the resolved store (lib.store) with their status: the published Hai Phong, Nghe An, Ha Noi and
national figures are ``reported`` and carry their source; the rest is ``demo``. A rate is as certain as its least
certain input, so % of plan computed from a published amount and a demo plan is demo.

The index of collections figures is built once per resolved table (``figure_index(store)``); every query after that is a
dictionary lookup or one boolean mask over ~22,000 rows, well inside a 0.3 s rerun.
"""
from __future__ import annotations

import calendar
import weakref
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from lib import admin, fmt, metrics, periods
from lib.charts import STATUS_COLOURS
from lib.figure import status_cell
from lib.i18n import t
from lib.provenance import describe, first_url, status_label, value_text

REVENUE, PLAN, PLAN_PCT = "revenue_bn_vnd", "revenue_plan_bn_vnd", "revenue_plan_pct"
ARREARS, RECEIVABLES, ARREARS_PCT = "arrears_bn_vnd", "receivables_bn_vnd", "arrears_pct_of_receivables"
ALL = (REVENUE, PLAN, PLAN_PCT, ARREARS, RECEIVABLES, ARREARS_PCT)
KPI_METRICS = (REVENUE, PLAN_PCT, ARREARS, ARREARS_PCT)
HEADLINE = {"revenue_plan": PLAN_PCT, "arrears_ratio": ARREARS_PCT}  # short id in the URL -> metric
DEFAULT_SHORT = "revenue_plan"
RANK_LEVELS = admin.PROVINCE_LEVELS + ("district",)
PUBLISHED = ("reported", "uploaded")
PANELS = ("month", "year", "ranking", "map")  # the page's main views: the values of the view state's `panel`
FIRST_YEAR = 2015
_STATUS_ORDER = {"demo": 0, "estimate": 1, "reported": 2, "uploaded": 3}  # the least certain first


# -- the figure index -----------------------------------------------------------------------------------------------
@dataclass
class FigureIndex:
    """Collections figures one row per (unit, year, period): for each metric its value, status, source, derived."""
    wide: pd.DataFrame
    rows: dict  # (unit, year, period) -> row position in wide
    periods_by_unit: dict  # (unit, year) -> period codes with a revenue or arrears figure
    periods_by_level: dict  # (level, year) -> period codes
    published: pd.DataFrame  # the published (non-derived) collections figures, long

    def row(self, unit: str, year: int, period: str) -> pd.Series | None:
        pos = self.rows.get((unit, int(year), period))
        return None if pos is None else self.wide.iloc[pos]


_INDEXES: dict[int, tuple[weakref.ref, FigureIndex]] = {}  # id(resolved) -> (weak ref to it, its index)


def figure_index(store, demo: bool | None = None) -> FigureIndex:
    """Every collections figure of a store indexed by (unit, year, period) (built once per resolved table, ~0.2 s;
    forgotten with the table, so that a session's upload set is not kept alive here after the session ends). `demo`
    is the view's switch (lib.store.Store.shows_demo): demo figures of a level where it is off are left out."""
    hidden = frozenset(lv for lv in admin.LEVELS if not store.shows_demo(lv, demo))
    if hidden:
        return store.memo(("collections.figure_index", hidden), lambda: build_figure_index(
            store.resolved[~((store.resolved["status"] == "demo") & store.resolved["level"].isin(hidden))]))
    resolved = store.resolved
    hit = _INDEXES.get(id(resolved))
    if hit is not None and hit[0]() is resolved:
        return hit[1]
    built = build_figure_index(resolved)
    if len(_INDEXES) > 8:
        _INDEXES.clear()
    _INDEXES[id(resolved)] = (weakref.ref(resolved), built)
    weakref.finalize(resolved, _INDEXES.pop, id(resolved), None)
    return built


def build_figure_index(resolved: pd.DataFrame) -> FigureIndex:
    r = resolved[resolved["metric"].isin(ALL)]
    long = pd.DataFrame({
        "unit": r["unit"].astype(str).to_numpy(), "level": r["level"].astype(str).to_numpy(),
        "year": r["year"].astype(int).to_numpy(), "period": r["period"].astype(str).to_numpy(),
        "metric": r["metric"].astype(str).to_numpy(), "value": r["value"].astype(float).to_numpy(),
        "status": r["status"].astype(str).to_numpy(), "source": r["source"].astype(str).to_numpy(),
        "derived": r["derived"].astype(bool).to_numpy()})
    keys = ["unit", "level", "year", "period"]
    wide = long.pivot(index=keys, columns="metric", values=["value", "status", "source", "derived"])
    wide.columns = [m if f == "value" else f"{m}.{f}" for f, m in wide.columns]
    for m in ALL:
        for col, fill in ((m, np.nan), (f"{m}.status", None), (f"{m}.source", ""), (f"{m}.derived", False)):
            if col not in wide.columns:
                wide[col] = fill
        wide[m] = wide[m].astype(float)
    wide = wide.reset_index()
    rows = {(u, y, p): i for i, (u, y, p) in enumerate(zip(wide["unit"], wide["year"], wide["period"]))}
    has_figure = wide[REVENUE].notna() | wide[ARREARS].notna() | wide[PLAN_PCT].notna()
    with_fig = wide[has_figure]
    by_unit = with_fig.groupby(["unit", "year"])["period"].agg(lambda s: sort_periods(set(s))).to_dict()
    by_level = with_fig.groupby(["level", "year"])["period"].agg(lambda s: sort_periods(set(s))).to_dict()
    pub = long[long["status"].isin(PUBLISHED) & ~long["derived"]].copy()
    pub["_order"] = pub["period"].map(_period_order)
    pub = pub.sort_values(["unit", "year", "_order", "metric"]).drop(columns="_order").reset_index(drop=True)
    return FigureIndex(wide=wide, rows=rows, periods_by_unit=by_unit, periods_by_level=by_level, published=pub)


# -- periods ----------------------------------------------------------------------------------------------------------
def _period_order(code: str) -> int:
    if code == periods.FY:
        return 13
    if code.endswith("ytd"):
        return 0
    return int(code[5:7])


def sort_periods(codes) -> list[str]:
    """Months in calendar order, then a month-unknown point, then the full year last."""
    return sorted(codes, key=lambda c: (_period_order(c) if c != periods.FY else 99, c))


def period_code(year: int, month: int | None) -> str:
    return periods.FY if month in (None, 12) else f"{int(year)}-{int(month):02d}"


def month_of(code: str) -> int | None:
    """7 for '2024-07'; None for the full year (and for a point whose month is unknown)."""
    if code == periods.FY or code.endswith("ytd"):
        return None
    return int(code[5:7])


def month_options(available: list[str]) -> list[int | None]:
    """The choices for the period control: None (the full year) when there is one, then the months, latest first."""
    months = sorted({m for m in (month_of(c) for c in available) if m is not None}, reverse=True)
    return ([None] if periods.FY in available else []) + months


def choose_period(year: int, month: int | None, available: list[str]) -> str:
    """The period to show: the requested month if it has figures, the full year when no month is asked for and
    there is one, else the latest month with figures (a year still running)."""
    wanted = period_code(year, month)
    if wanted in available:
        return wanted
    months = [c for c in available if month_of(c) is not None]
    if month is not None and months:
        earlier = [c for c in months if month_of(c) <= month]
        return (earlier or months)[-1]
    if periods.FY in available:
        return periods.FY
    return months[-1] if months else wanted


def structure(year: int, code: str) -> str:
    """'legacy' (63 provinces, districts) or '2025' (34 provinces) for a year and period code."""
    return periods.structure_of(periods.parse(year, code))


def period_label(year: int, code: str, lang: str, money: bool = True) -> str:
    """'2024', 'year to date to end of Jul 2024' (money) or 'end of Jul 2024' (stocks)."""
    if code == periods.FY:
        return t("collections.period_fy", lang, year=year)
    m = month_of(code)
    if m is None:
        return periods.label(year, code, lang)
    name = f"{m}" if lang == "vi" else calendar.month_abbr[m]
    return t("collections.period_ytd" if money else "collections.period_end", lang, month=name, year=year)


def month_label(year: int, month: int | None, lang: str) -> str:
    """Labels for the period control: 'Cả năm 2020', '9 tháng đầu năm 2020', 'Tháng 1/2020' / 'Full year 2020',
    'Jan–Sep 2020', 'Jan 2020'."""
    if month is None:
        return t("collections.full_year", lang, year=year)
    if month == 1:
        return t("collections.first_month", lang, month=calendar.month_abbr[1], year=year)
    return t("collections.to_month", lang, n=month, month=calendar.month_abbr[month], year=year)


# -- units and levels -------------------------------------------------------------------------------------------------
def focus_unit(area: str, unit: str | None, year: int, code: str) -> tuple[str, str | None]:
    """The unit whose figures are shown, and a note key when it had to change.

    The selected unit wins over the area. From 1 July 2025 legacy provinces and districts no longer exist: they are
    shown as the 2025 province they merged into (where the post-merger figures, e.g. Hai Phong's, are published)."""
    u = admin.units()
    uid = unit if unit in u.index and u.at[unit, "level"] in ("national",) + RANK_LEVELS else area
    if uid not in u.index:
        uid = admin.NATIONAL_ID
    level = u.at[uid, "level"]
    if structure(year, code) == "2025" and level in ("province", "district"):
        return str(u.at[uid, "province_2025"]), "collections.note_merged"
    return uid, None


def rank_level(level: str, year: int, code: str) -> tuple[str, str | None]:
    """The level units are ranked and mapped at, and a note key when it differs from the one asked for.

    No collections data exist for communes; from July 2025 figures are by 2025 province."""
    if structure(year, code) == "2025":
        return "province_2025", (None if level == "province_2025" else "collections.note_level_2025")
    if level == "commune":
        return "province", "collections.note_no_communes"
    return (level if level in RANK_LEVELS else "province"), None


def unit_title(uid: str, lang: str) -> str:
    """'Hải Phòng (tỉnh)', 'Hải Phòng (tỉnh mới 2025)', 'Vinh (Nghệ An)', 'Toàn quốc' (lib.admin.label)."""
    if uid not in admin.units().index:
        uid = admin.NATIONAL_ID
    return admin.label(uid, lang, with_parent=True, with_level=True)


def level_choices(year: int, code: str) -> list[str]:
    return ["province_2025"] if structure(year, code) == "2025" else list(RANK_LEVELS)


def rank_units(level: str, focus: str) -> list[str]:
    """Units ranked at `level`: every province (63 or 34); the districts of the focused province (all 696 when the
    focus is the nation)."""
    u = admin.units()
    units = u[u["level"] == level]
    if level == "district" and focus != admin.NATIONAL_ID:
        focus_level = u.at[focus, "level"] if focus in u.index else "national"
        if focus_level == "province":
            units = units[units["parent"] == focus]
        elif focus_level == "province_2025":
            units = units[units["province_2025"] == focus]
        elif focus_level == "district":
            units = units[units["parent"] == u.at[focus, "parent"]]
    return units.index.tolist()


def level_periods(figs: FigureIndex, level: str, year: int) -> list[str]:
    return figs.periods_by_level.get((level, int(year)), [])


def unit_periods(figs: FigureIndex, unit: str, year: int) -> list[str]:
    return figs.periods_by_unit.get((unit, int(year)), [])


@dataclass
class Selection:
    """What the Collections page shows for a view: the unit, the period, the ranking level and period, and notes
    (message keys with parameters) for anything that differs from what the view asked for."""
    focus: str
    year: int
    period: str
    month: int | None  # the month of `period` (None: the full year)
    month_options: list
    level: str
    level_options: list
    rank_period: str  # the ranking's period: the same, or the full year for districts (yearly figures only)
    units: list
    notes: list  # (key, params)

    @property
    def has_data(self) -> bool:
        return bool(self.month_options)


def select(figs: FigureIndex, area: str, unit: str | None, year: int, month: int | None, level: str,
           lang: str = "vi") -> Selection:
    """Resolve a view (lib.urlstate.ViewState fields) into what the Collections page shows."""
    u = admin.units()
    notes = []
    start = unit if unit in u.index and u.at[unit, "level"] in ("national",) + RANK_LEVELS else area
    available = unit_periods(figs, start, year) or level_periods(figs, "province", year) or \
        level_periods(figs, "province_2025", year)  # (demo switched off: the 2025 provinces' published figures)
    code = choose_period(year, month, available)
    focus, note = focus_unit(area, unit, year, code)
    if note:
        notes.append((note, {"old": unit_title(start, lang), "new": unit_title(focus, lang)}))
    own = unit_periods(figs, focus, year)
    if own and code not in own:
        code = choose_period(year, month_of(code), own)
        available = own
    if month is not None and month_of(code) != month and available:
        notes.append(("collections.note_period_changed", {"period": period_label(year, code, lang)}))
    lvl, lnote = rank_level(level, year, code)
    if lnote and level in RANK_LEVELS + ("commune",) and level != lvl:
        notes.append((lnote, {}))
    rank_code = code
    if lvl == "district" and code != periods.FY:
        rank_code = periods.FY
        notes.append(("collections.note_districts_yearly", {"year": year}))
    return Selection(focus=focus, year=int(year), period=code, month=month_of(code),
                     month_options=month_options(available), level=lvl, level_options=level_choices(year, code),
                     rank_period=rank_code, units=rank_units(lvl, focus if lvl == "district" else area), notes=notes)


# -- figures ----------------------------------------------------------------------------------------------------------
@dataclass
class Figure:
    metric: metrics.Metric
    year: int
    period: str
    value: float | None
    status: str | None
    source: str
    derived: bool = False
    previous: float | None = None  # the same period a year earlier
    previous_status: str | None = None
    pace: float | None = None  # % of plan: the share of the year elapsed (pro-rata pace)
    parts: tuple = ()  # a rate's amounts (collected and plan; arrears and receivables), each a Figure with its status

    @property
    def published(self) -> bool:
        return self.status in PUBLISHED

    @property
    def change(self) -> float | None:
        """Points for rates, per cent for amounts, against the same period a year earlier."""
        if self.value is None or self.previous is None:
            return None
        if self.metric.kind == "rate":
            return self.value - self.previous
        return None if self.previous == 0 else (self.value / self.previous - 1) * 100

    @property
    def statuses(self) -> set[str]:
        out = {s for s in (self.status, self.previous_status) if s}
        for part in self.parts:
            if part.value is not None and part.status:
                out.add(part.status)
        return out


def _cell(row: pd.Series | None, metric: str) -> tuple[float | None, str | None, str, bool]:
    if row is None or pd.isna(row[metric]):
        return None, None, "", False
    return (float(row[metric]), str(row[f"{metric}.status"]), str(row[f"{metric}.source"]),
            bool(row[f"{metric}.derived"]))


def figure(figs: FigureIndex, unit: str, year: int, code: str, metric: str) -> Figure:
    row = figs.row(unit, year, code)
    value, status, source, derived = _cell(row, metric)
    prev_code = code if code == periods.FY else f"{int(year) - 1}{code[4:]}"
    prev, prev_status, _, _ = _cell(figs.row(unit, int(year) - 1, prev_code), metric)
    m = month_of(code)
    pace = (100.0 if code == periods.FY else (m / 12 * 100 if m else None)) if metric == PLAN_PCT else None
    m_ = metrics.get(metric)
    parts = tuple(figure(figs, unit, year, code, p) for p in (m_.numerator, m_.denominator) if p) \
        if m_.kind == "rate" else ()
    return Figure(m_, int(year), code, value, status, source, derived, prev, prev_status, pace, parts)


def kpis(figs: FigureIndex, unit: str, year: int, code: str) -> list[Figure]:
    """Revenue, % of plan, arrears, arrears ratio of one unit and period."""
    return [figure(figs, unit, year, code, m) for m in KPI_METRICS]


def statuses_of(frame: pd.DataFrame, metric_ids=ALL) -> set[str]:
    out: set[str] = set()
    for m in metric_ids:
        col = f"{m}.status"
        if col in frame.columns:
            out |= {str(s) for s in frame[col].dropna().unique()}
    return out


def ytd(figs: FigureIndex, unit: str, year: int) -> pd.DataFrame:
    """Month by month inside a year (cumulative for money): month 1..12 (12 = the full year) with every metric."""
    codes = unit_periods(figs, unit, year)
    rows = []
    for code in codes:
        m = month_of(code) or (12 if code == periods.FY else None)
        if m is None:
            continue
        r = figs.row(unit, year, code)
        rows.append({"month": m, "year": int(year), "period": code,
                     **{c: r[c] for c in figs.wide.columns if c.split(".")[0] in ALL}})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.drop_duplicates("month", keep="first").sort_values("month").reset_index(drop=True)


def yearly(figs: FigureIndex, unit: str, up_to: int, first: int = FIRST_YEAR) -> pd.DataFrame:
    """Full-year figures by year (every metric), first..up_to."""
    w = figs.wide
    sel = w[(w["unit"] == unit) & (w["period"] == periods.FY) & (w["year"] >= first) & (w["year"] <= up_to)]
    return sel.sort_values("year").reset_index(drop=True)


def ranking(figs: FigureIndex, level: str, units: list[str], year: int, code: str, metric: str) -> pd.DataFrame:
    """Units at `level` for a period, ranked by `metric` (1 = best: highest % of plan, lowest arrears ratio).

    Columns: rank, unit, name, then every collections metric with .status and .source. Units without a value for the
    metric come last, unranked."""
    w = figs.wide
    sel = w[(w["level"] == level) & (w["year"] == int(year)) & (w["period"] == code)]
    sel = sel[sel["unit"].isin(units)].copy()
    u = admin.units()
    sel["name"] = sel["unit"].map(u["short_name"])
    if level == "district" and sel["unit"].map(u["parent"]).nunique() > 1:  # the whole country: say the province
        parent = sel["unit"].map(u["parent"]).map(u["short_name"])
        sel["name"] = sel["name"] + " (" + parent.fillna("") + ")"
    ascending = metrics.get(metric).direction < 0
    sel = sel.sort_values([metric, "name"], ascending=[ascending, True], na_position="last")
    ranks = sel[metric].rank(method="min", ascending=ascending)
    sel.insert(0, "rank", ranks.astype("Int64"))
    return sel.reset_index(drop=True)


def published_sources(frame: pd.DataFrame, metric_ids=ALL) -> list[str]:
    """The sources of the published (non-derived) figures in a slice of the index (a ranking, a year's months)."""
    out: list[str] = []
    for m in metric_ids:
        if f"{m}.status" not in frame.columns:
            continue
        sel = frame[frame[f"{m}.status"].isin(PUBLISHED) & ~frame[f"{m}.derived"].astype(bool)]
        for s in sel[f"{m}.source"].astype(str):
            if s not in out:
                out.append(s)
    return out


def published_figures(figs: FigureIndex, unit: str | None = None) -> pd.DataFrame:
    """The published collections figures (every unit, or one unit and the units it merged from or into)."""
    pub = figs.published
    if unit is not None:
        u = admin.units()
        related = {unit}
        if unit in u.index:
            if u.at[unit, "level"] == "province_2025":
                related |= set(u.index[(u["level"] == "province") & (u["province_2025"] == unit)])
            elif u.at[unit, "level"] == "province":
                related.add(u.at[unit, "province_2025"])
        pub = pub[pub["unit"].isin(related)]
    return pub.reset_index(drop=True)


# -- tables as users see them ----------------------------------------------------------------------------------------
def _status_text(status, lang: str) -> str:
    return status_label(str(status), lang) if isinstance(status, str) and status else "–"


def ranking_tables(rank: pd.DataFrame, lang: str, money_kind: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, raw): the ranking with translated headers, formatted numbers for the screen and plain numbers for CSV."""
    col = lambda key: t(f"collections.col.{key}", lang)  # noqa: E731
    raw = pd.DataFrame({
        col("rank"): rank["rank"], col("unit"): rank["name"], col("unit_id"): rank["unit"],
        col("revenue"): rank[REVENUE].round(1), col("plan"): rank[PLAN].round(1),
        col("plan_pct"): rank[PLAN_PCT].round(2), col("arrears"): rank[ARREARS].round(1),
        col("receivables"): rank[RECEIVABLES].round(1), col("arrears_pct"): rank[ARREARS_PCT].round(2),
        col("status"): [_worst_status_text(r, lang) for _, r in rank.iterrows()],
        col("source"): [_sources_text(r, lang) for _, r in rank.iterrows()]})
    shown = raw.copy()
    # every value with its own status: demo and estimates marked in the value itself (the row's status column says
    # which rows are published); the amounts stand beside the rates they make
    cells = {"revenue": (REVENUE, 1), "plan": (PLAN, 1), "plan_pct": (PLAN_PCT, 2), "arrears": (ARREARS, 1),
             "receivables": (RECEIVABLES, 1), "arrears_pct": (ARREARS_PCT, 2)}
    for key, (metric, decimals) in cells.items():
        number = fmt.pct if metric in (PLAN_PCT, ARREARS_PCT) else fmt.number
        statuses = rank[f"{metric}.status"] if f"{metric}.status" in rank.columns else [None] * len(rank)
        shown[col(key)] = [value_text(number(v, lang, decimals), s if isinstance(s, str) and not pd.isna(v) else None,
                                      lang) for v, s in zip(raw[col(key)], statuses)]
    return shown.drop(columns=[col("unit_id")]), raw


def _worst_status_text(row: pd.Series, lang: str) -> str:
    """'Published' when every figure of the row is published; 'Published + demo' when mixed; 'Demo' otherwise."""
    sts = {str(row[f"{m}.status"]) for m in ALL if isinstance(row.get(f"{m}.status"), str)}
    published = {s for s in sts if s in PUBLISHED}
    if published and sts - published:
        return t("collections.mixed_status", lang)
    if not sts:
        return "–"
    return _status_text(min(sts, key=lambda s: _STATUS_ORDER.get(s, 0)), lang)


def _sources_text(row: pd.Series, lang: str) -> str:
    sources = []
    for m in (REVENUE, ARREARS, PLAN_PCT, ARREARS_PCT):
        st_ = row.get(f"{m}.status")
        if st_ in PUBLISHED and not row.get(f"{m}.derived"):
            text = describe(str(row[f"{m}.source"]), lang)
            if text not in sources:
                sources.append(text)
    return "; ".join(sources) if sources else describe("demo", lang)


def published_table(pub: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Published figures as users read them: unit, period, indicator, value, source, link."""
    u = admin.units()
    col = lambda key: t(f"collections.col.{key}", lang)  # noqa: E731
    cat = metrics.catalog()
    return pd.DataFrame({
        col("unit"): [admin.display_name(x) if x in u.index else x for x in pub["unit"]],
        col("period"): [period_label(int(y), str(p), lang, money=(m in (REVENUE, PLAN_PCT)))
                        for y, p, m in zip(pub["year"], pub["period"], pub["metric"])],
        col("indicator"): [cat[m].name(lang) for m in pub["metric"]],
        col("value"): [fmt.value(v, cat[m].kind, lang) if cat[m].kind != "rate" else fmt.pct(v, lang, 2)
                       for v, m in zip(pub["value"], pub["metric"])],
        col("status"): [_status_text(s, lang) for s in pub["status"]],  # every table says what its values are
        col("source"): [describe(s, lang) for s in pub["source"]],
        col("link"): [first_url(s) for s in pub["source"]],
    })


# -- charts (Altair; configured for the language by the caller via lib.charts.configure) -------------------------------
def _status_colour(statuses, lang: str, orient: str = "top") -> alt.Color:
    present = [s for s in STATUS_COLOURS if s in set(statuses)]
    return alt.Color("status_label:N", title=None,
                     scale=alt.Scale(domain=[status_label(s, lang) for s in present],
                                     range=[STATUS_COLOURS[s] for s in present]),
                     legend=alt.Legend(orient=orient, labelLimit=260, title=None, fillColor="#ffffffcc",
                                       padding=4))


def _title(title: str) -> dict:
    return {"title": title} if title else {}


def _value_text(metric: str, lang: str):
    m = metrics.get(metric)
    return (lambda v: fmt.pct(v, lang, 2)) if m.kind == "rate" else (lambda v: fmt.money_bn(v, lang))


def ytd_chart(current: pd.DataFrame, previous: pd.DataFrame, metric: str, lang: str, height: int = 300,
              title: str = "") -> alt.Chart:
    """The chosen metric month by month through the year (cumulative), the same months a year earlier in grey, and
    for % of plan the pro-rata pace (the share of the year elapsed)."""
    m = metrics.get(metric)
    to_text = _value_text(metric, lang)
    year = int(current["year"].iloc[0]) if len(current) else None
    frames = []
    if len(current):
        frames.append(current.assign(series=str(year), status=current[f"{metric}.status"].astype(str)))
    if len(previous):
        frames.append(previous.assign(series=str(int(previous["year"].iloc[0])),
                                      status=previous[f"{metric}.status"].astype(str)))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["month", metric, "series", "status", "year"])
    data = data[["month", "year", "series", "status", metric]].rename(columns={metric: "value"}).dropna(
        subset=["value"])
    data["status_label"] = data["status"].map(lambda s: status_label(s, lang))
    data["value_text"] = data["value"].map(to_text)
    names = [f"T{m}" for m in range(1, 13)] if lang == "vi" else list(calendar.month_abbr)[1:]
    x = alt.X("month:Q", title=None, scale=alt.Scale(domain=[1, 12], nice=False),
              axis=alt.Axis(values=list(range(1, 13)), labelExpr=f"{names}[datum.value - 1]"))
    y_title = "%" if m.kind == "rate" else m.unit_label(lang)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("series:N", title=t("chart.year", lang)),
               alt.Tooltip("month:Q", title=t("collections.axis_month", lang), format="d"),
               alt.Tooltip("value_text:N", title=t("chart.value", lang)),
               alt.Tooltip("status_label:N", title=t("chart.status", lang))]
    cur = data[data["series"] == str(year)] if year is not None else data.iloc[0:0]
    prev = data[data["series"] != str(year)] if year is not None else data
    layers = []
    if metric == PLAN_PCT:
        pace = pd.DataFrame({"month": [1.0, 12.0], "value": [100 / 12, 100.0]})
        layers.append(alt.Chart(pace).mark_line(color="#8c8c8c", strokeDash=[5, 4], strokeWidth=1.5).encode(
            x=alt.X("month:Q", scale=alt.Scale(domain=[1, 12], nice=False)), y="value:Q"))
        layers.append(alt.Chart(pd.DataFrame({"value": [100.0]})).mark_rule(color="#c0392b", strokeWidth=1.5)
                      .encode(y="value:Q"))
    if len(prev):
        layers.append(alt.Chart(prev).mark_line(color="#b8c2cc", strokeWidth=2, point=alt.OverlayMarkDef(
            color="#b8c2cc", size=25)).encode(x=x, y=y, detail="series:N", tooltip=tooltip))
    if len(cur):
        layers.append(alt.Chart(cur).mark_line(color="#0b5cad", strokeWidth=3).encode(x=x, y=y))
        layers.append(alt.Chart(cur).mark_point(filled=True, size=80, opacity=1).encode(
            x=x, y=y, color=_status_colour(cur["status"], lang, "top-left"), tooltip=tooltip))
    if not layers:
        layers.append(alt.Chart(pd.DataFrame({"month": [], "value": []})).mark_point().encode(x=x, y=y))
    return alt.layer(*layers).properties(height=height, **_title(title))


def yearly_chart(frame: pd.DataFrame, metric: str, lang: str, height: int = 300, title: str = "") -> alt.Chart:
    """Full-year values by year, points coloured by provenance (published, demo)."""
    m = metrics.get(metric)
    to_text = _value_text(metric, lang)
    data = pd.DataFrame({"year": frame["year"].astype(int), "value": frame[metric].astype(float),
                         "status": frame[f"{metric}.status"].astype(str)}).dropna(subset=["value"])
    data["status_label"] = data["status"].map(lambda s: status_label(s, lang))
    data["value_text"] = data["value"].map(to_text)
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
              scale=alt.Scale(nice=False, padding=12))
    y = alt.Y("value:Q", title="%" if m.kind == "rate" else m.unit_label(lang), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("year:Q", title=t("chart.year", lang), format="d"),
               alt.Tooltip("value_text:N", title=t("chart.value", lang)),
               alt.Tooltip("status_label:N", title=t("chart.status", lang))]
    layers = [alt.Chart(data).mark_line(color="#9aa5b1", strokeWidth=2).encode(x=x, y=y),
              alt.Chart(data).mark_point(filled=True, size=80, opacity=1).encode(
                  x=x, y=y, color=_status_colour(data["status"], lang), tooltip=tooltip)]
    if metric == PLAN_PCT:
        layers.insert(0, alt.Chart(pd.DataFrame({"value": [100.0]})).mark_rule(color="#c0392b", strokeDash=[4, 3])
                      .encode(y="value:Q"))
    return alt.layer(*layers).properties(height=height, **_title(title))


def ranking_chart(rank: pd.DataFrame, metric: str, lang: str, limit: int = 40, bar_height: int = 18,
                  title: str = "", highlight: str | None = None) -> alt.Chart:
    """Horizontal bars of the ranked units (best at the top); past `limit` units, the best and worst limit/2."""
    to_text = _value_text(metric, lang)
    data = rank.dropna(subset=[metric])
    if len(data) > limit:
        half = limit // 2
        data = pd.concat([data.head(half), data.tail(half)])
    data = pd.DataFrame({"rank": data["rank"].astype(int), "name": data["name"], "unit": data["unit"],
                         "value": data[metric].astype(float), "status": data[f"{metric}.status"].astype(str)})
    data["label"] = data["rank"].astype(str) + ". " + data["name"]
    data["status_label"] = data["status"].map(lambda s: status_label(s, lang))
    data["value_text"] = data["value"].map(to_text)
    order = data["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False,
                                                              labelFontSize=min(13, bar_height - 3)))
    x = alt.X("value:Q", title=None, axis=alt.Axis(format="~s" if metrics.get(metric).kind != "rate" else "d",
                                                    labelExpr=None if metrics.get(metric).kind != "rate"
                                                    else "datum.label + '%'"))
    tooltip = [alt.Tooltip("name:N", title=t("collections.col.unit", lang)),
               alt.Tooltip("value_text:N", title=t("chart.value", lang)),
               alt.Tooltip("status_label:N", title=t("chart.status", lang))]
    bars = alt.Chart(data).mark_bar().encode(
        y=y, x=x, color=_status_colour(data["status"], lang), tooltip=tooltip,
        stroke=alt.condition(alt.datum.unit == (highlight or ""), alt.value("#1b2430"), alt.value(None)),
        strokeWidth=alt.condition(alt.datum.unit == (highlight or ""), alt.value(2), alt.value(0)))
    labels = alt.Chart(data).mark_text(align="left", dx=4, fontSize=11, color="#1b2430").encode(
        y=y, x=x, text="value_text:N")
    height = max(120, bar_height * len(data))
    return alt.layer(bars, labels).properties(height=height, **_title(title))


# -- the page's views: what each draws, the statuses and sources it shows ---------------------------------------------
@dataclass
class PanelView:
    """One main view of the page: its chart (or, for the ranking and the map, the ranked units), its titles, the
    statuses and published sources of what it shows, and the name its files are saved under."""
    statuses: set
    sources: list
    stem: str
    chart: alt.Chart | None = None
    rank: pd.DataFrame | None = None
    title: str = ""
    map_title: tuple = ()
    note_key: str | None = None


def panel_view(figs: FigureIndex, sel: Selection, panel: str, metric: str, unit_name: str, area: str,
               area_name: str, lang: str, presenting: bool = False) -> PanelView:
    """What `panel` (PANELS) shows for the selection: a month-by-month or year-by-year chart of the unit (its height
    fits presenter mode), or the ranking of the level's units (the map draws the same ranking)."""
    m = metrics.get(metric)
    height = 130 if presenting else 320  # presenting: title, cards, the rate's amounts, chart and source in 1280×720
    indicator = m.name(lang)
    if panel == "month":
        current, previous = ytd(figs, sel.focus, sel.year), ytd(figs, sel.focus, sel.year - 1)
        title = t("collections.chart_month", lang, indicator=indicator, unit=unit_name, year=sel.year,
                  previous=sel.year - 1)
        return PanelView(statuses_of(current, [metric]) | statuses_of(previous, [metric]), [],
                         f"collections_{m.short}_{sel.focus}_{sel.year}_by_month",
                         chart=ytd_chart(current, previous, metric, lang, height=height, title=title),
                         note_key="collections.chart_month_pace" if metric == PLAN_PCT else None)
    if panel == "year":
        frame = yearly(figs, sel.focus, sel.year)
        title = t("collections.chart_year", lang, indicator=indicator, unit=unit_name)
        return PanelView(statuses_of(frame, [metric]), [], f"collections_{m.short}_{sel.focus}_by_year",
                         chart=yearly_chart(frame, metric, lang, height=height, title=title))
    rank = ranking(figs, sel.level, sel.units, sel.year, sel.rank_period, metric)
    shown = [metric] if presenting else ALL  # presenting: the chart of the one indicator; else the whole table
    level = level_text(sel.level, area, area_name, lang)
    period = period_label(sel.year, sel.rank_period, lang, money=metric == PLAN_PCT)
    return PanelView(statuses_of(rank, shown), published_sources(rank, shown),
                     f"collections_{m.short}_{sel.level}_{sel.year}_{sel.rank_period}", rank=rank,
                     title=t("collections.chart_ranking", lang, indicator=indicator, level=level, period=period),
                     map_title=(indicator, f"{level}, {period}"))


def map_values(rank: pd.DataFrame, metric: str, lang: str) -> pd.DataFrame:
    """The ranking as the map colours and labels it, by unit: value, its text and its status (demo marked)."""
    statuses = [str(s) if isinstance(s, str) else None for s in rank[f"{metric}.status"]]
    return pd.DataFrame({
        "value": rank[metric].to_numpy(),
        "value_text": [fmt.pct(v, lang, 2) for v in rank[metric]],
        "status_label": [status_label(s, lang) if s else "–" for s in statuses]}, index=rank["unit"])


def map_table_columns(metric: str, lang: str) -> list[str]:
    """The table beside the map: rank, unit, the rate beside the amounts it is made of, and the status."""
    amounts = ("revenue", "plan", "plan_pct") if metric == PLAN_PCT else ("arrears", "receivables", "arrears_pct")
    return [t(f"collections.col.{c}", lang) for c in ("rank", "unit", *amounts, "status")]


def status_kind(f: Figure) -> str:
    """How a KPI card names its source: 'published' (with its source), 'partly' (a rate computed from a published
    amount and a demo one: the published one's source), or 'plain' (the status alone)."""
    if f.published:
        return "published"
    return "partly" if first_url(f.source) else "plain"


# -- what the page shows and the view changes it asks for -------------------------------------------------------------
def shown_panel(panel: str | None) -> str:
    """The main view shown: the one the view state names, else the first (the month-by-month curve)."""
    return panel if panel in PANELS else PANELS[0]


def figure_label(f: Figure, lang: str) -> str:
    """A KPI card's label: a rate by its short name, an amount with its unit (billion VND)."""
    return f.metric.short_name(lang) if f.metric.kind == "rate" else t(f"collections.kpi.{f.metric.id}", lang)


def figure_value_text(f: Figure, lang: str) -> str:
    """A KPI card's value; a demo figure says so in itself ("5,94% [minh họa]"), as every card's value does
    (lib.provenance.value_text)."""
    return value_text(_figure_number(f, lang), f.status if f.value is not None else None, lang)


def _figure_number(f: Figure, lang: str) -> str:
    """Rates with two decimals; amounts in billion VND (the unit is in the label); no figure says so."""
    if f.value is None:
        return t("collections.no_value", lang)
    if f.metric.kind == "rate":
        return fmt.pct(f.value, lang, 2)
    return fmt.number(f.value, lang, 0 if f.value >= 100 else 1)


def amounts_text(f: Figure, lang: str) -> str | None:
    """The amounts behind a rate, each with its own status, in billion VND: 'Số thu BHXH, BHYT, BHTN: 4.836 tỷ đồng
    (Công bố) · Kế hoạch thu: 6.784 tỷ đồng [minh họa]'; None when there are none."""
    parts = [t("counts.part", lang, name=p.metric.name(lang),
               value=status_cell(fmt.money_bn(p.value, lang), p.status, lang))
             for p in f.parts if p.value is not None]
    return " · ".join(parts) or None


def figure_change_text(f: Figure, lang: str) -> str | None:
    """The change on the same period a year earlier: points for a rate, per cent for an amount; None without one."""
    if f.change is None:
        return None
    if f.metric.kind == "rate":
        return fmt.points(f.change, lang)
    return ("+" if f.change > 0 else "") + fmt.pct(f.change, lang, 1)


def level_text(level: str, area: str, area_name: str, lang: str) -> str:
    """'provinces', 'districts of Nghệ An', 'all districts' (districts with the nation as the area)."""
    if level == "district" and area == admin.NATIONAL_ID:
        return t("collections.level_district_all", lang)
    return t(f"collections.level_{level}", lang, area=area_name)


def view_of_published(row, area: str) -> dict:
    """The view that shows a published figure (a row of ``published_figures``): its year and month, its unit as the
    area (national, a province, a 2025 province) or as the selected unit inside the current area (a district)."""
    unit = str(row["unit"])
    level = unit.split(":")[0]
    changes = {"area": unit if level in ("national", "province", "province_2025") else area,
               "unit": unit if level == "district" else None,
               "year": int(row["year"]), "month": month_of(str(row["period"]))}
    if level == "province_2025":
        changes["level"] = "province_2025"
    return changes
