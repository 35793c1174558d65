"""What the Scenarios page shows, as plain data in the user's language: the four result cards, the saved-scenario
tables and the wording of a save conflict and its ways out (the page draws them)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from lib import fmt, metrics
from lib.gap import gap, gap_text
from lib.i18n import t
from lib.provenance import value_text
from lib.scenarios import model as sc


def open_caption(area: str, metric: metrics.Metric, loaded: dict | None, dirty: bool, lang: str,
                 text: Callable[[str], str] = str) -> str:
    """The line above the what-if: area · indicator · the open scenario and its version · unsaved changes. The
    scenario name is user text: `text` makes it safe (the page passes ui.text)."""
    caption = f"{area} · {metric.name(lang)}"
    if loaded:
        caption += " · " + t("scenarios.open_caption", lang, name=text(loaded["name"]), version=loaded["version"])
        if dirty:
            caption += " · " + t("scenarios.unsaved", lang)
    return caption


def denominator_caption(den_metric: str, used_by: str | None, metric: metrics.Metric, rate: float | None,
                        lang: str) -> str:
    """Under a denominator control: whether this indicator uses it, and its baseline growth rate."""
    key = "scenarios.used_by_this" if den_metric == used_by else "scenarios.not_used_by_this"
    text = t(key, lang, metric=metric.short_name(lang))
    return text + (" · " + t("scenarios.baseline_rate", lang, rate=fmt.pct(rate, lang, 3)) if rate is not None else "")


def _delta(a, b, scale, formatter):
    if a is None or b is None or abs(b - a) < 1e-12:
        return None
    return formatter((b - a) * scale)


def result_cards(result: sc.Result, lang: str, year: int = 2030, demo: bool = False) -> list[dict]:
    """The cards above the results (chance of meeting the target, coverage, gap, participants needed a year): the
    scenario's value, its change against the baseline (None when unchanged) and the baseline in the help text.
    Every figure from a demo series says demo in itself (`demo`). Arguments for st.metric: label, value, delta,
    delta_color, help."""
    o_b, o_s = result.baseline.outcomes[year], result.variant.outcomes[year]

    def said(text: str) -> str:
        return value_text(text, "demo", lang) if demo and text != "–" else text

    signed_persons = lambda d: ("+" if d > 0 else "-") + fmt.persons(abs(d), lang)  # noqa: E731
    return [
        {"label": t("scenarios.card_p_meet", lang, year=year),
         "value": said("–" if o_s.p_meet is None else fmt.pct(100 * o_s.p_meet, lang, 0)),
         "delta": _delta(o_b.p_meet, o_s.p_meet, 100, lambda d: fmt.points(d, lang, 0)), "delta_color": "normal",
         "help": t("scenarios.card_baseline", lang,
                   value="–" if o_b.p_meet is None else fmt.pct(100 * o_b.p_meet, lang, 0))},
        {"label": t("scenarios.card_value", lang, year=year), "value": said(fmt.pct(o_s.value, lang, 1)),
         "delta": _delta(o_b.value, o_s.value, 1, lambda d: fmt.points(d, lang, 2)), "delta_color": "normal",
         "help": t("scenarios.card_baseline", lang, value=fmt.pct(o_b.value, lang, 1))},
        {"label": t("scenarios.card_gap", lang, year=year),
         "value": said(gap_text(gap(o_s.value, o_s.target), lang)),
         "delta": _delta(o_b.gap, o_s.gap, 1, lambda d: fmt.points(d, lang, 2)), "delta_color": "inverse",
         "help": t("scenarios.card_baseline", lang, value=fmt.points(o_b.gap, lang, 2))},
        {"label": t("scenarios.card_needed", lang, year=year),
         "value": said("–" if o_s.needed_per_year is None else fmt.persons(o_s.needed_per_year, lang)),
         "delta": _delta(o_b.needed_per_year, o_s.needed_per_year, 1, signed_persons), "delta_color": "inverse",
         "help": t("scenarios.card_recent", lang, value="–" if result.recent_per_year is None
                   else fmt.persons(result.recent_per_year, lang))},
    ]


def saved_table(items, lang: str, unit_name=lambda u: u, actions: bool = False) -> pd.DataFrame:
    """Saved scenarios (or the versions of one, with what each did when `actions`): name, version, author, note,
    time (Vietnam time), indicator, area. Names, authors and notes are user text: a table shows them as text."""
    rows = []
    for s in items:
        payload = s.payload or {}
        m = metrics.catalog().get(payload.get("metric", ""))
        row = {t("scenarios.col_name", lang): s.name, t("scenarios.col_version", lang): s.version,
               t("scenarios.col_author", lang): s.author, t("scenarios.col_note", lang): s.note,
               t("scenarios.col_time", lang): sc.saved_time(s.created_at, lang),
               t("scenarios.col_metric", lang): m.short_name(lang) if m else "",
               t("scenarios.col_unit", lang): unit_name(payload.get("unit", ""))}
        if actions:
            row[t("scenarios.col_action", lang)] = t(f"scenarios.action.{s.action}", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def conflict_message(conflict: dict, lang: str) -> tuple[str, dict]:
    """The message key and its params for a save conflict: the name exists already, changed since the version the
    save started from, or was deleted meanwhile; who saved the version found and when."""
    key = "scenarios.msg.conflict_exists" if conflict["expected"] is None else "scenarios.msg.conflict_changed"
    if conflict["deleted"]:
        key = "scenarios.msg.conflict_deleted"
    when = sc.saved_time(conflict["created_at"], lang) if conflict.get("created_at") else ""
    return key, {"name": conflict["name"], "version": conflict["latest"], "author": conflict["author"] or "–",
                 "time": when, "expected": conflict["expected"] or "–"}


def conflict_ways(conflict: dict, lang: str) -> dict[str, str | None]:
    """The three ways out of a save conflict, in their order, with their labels: save mine as the version after
    theirs, open theirs (None when it was deleted: nothing to open), keep editing."""
    return {"save": t("scenarios.conflict_save_anyway", lang, version=(conflict["latest"] or 0) + 1),
            "open": None if conflict["deleted"] else t("scenarios.conflict_open_latest", lang,
                                                       version=conflict["latest"]),
            "dismiss": t("scenarios.conflict_dismiss", lang)}


def baseline_target_caption(base, lang: str, text: Callable[[str], str]) -> str:
    """Under a target year's controls: the baseline's target, its status and document (user text from a file: made
    safe by `text`, the page passes ui.text), or that there is none."""
    if base is None:
        return t("scenarios.no_baseline_target", lang)
    return t("scenarios.baseline_target", lang, target=sc.target_text(base, lang),
             status=t("target_status." + base.status, lang), document=text(base.document))


def save_label(version: int | None, lang: str) -> str:
    """The save button: 'Save as version 3' when the name typed is the open scenario's, else 'Save as new'."""
    return t("scenarios.save_version", lang, version=version) if version else t("scenarios.save_new", lang)
