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


# -- the sources view: every published figure and target, in the reader's words ---------------------------------------
def sources_view(store, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every published figure and target (data/reference), as a Vietnamese (or English) reader expects: the area by
    name, the period and indicator in words, numbers in the language's format, no internal ids, and for every row
    whether it is the value used, an alternative (and which value is used instead), or a target set aside (and
    which target is used). Returns (table to show, the same with plain numbers for the CSV download).

    Cached per store and language (the bundled store is shared by every session)."""
    return store.memo(("dictionary.sources_view", lang), lambda: _sources_view(store, lang))


def _sources_view(store, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from lib import admin, periods
    from lib.provenance import first_url, short

    df = reference.raw()
    obs = reference.dataset().observations
    preferred = {(r.unit, int(r.year), r.period, r.metric, float(r.value), r.source)
                 for r in obs[obs["rank"] == 0].itertuples()}
    resolved = store.resolved
    sel = resolved[resolved["unit"].isin(set(df["unit"])) & (resolved["status"] != "demo")
                   & ~resolved["derived"].astype(bool)]
    chosen = {k: v for k, v in zip(zip(sel["unit"].astype(str), sel["year"].astype(int), sel["period"].astype(str),
                                       sel["metric"].astype(str)),
                                   zip(sel["value"].astype(float), sel["status"].astype(str), sel["source"].astype(str)))}
    col = {k: t(f"honest.src.col_{k}", lang) for k in ("line", "area", "year", "period", "indicator", "value", "use",
                                                       "source", "note")}
    shown, plain = [], []
    for r in df.itertuples():
        area = admin.label(r.unit, lang, with_parent=True, with_level=r.unit.startswith("province"))
        period = periods.label(int(r.year), str(r.period), lang)
        is_target = str(r.metric_id).startswith("target_")
        metric_id = r.metric_id[len("target_"):] if is_target else r.metric_id
        m = metrics.get(metric_id)
        value = float(r.value)
        if is_target:
            indicator = t("honest.src.target_of", lang, indicator=m.name(lang))
            value_text = _target_row_text(value, str(r.target_kind), lang)
            use = _target_use(store, r.unit, metric_id, int(r.year), str(r.document), lang)
        else:
            indicator = m.name(lang)
            value_text = _value_text(value, m.kind, lang)
            key = (r.unit, int(r.year), str(r.period), metric_id, value, r.source)
            current = chosen.get((r.unit, int(r.year), str(r.period), metric_id))
            if key in preferred and current is not None and current[1] == "reported" \
                    and abs(current[0] - value) < 1e-9:
                use = t("honest.src.used", lang)
            elif current is not None and current[1] == "uploaded":
                use = t("honest.src.replaced_by_yours", lang)
            elif current is not None:
                use = t("honest.src.alternative", lang, value=_value_text(current[0], m.kind, lang),
                        source=short(current[2]))
            else:
                use = t("honest.src.alternative_none", lang)
        note = str(r.note or "")
        shown.append({col["line"]: int(r.line), col["area"]: area, col["year"]: int(r.year), col["period"]: period,
                      col["indicator"]: indicator, col["value"]: value_text, col["use"]: use,
                      col["source"]: str(r.source), col["note"]: note, "URL": first_url(str(r.source))})
        plain.append({**shown[-1], col["value"]: value})
    return pd.DataFrame(shown), pd.DataFrame(plain)


def _target_row_text(value: float, kind: str, lang: str) -> str:
    if kind == "floor":
        return f"{t('common.above', lang)} {fmt.pct_trimmed(value, lang)}"
    if kind in ("range_low", "range_high"):
        return t(f"honest.src.{kind}", lang, value=fmt.pct_trimmed(value, lang))
    return fmt.pct_trimmed(value, lang)


def _target_use(store, unit: str, metric_id: str, year: int, document: str, lang: str) -> str:
    """'used' for the target the app uses for that unit, indicator and year; else 'set aside' and which is used."""
    from lib.targets import target_for

    used = target_for(store.targets, unit, metric_id, year)
    if used is None or used.unit != unit or used.status not in ("published", "uploaded"):
        return t("honest.src.target_aside_none", lang)
    if used.document == document and used.status == "published":
        return t("honest.src.target_used", lang)
    which = used.document or t("target_status.uploaded", lang)
    return t("honest.src.target_aside", lang, document=which, target=fmt.target_text(used, lang))


def _value_text(value: float, kind: str, lang: str) -> str:
    """A published figure as written: rates with their decimals (93,35%), counts in full, money in billion VND."""
    if kind == "rate":
        return fmt.pct_trimmed(value, lang)
    if kind == "count":
        return fmt.number(value, lang, 0)
    return fmt.value(value, kind, lang)
