"""What the Progress & forecast page says, in Vietnamese or English (no Streamlit): the probability sentence, the
method behind every label, the target's origin, the ranking table and the backtest evidence as display tables."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lib import admin, fmt, metrics
from lib.forecast import models as forecast
from lib.gap import from_points as gap_from_points, gap_text
from lib.i18n import t
from lib.provenance import status_label, value_text
from lib.targets import Target



def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def prob(p, lang: str) -> str:
    """A probability as a whole per cent; '>99%' and '<1%' at the ends: a model's paths are no proof of certainty."""
    if _missing(p):
        return "–"
    if p >= 0.995:
        return ">99%"
    if p <= 0.005:
        return "<1%"
    return fmt.pct(100 * p, lang, 0)


def target_text(target: Target | None, lang: str) -> str:
    return fmt.target_text(target, lang)


def unit_name(uid: str, lang: str, with_parent: bool = True) -> str:
    """'Toàn quốc', 'Tỉnh Nghệ An', 'Thành phố Vinh (Nghệ An)' (the province only with `with_parent`)."""
    return admin.label(uid, lang, with_parent=with_parent, full=True)


def target_origin(target: Target | None, lang: str) -> str:
    """Where the target comes from, in words (the rule for inherited and derived targets)."""
    if target is None:
        return ""
    if target.status == "override":
        return t("progress.origin.override", lang)
    if target.status == "inherited":
        return t("progress.origin.inherited", lang, unit=unit_name(target.unit, lang), document=target.document)
    if target.status == "derived":
        parts = "; ".join(
            t("progress.origin.part", lang, unit=unit_name(p.unit, lang),
              target=target_text(Target(target.metric, target.year, p.kind, p.value, p.value_max), lang),
              own=t("progress.origin.own" if p.status != "inherited" else "progress.origin.national", lang),
              weight=fmt.pct(100 * p.weight, lang, 0))
            for p in target.members)
        weights = t("progress.origin.weights_hi" if metrics.get(target.metric).denominator == "population"
                    else "progress.origin.weights_lf", lang)
        return t("progress.origin.derived", lang, weights=weights, parts=parts)
    if target.status == "uploaded":
        return t("progress.origin.uploaded", lang, document=target.document)
    return t("progress.origin.published", lang, document=target.document)


def model_name(model: str | None, lang: str) -> str:
    return t(f"progress.model.{model}", lang) if model else "–"


def label_name(label: str | None, lang: str) -> str:
    return t(f"progress.label.{label}", lang) if label else "–"


def engine_text(result: forecast.ForecastResult, lang: str) -> str:
    """Which code produced the forecast shown: statsmodels' maximum-likelihood fit, or its closed form (stated)."""
    used = result.final_engines.get("drift")
    return t(f"progress.engine.{used}", lang) if used else ""


def history_text(result: forecast.ForecastResult, lang: str) -> str:
    """What the forecast is built on: history length, gaps, a detected level break and what was done with it, and why
    the forecast starts below the last value when it does."""
    if result.first_year is None:
        return ""
    parts = [t("progress.hist.length", lang, n=result.n_observed, first=result.first_year, last=result.last_year)]
    parts.append(t("progress.hist.gaps", lang, n=result.gap_years) if result.gap_years
                 else t("progress.hist.no_gaps", lang))
    if result.too_short:
        return " ".join(parts)
    if result.break_year is not None:
        parts.append(t(f"progress.hist.break_{result.break_mode}", lang, year=result.break_year))
    elif not result.breaks:
        parts.append(t("progress.hist.breaks_off", lang))
    else:
        parts.append(t("progress.hist.no_break", lang))
    reason = result.falls_reason
    if reason:
        parts.append(t(f"progress.hist.falls_{reason}", lang, start=result.fit_from))
    return " ".join(parts)


def benchmark_text(lang: str, horizon: int = 3) -> str:
    """One sentence: the method's measured interval coverage on the evaluation set (lib/forecast/calibration.json)."""
    from lib.forecast import calibration

    b = calibration.load()["benchmark"]
    return t("progress.ev.benchmark", lang, n=b["n_series"], h=horizon,
             x=fmt.pct(100 * b["coverage80"][str(horizon)], lang, 0),
             y=fmt.pct(100 * b["coverage95"][str(horizon)], lang, 0))


# ---------------------------------------------------------------------------------------------------------------------
# The headline

def said(uo, sentence: str, lang: str) -> str:
    """A verdict or forecast sentence of a unit's outlook; from a demo history it says demo in itself."""
    return value_text(sentence, "demo", lang) if uo.demo and sentence else sentence


def headline(uo, lang: str, year: int | None = None) -> tuple[str, str]:
    """('72% chance of reaching 95% by 2030', a second line with the chance of reaching it in any year and the expected
    year) for the target of `year` (the headline year by default)."""
    year = year or uo.main_year
    target, o = uo.targets.get(year), uo.outlooks.get(year)
    r = uo.result
    if target is None:
        return t("progress.no_target", lang, year=year), ""
    tt = target_text(target, lang)
    if r.last_year is None:
        return t("progress.no_data", lang), ""
    if o.basis == "observed":
        value = float(uo.history.set_index("year")["value"].get(year, np.nan)) if year in set(uo.history["year"]) \
            else None
        shown = fmt.pct(value, lang, 2) if value is not None else "–"
        if o.p_meet == 1.0:
            return t("progress.observed_met", lang, year=year, target=tt, value=shown), ""
        if o.p_meet == 0.0:
            gap = target.threshold - value if value is not None else None
            return t("progress.observed_missed", lang, year=year, target=tt, value=shown,
                     gap=fmt.points(gap, lang, signed=False)), ""
        return t("progress.observed_unknown", lang, year=year, target=tt), ""
    if o.basis == "too_short":
        return t("progress.too_short", lang, n=r.n_observed, need=forecast.MIN_OBSERVED_YEARS), ""
    if o.basis == "already_met":
        first = t("progress.already_met", lang, target=tt, value=fmt.pct(r.last_value, lang, 2), last=r.last_year,
                  p=prob(o.p_meet, lang), year=year)
        return first, ""
    first = t("progress.chance", lang, p=prob(o.p_meet, lang), target=tt, year=year)
    expected = (t("progress.expected_year", lang, year=o.expected_year) if o.expected_year
                else t("progress.expected_none", lang, year=r.horizon_to))
    second = t("progress.reach_any", lang, p=prob(o.p_reach_by, lang), year=year) + " " + expected
    return first, second


def method_line(uo, lang: str) -> str:
    r = uo.result
    if r.too_short or r.model is None:
        return ""
    text = t("progress.method_line", lang, model=model_name(r.model, lang), mase=fmt.number(r.mase, lang, 2),
             engine=engine_text(r, lang), paths=fmt.number(r.n_paths, lang, 0))
    return text


# ---------------------------------------------------------------------------------------------------------------------
# Progress methods

def open_sdg_text(p, lang: str) -> tuple[str, str]:
    """(label with the method named, the numbers behind it)."""
    if p is None:
        return t("progress.label.insufficient_data", lang), ""
    label = t("progress.osdg_label", lang, label=label_name(p.label, lang))
    n = p.numbers
    if p.label in ("achieved", "not_achieved") or "ratio" not in n and "cagr_observed" not in n:
        if p.label == "insufficient_data":
            return label, t("progress.osdg_insufficient", lang)
        return label, ""
    if "ratio" in n:
        ratio = n["ratio"]
        ratio_text = fmt.number(ratio, lang, 2) if np.isfinite(ratio) else ("∞" if ratio > 0 else "−∞")
        detail = t("progress.osdg_detail", lang, base=n["base_year"], latest=n["latest_year"],
                   observed=fmt.pct(100 * n["cagr_observed"], lang, 2),
                   required=fmt.pct(100 * n["cagr_required"], lang, 2), target=fmt.pct_trimmed(n["target_value"], lang),
                   year=n["target_year"], ratio=ratio_text, c=fmt.number(n.get("scaling_factor_c", 1.0), lang, 2))
        return label, detail
    high, med, _ = n.get("thresholds", (math.nan, math.nan, 0))
    detail = t("progress.osdg_detail_no_target", lang, base=n["base_year"], latest=n["latest_year"],
               observed=fmt.pct(100 * n["cagr_observed"], lang, 2),
               c=fmt.number(n.get("scaling_factor_c", 1.0), lang, 2),
               high=fmt.pct(100 * high, lang, 2), med=fmt.pct(100 * med, lang, 2))
    return label, detail


def participants_text(p, metric_id: str, lang: str) -> tuple[str, str]:
    if p is None:
        return t("progress.participants_label", lang, label=label_name("insufficient_data", lang)), ""
    label = t("progress.participants_label", lang, label=label_name(p.label, lang))
    n = p.numbers
    if "needed_per_year" not in n:
        return label, ""
    den = t("progress.den." + (metrics.get(metric_id).denominator or "population"), lang)
    recent = n.get("recent_per_year")
    ratio = n.get("ratio")
    detail = t("progress.participants_detail", lang, needed=fmt.number(n["needed_per_year"], lang, 0),
               latest=n["latest_year"], year=n["latest_year"] + n["years_left"],
               target=fmt.pct_trimmed(n["target_value"], lang), total=fmt.persons(n["target_participants"], lang),
               den=den, recent=fmt.number(recent, lang, 0) if not _missing(recent) else "–",
               ratio=fmt.number(ratio, lang, 2) if not _missing(ratio) and np.isfinite(ratio) else "–")
    return label, detail


# ---------------------------------------------------------------------------------------------------------------------
# The ranking table

def ranking_frames(frame: pd.DataFrame, lang: str, year: int = 2030, p_column: str | None = None,
                   with_parent: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display table, CSV table with plain numbers) of a ranked frame (lib.forecast.outlook.ranked). Chances are shown in
    per cent (0-100) for the progress bars; the CSV keeps them as shares (0-1)."""
    col = {k: t(f"progress.col.{k}", lang, year=year) for k in (
        "rank", "unit", "latest", "target", "gap", "p_meet", "p_reach", "expected", "label", "data", "model")}
    p_col = p_column or f"p_meet_{year}"
    gap_col = "gap_override" if p_column == "p_override" else f"gap_{year}"
    names = frame["unit"].map(lambda u: unit_name(u, lang, with_parent))
    demo = [isinstance(d, (bool, np.bool_)) and bool(d) for d in frame["demo"]] if "demo" in frame.columns \
        else [False] * len(frame)
    latest = [f"{value_text(fmt.pct(v, lang, 2), 'demo' if d else None, lang)} ({int(y)})"  # demo marked in the value
              if not _missing(v) and not _missing(y) else "–"
              for v, y, d in zip(frame["last_value"], frame["last_year"], demo)]
    targets = [target_text(Target("", year, k, v, m), lang) if not _missing(v) else "–"
               for k, v, m in zip(frame[f"target_{year}_kind"], frame[f"target_{year}"], frame[f"target_{year}_max"])]
    if p_column == "p_override":
        targets = ["*"] * len(frame)
    # the one gap wording (lib/gap.py); a gap or verdict from a demo history says demo in itself
    gaps = [value_text(gap_text(gap_from_points(g), lang), "demo" if d else None, lang) if not _missing(g) else
            gap_text(gap_from_points(g), lang) for g, d in zip(frame[gap_col], demo)]
    expected = [str(int(y)) if not _missing(y) else "–" for y in frame["expected_year"]]
    data = [status_label(s, lang) if isinstance(s, str) else "–" for s in frame["data_status"]]
    models = [model_name(m, lang) if isinstance(m, str)
              else t("progress.no_data_short" if st == "no_data" else "progress.too_short_short", lang)
              for m, st in zip(frame["model"], frame["status"] if "status" in frame else [None] * len(frame))]
    labels = [value_text(label_name(x, lang), "demo" if d else None, lang) if isinstance(x, str) else "–"
              for x, d in zip(frame[f"progress_{year}"], demo)]
    counts, count_csv = _count_columns(frame, lang)
    display = pd.DataFrame({col["rank"]: frame["rank"], col["unit"]: names, col["latest"]: latest, **counts,
                            col["target"]: targets, col["gap"]: gaps,
                            col["p_meet"]: (100 * frame[p_col].astype(float)).round(0),
                            col["p_reach"]: (100 * frame[f"p_reach_{year}"].astype(float)).round(0),
                            col["expected"]: expected, col["label"]: labels, col["data"]: data, col["model"]: models})
    csv = pd.DataFrame({"rank": frame["rank"], "unit": frame["unit"], "unit_code": frame["unit_code"], "name": names,
                        "last_year": frame["last_year"], "last_value": frame["last_value"], **count_csv,
                        f"target_{year}": frame[f"target_{year}"], f"gap_{year}": frame[gap_col],
                        f"p_meet_{year}": frame[p_col], f"p_reach_{year}": frame[f"p_reach_{year}"],
                        "expected_year": frame["expected_year"], f"progress_{year}_open_sdg": frame[f"progress_{year}"],
                        "data_status": frame["data_status"], "demo": frame["demo"], "model": frame["model"],
                        "mase": frame["mase"]})
    return display, csv


def _count_columns(frame: pd.DataFrame, lang: str) -> tuple[dict, dict]:
    """The counts beside each unit's latest rate (lib.forecast.outlook.with_counts), each with its own status: for the
    screen ('2.970.132 (Công bố)', '2.970.132 [minh họa]'), headed by the count's name; plain for the CSV."""
    from lib.figure import status_cell

    if "participants" not in frame.columns or not len(frame):
        return {}, {}
    m = metrics.get(str(frame["metric"].iloc[0])) if "metric" in frame.columns else None
    shown, csv = {}, {}
    for column in ("participants", "denominator"):
        metric_id = getattr(m, "numerator" if column == "participants" else "denominator", None) if m else None
        if metric_id is None:
            continue
        heading = t("progress.col.count", lang, name=metrics.get(metric_id).name(lang))
        shown[heading] = [status_cell(fmt.number(v, lang, 0), s, lang) if not _missing(v) else "–"
                          for v, s in zip(frame[column], frame[f"{column}_status"])]
        csv |= {column: frame[column], f"{column}_status": frame[f"{column}_status"]}
    return shown, csv


# ---------------------------------------------------------------------------------------------------------------------
# Backtest evidence

def evidence_table(result: forecast.ForecastResult, lang: str) -> pd.DataFrame:
    """This unit's own rolling-origin backtest of the method: horizon, errors, MASE, 80 % and 95 % coverage."""
    frame = result.backtest_frame()
    if frame.empty:
        return frame
    h = t("progress.ev.h", lang)
    num = lambda v: "–" if _missing(v) else fmt.number(v, lang, 2)  # noqa: E731
    pct = lambda v: "–" if _missing(v) else fmt.pct(100 * v, lang, 0)  # noqa: E731
    return pd.DataFrame({t("progress.ev.horizon", lang): [f"{h}{k}" for k in frame["horizon"]],
                         t("progress.ev.n", lang): frame["n"].astype(int).to_numpy(),
                         t("progress.ev.mase", lang): frame["mase"].map(num).to_numpy(),
                         t("progress.ev.cov80", lang): frame["coverage80"].map(pct).to_numpy(),
                         t("progress.ev.cov95", lang): frame["coverage95"].map(pct).to_numpy()})


def notes_text(result: forecast.ForecastResult, lang: str) -> list[str]:
    """What the fit had to do with the data, in words: values read at a bound, fallbacks."""
    out = []
    if result.prep.n_clipped:
        out.append(t("progress.ev.note_clipped", lang, n=result.prep.n_clipped))
    if result.final_engines.get("drift") == "closed_form_fallback":
        out.append(t("progress.ev.note_fallback", lang))
    return out


def forecast_table(result: forecast.ForecastResult, lang: str) -> pd.DataFrame:
    fc = result.forecast_frame()
    if fc.empty:
        return fc
    return pd.DataFrame({t("chart.year", lang): fc["year"].astype(str),
                         t("progress.chart.median", lang): fc["point"].map(lambda v: fmt.pct(v, lang, 2)),
                         t("progress.chart.band80", lang): [f"{fmt.pct(a, lang, 1)} – {fmt.pct(b, lang, 1)}"
                                                            for a, b in zip(fc["lo80"], fc["hi80"])],
                         t("progress.chart.band95", lang): [f"{fmt.pct(a, lang, 1)} – {fmt.pct(b, lang, 1)}"
                                                            for a, b in zip(fc["lo95"], fc["hi95"])]})
