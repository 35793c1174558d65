"""Scenarios: change targets, the growth assumption and denominator growth for the sidebar's area and indicator; see
the baseline and the scenario side by side; save, open, duplicate, compare and delete named scenarios.

The page draws; what the user's actions do (the draft, the open scenario, conflicts, confirmations, messages) is
lib/scenarios/session.py. Widgets are fed from the draft before they draw and write back on change."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import fmt, metrics, ui
from lib.i18n import t
from lib.scenarios import model as sc
from lib.scenarios import session as ss
from lib.scenarios import store as scenario_store
from lib.scenarios import view_text
from lib.targets import TARGET_KINDS

lang, view, store = ui.lang(), ui.view(), ui.get_store()
st.title(t("page.scenarios", lang))

# 1/ what the scenario is about: the sidebar's area and a coverage indicator -------------------------------------------
metric = metrics.for_page(view.metric, "coverage")  # the one rule: a coverage indicator, else HI
if metric.short != view.metric:
    st.info(t("scenarios.coverage_only", lang, metric=metrics.for_page(view.metric).name(lang)), icon=":material/info:")
unit = view.area


def unit_name(uid: str) -> str:  # a saved scenario's unit (an unknown id comes back as it is)
    return ui.area_label(uid, lang)


db, db_error = ss.open_store()  # without a database the what-if part still works

# 2/ the session: open a scenario the link names, let the draft follow the sidebar, show the last action's outcome
inputs = sc.inputs_from_store(store, unit, metric.id, demo=view.demo)
session = ss.ScenarioSession(st.session_state, db, unit, metric.id, inputs, change_view=ui.change_view)
if session.open_named(view.scenario):
    st.rerun()
session.follow()
if message := session.take_flash():
    ui.say(message, lang)

# 3/ the what-if: controls and results (widgets fed from the draft write back through the session) -------------------
PERCENT = {"min_value": 0.0, "max_value": 100.0, "step": 0.5, "format": "%.2f"}  # a target's value control


def target_controls() -> None:
    st.markdown(f"**{t('scenarios.targets', lang)}**")
    for year in sc.TARGET_YEARS:
        base, kind, value, vmax = session.target_fields(year)
        c1, c2, c3 = st.columns([1.25, 1, 1])
        ui.fed(c1.selectbox, f"sc_kind_{year}", kind, lambda v, y=year: session.set_target(y, kind=v),
               t("scenarios.target_year", lang, year=year), TARGET_KINDS,
               format_func=lambda k: t(f"scenarios.kind.{k}", lang))
        ui.fed(c2.number_input, f"sc_value_{year}", value, lambda v, y=year: session.set_target(y, value=float(v)),
               t("scenarios.value_min" if kind == "range" else "scenarios.value", lang), **PERCENT)
        if kind == "range":
            ui.fed(c3.number_input, f"sc_vmax_{year}", vmax,
                   lambda v, y=year: session.set_target(y, value_max=float(v)), t("scenarios.value_max", lang),
                   **PERCENT)
        st.caption(t("scenarios.baseline_target", lang, target=sc.target_text(base, lang),
                     status=t("target_status." + base.status, lang), document=ui.text(base.document))
                   if base is not None else t("scenarios.no_baseline_target", lang))


def growth_controls(g: sc.Growth) -> None:
    st.markdown(f"**{t('scenarios.growth', lang)}**")
    ui.fed(st.radio, "sc_growth_kind", g.kind, session.set_growth_kind, t("scenarios.growth_kind", lang),
           sc.GROWTH_KINDS, format_func=lambda k: t(f"scenarios.growth_kinds.{k}", lang), label_visibility="collapsed")
    if g.kind == "extra_participants":
        ui.fed(st.number_input, "sc_extra", int(g.extra_per_year or session.default_extra()),
               lambda v: session.set_growth(extra_per_year=float(v)), t("scenarios.extra_per_year", lang), step=1000,
               help=t("scenarios.extra_help", lang))
    elif g.kind == "coverage_growth":
        ui.fed(st.number_input, "sc_points", float(g.points_per_year),
               lambda v: session.set_growth(points_per_year=float(v)), t("scenarios.points_per_year", lang),
               min_value=-10.0, max_value=10.0, step=0.1, format="%.2f", help=t("scenarios.points_help", lang))
    elif g.kind == "campaign":
        years = session.campaign_years()
        c1, c2 = st.columns(2)
        ui.fed(c1.number_input, "sc_campaign", int(g.campaign_per_year or session.default_extra()),
               lambda v: session.set_growth(campaign_per_year=float(v)), t("scenarios.campaign_per_year", lang),
               step=1000)
        ui.fed(c2.selectbox, "sc_campaign_from", session.draft.growth.campaign_from,
               lambda v: session.set_growth(campaign_from=int(v)), t("scenarios.campaign_from", lang), years)


def denominator_controls() -> None:
    st.markdown(f"**{t('scenarios.denominators', lang)}**")
    for den_metric, field, rate, value in session.denominator_fields(store):
        ui.fed(st.number_input, f"sc_{field}", value,
               lambda v, f=field, r=rate: session.set_denominator(f, float(v), r),
               t(f"scenarios.growth_{den_metric}", lang), min_value=-sc.DENOMINATOR_GROWTH_LIMIT,
               max_value=sc.DENOMINATOR_GROWTH_LIMIT, step=0.1, format="%.3f",
               help=t("scenarios.denominator_help", lang, rate=fmt.pct(rate, lang, 3)))
        st.caption(view_text.denominator_caption(den_metric, inputs.denominator_metric, metric, rate, lang))


def results_view(result: sc.Result) -> None:
    st.subheader(t("scenarios.results", lang))
    if result.baseline is None:
        st.info(t("scenarios.too_short", lang, message=ui.text(result.message)))
        return
    if result.is_demo:
        st.caption(t("scenarios.demo_note", lang))
    top, bottom = st.columns(2), st.columns(2)
    cards = view_text.result_cards(result, lang, demo=inputs.demo)
    for column, card in zip([top[0], top[1], bottom[0], bottom[1]], cards):
        column.metric(**card, border=True)
    rows = sc.result_rows(result, lang)
    ui.show_table(pd.DataFrame(rows), height=36 + 35 * len(rows), column_config={
        t("scenarios.col_what", lang): st.column_config.TextColumn(width="medium"),
        t("scenarios.col_changed", lang): st.column_config.TextColumn(width="small")})
    st.vega_lite_chart(sc.chart(result, lang), width="stretch")
    with st.expander(t("scenarios.method_title", lang)):
        st.markdown(t("scenarios.method", lang))


@st.fragment
def what_if() -> None:
    """A control change reruns only this part (not the sidebar or the saved list): well inside the 0.3 s budget."""
    loaded = session.loaded and {**session.loaded, "name": ui.text(session.loaded["name"])}
    st.caption(view_text.open_caption(unit_name(unit), metric, loaded, session.dirty, lang))
    ui.demo_banner(inputs.statuses, lang)
    controls, results = st.columns([1.15, 2], gap="large")
    with controls:
        st.subheader(t("scenarios.assumptions", lang))
        target_controls()
        growth_controls(session.draft.growth)
        denominator_controls()
        if st.button(t("scenarios.reset", lang), icon=":material/restart_alt:"):
            session.reset()
            st.rerun()
    with results:
        results_view(sc.compute(inputs, session.draft))


what_if()

# 4/ saved scenarios: save, open, duplicate, delete, restore, compare --------------------------------------------------
st.divider()
st.subheader(t("scenarios.saved", lang))


def save_tab() -> None:
    session.prefill_form()
    c1, c2 = st.columns(2)
    c1.text_input(t("scenarios.name", lang), key=ss.SAVE_NAME, max_chars=scenario_store.NAME_MAX)
    c2.text_input(t("scenarios.author", lang), key=ss.SAVE_AUTHOR, max_chars=scenario_store.AUTHOR_MAX)
    st.text_area(t("scenarios.note", lang), key=ss.SAVE_NOTE, max_chars=scenario_store.NOTE_MAX, height=80)
    version = session.next_version(session.typed(ss.SAVE_NAME))
    # Never disabled: a name typed and not yet sent (no Enter) would leave the button disabled for the first click.
    st.button(t("scenarios.save_version", lang, version=version) if version else t("scenarios.save_new", lang),
              key="sc_save", type="primary", icon=":material/save:", on_click=session.save_form)
    if conflict := session.conflict:
        ui.say(("error",) + view_text.conflict_message(conflict, lang), lang)
        c1, c2, c3 = st.columns(3)
        c1.button(t("scenarios.conflict_save_anyway", lang, version=(conflict["latest"] or 0) + 1),
                  key="sc_conflict_save", on_click=session.save_anyway)
        if not conflict["deleted"]:
            c2.button(t("scenarios.conflict_open_latest", lang, version=conflict["latest"]), key="sc_conflict_open",
                      on_click=session.open_latest)
        c3.button(t("scenarios.conflict_dismiss", lang), key="sc_conflict_dismiss", on_click=session.dismiss_conflict)
        st.caption(t("scenarios.conflict_other_name", lang))


def open_tab(listing, deleted) -> None:
    if not listing:
        st.info(t("scenarios.none_saved", lang))
    else:
        ui.show_table(view_text.saved_table(listing, lang, unit_name))
        names = [s.name for s in listing]
        loaded_name = (session.loaded or {}).get("name")
        choice = st.selectbox(t("scenarios.choose", lang), names, key="sc_choice",
                              index=names.index(loaded_name) if loaded_name in names else 0)
        chosen = next(s for s in listing if s.name == choice)
        c1, c2, c3 = st.columns(3)
        c1.button(t("scenarios.open", lang), key="sc_open", icon=":material/folder_open:", on_click=session.open,
                  args=(choice,), type="primary")
        c2.button(t("scenarios.delete", lang), key="sc_delete", icon=":material/delete:", on_click=session.ask_delete,
                  args=(chosen.name, chosen.version))
        c3.button(t("scenarios.new", lang), key="sc_new", icon=":material/add:", on_click=session.new)
        if pending := session.pending_delete:
            st.warning(t("scenarios.confirm_delete", lang, name=ui.text(pending["name"]), version=pending["version"]))
            d1, d2 = st.columns(2)
            d1.button(t("scenarios.confirm_yes", lang), key="sc_delete_yes", type="primary",
                      on_click=session.confirm_delete_form)
            d2.button(t("scenarios.confirm_no", lang), key="sc_delete_no", on_click=session.cancel_delete)
        d1, d2 = st.columns([2, 1], vertical_alignment="bottom")
        d1.text_input(t("scenarios.duplicate_as", lang), key=ss.DUPLICATE_NAME, max_chars=scenario_store.NAME_MAX)
        d2.button(t("scenarios.duplicate", lang), key="sc_duplicate", icon=":material/content_copy:",
                  on_click=session.duplicate_form, args=(choice,))
        with st.expander(t("scenarios.history", lang, name=ui.text(choice))):
            history = db.history(choice)
            ui.show_table(view_text.saved_table(history, lang, unit_name, actions=True))
            if versions := [h.version for h in history if not h.deleted]:
                h1, h2 = st.columns([1, 1], vertical_alignment="bottom")
                v = h1.selectbox(t("scenarios.version", lang), versions[::-1], key="sc_history_version")
                h2.button(t("scenarios.open_version", lang), key="sc_open_version", on_click=session.open,
                          args=(choice, v))
    if deleted:
        with st.expander(t("scenarios.deleted_list", lang, n=len(deleted))):
            ui.show_table(view_text.saved_table(deleted, lang, unit_name))
            r = st.selectbox(t("scenarios.choose_deleted", lang), [s.name for s in deleted], key="sc_restore_choice")
            st.button(t("scenarios.restore", lang), key="sc_restore", icon=":material/restore_from_trash:",
                      on_click=session.restore_form, args=(r,))


def compare_tab(listing) -> None:
    if len(listing) < 2:
        st.info(t("scenarios.compare_need_two", lang))
        return
    names = [s.name for s in listing]
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("scenarios.compare_a", lang), names, index=0, key="sc_cmp_a")
    b = c2.selectbox(t("scenarios.compare_b", lang), names, index=1, key="sc_cmp_b")
    try:
        sa, sb, ra, rb = session.compare(store, a, b, demo=view.demo)
    except (scenario_store.NotFound, sc.ScenarioFormatError) as exc:
        st.error(t("scenarios.msg.unreadable", lang, name="", error=ui.text(exc)))
        return
    if a == b:
        st.caption(t("scenarios.compare_same", lang))
    ui.demo_banner(ra.statuses | rb.statuses, lang)
    rows = sc.compare_rows(sa, sb, ra, rb, lang, f"A · {a}", f"B · {b}", unit_name)
    ui.show_table(pd.DataFrame(rows), height=36 + 35 * len(rows))


listing, deleted, db_error = session.saved_or_why(db_error)
if listing is None:
    st.error(t("scenarios.msg.unavailable", lang, error=ui.text(db_error)))
else:
    st.caption(t("scenarios.where", lang, backend=db.backend, count=len(listing)))
    tabs = st.tabs([t(f"scenarios.tab_{tab}", lang) for tab in ("save", "open", "compare")])
    with tabs[0]:
        save_tab()
    with tabs[1]:
        open_tab(listing, deleted)
    with tabs[2]:
        compare_tab(listing)
