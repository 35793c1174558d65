"""The data dictionary shown in the app: metrics, columns, statuses, and the assumptions behind estimates."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from lib import fmt, metrics
from lib.bundled import denominators
from lib.bundled import reference
from lib.i18n import t


def metrics_table(lang: str) -> pd.DataFrame:
    rows = []
    for m in metrics.catalog().values():
        rows.append({
            t("dict.col_id", lang): m.id,
            t("dict.col_name", lang): m.name(lang),
            t("dict.col_kind", lang): t(f"dict.kind_{m.kind}", lang),
            t("dict.col_unit", lang): m.unit_label(lang),
            t("dict.col_definition", lang): m.description.get(lang, m.description["en"]),
            t("dict.col_stored", lang): t("dict.derived", lang) if m.is_derived else t("dict.stored", lang),
        })
    return pd.DataFrame(rows)


def columns_table(lang: str) -> pd.DataFrame:
    names = ["unit", "year", "period", "metric", "value", "status", "source", "note"]
    return pd.DataFrame({t("dict.col_column", lang): names,
                         t("dict.col_definition", lang): [t(f"dict.column.{n}", lang) for n in names]})


def target_columns_table(lang: str) -> pd.DataFrame:
    names = ["unit", "metric", "year", "kind", "value", "value_max", "document", "source"]
    return pd.DataFrame({t("dict.col_column", lang): names,
                         t("dict.col_definition", lang): [t(f"dict.target_column.{n}", lang) for n in names]})


@lru_cache(maxsize=4)  # bundled data only: the same for every session
def labour_force_table(lang: str) -> pd.DataFrame:
    rows = [{t("dict.col_year", lang): a.year, t("dict.col_participants", lang): fmt.persons(a.participants, lang),
             t("dict.col_rate", lang): fmt.pct(a.rate, lang, 2),
             t("dict.col_implied", lang): fmt.persons(a.implied, lang)} for a in denominators.labour_force_anchors()]
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)  # bundled data only: the same for every session
def calibration_table(lang: str) -> pd.DataFrame:
    from lib import admin

    cal = denominators.province_labour_force_shares().dropna(subset=["factor"])
    return pd.DataFrame({
        t("dict.col_unit", lang): [admin.display_name(u) for u in cal.index],
        t("dict.col_factor", lang): [fmt.number(f, lang, 3) for f in cal["factor"]],
        t("dict.col_years", lang): [", ".join(str(a.year) for a in denominators.labour_force_anchors(u))
                                    for u in cal.index],
    })


def population_growth(lang: str) -> str:
    return fmt.pct(denominators.national_growth() * 100, lang, 3)


@lru_cache(maxsize=4)  # bundled data only: the same for every session
def published_table(lang: str) -> pd.DataFrame:
    """Every published figure, with the one used for each key marked, and its source."""
    from lib import admin

    df = reference.raw()
    obs = reference.dataset().observations
    used = {(r.unit, int(r.year), r.period, r.metric, float(r.value), r.source)
            for r in obs[obs["rank"] == 0].itertuples()}
    rows = []
    for r in df.itertuples():
        is_target = r.metric_id.startswith("target_")
        key = (r.unit, int(r.year), r.period, r.metric_id, float(r.value), r.source)
        rows.append({
            t("dict.col_line", lang): r.line,
            t("dict.col_unit", lang): admin.display_name(r.unit),
            t("dict.col_year", lang): int(r.year),
            t("dict.col_period", lang): r.period,
            t("dict.col_metric", lang): r.metric_id,
            t("dict.col_value", lang): float(r.value),
            t("dict.col_used", lang): t("dict.target", lang) if is_target else
            (t("dict.used", lang) if key in used else t("dict.alternative", lang)),
            t("dict.col_source", lang): r.source,
            t("dict.col_note", lang): r.note,
            "url": next(iter(_urls(r.source)), None),
        })
    return pd.DataFrame(rows)


def _urls(text: str):
    from lib.provenance import first_url

    u = first_url(text)
    return [u] if u else []


@lru_cache(maxsize=4)  # bundled data only: the same for every session
def implied_denominators_table(lang: str) -> pd.DataFrame:
    """Where a count and its rate were both published for the same unit and year, the denominator they imply,
    beside the estimate the app uses (the published rate is what the app shows for that year)."""
    from lib import admin
    from lib.store import bundled_store

    store = bundled_store()
    obs = reference.dataset().observations
    fy = obs[(obs["period"] == "FY") & (obs["rank"] == 0)].set_index(["unit", "year", "metric"])["value"]
    rows = []
    for m in metrics.catalog().values():
        if not m.is_derived or m.domain != "coverage":
            continue
        for (unit, year, metric), rate in fy.items():
            count = fy.get((unit, year, m.numerator))
            if metric != m.id or count is None or rate <= 0:
                continue
            estimate = store.value(unit, m.denominator, year)
            if estimate is None:
                continue
            implied = count / rate * 100
            rows.append({
                t("dict.col_unit", lang): admin.display_name(unit), t("dict.col_year", lang): int(year),
                t("dict.col_metric", lang): m.name(lang),
                t("dict.col_implied_den", lang): fmt.persons(implied, lang),
                t("dict.col_estimate_den", lang): fmt.persons(float(estimate["value"]), lang),
                t("dict.col_difference", lang): fmt.pct((implied / float(estimate["value"]) - 1) * 100, lang, 1),
            })
    return pd.DataFrame(rows)
