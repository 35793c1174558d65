"""Scenarios: change targets, the growth assumption and denominator growth for the sidebar's area and indicator; see
the baseline and the scenario side by side; save, open, duplicate, compare and delete named scenarios.

The page draws; what the user's actions do (the draft, the open scenario, conflicts, confirmations, messages) is
lib/scenarios/session.py. Widgets are fed from the draft before they draw and write back on change."""
from __future__ import annotations

import functools

import streamlit as st

from lib import fmt, metrics, ui
from lib.i18n import t
from lib.scenarios import model as sc
from lib.scenarios import session as ss
from lib.scenarios import store as scenario_store
from lib.scenarios import view_text

lang, view, store = ui.lang(), ui.view(), ui.get_store()
st.title(t("page.scenarios", lang))

# 1/ what the scenario is about: the sidebar's area and a coverage indicator -------------------------------------------
metric = metrics.for_page(view.metric, "coverage")  # the one rule: a coverage indicator, else HI
if metric.short != view.metric:
    st.info(t("scenarios.coverage_only", lang, metric=metrics.for_page(view.metric).name(lang)), icon=":material/info:")
unit = view.area
unit_name = functools.partial(ui.area_label, lg=lang)  # a saved scenario's unit (an unknown id comes back as it is)

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


def target_controls() -> None:
    st.markdown(f"**{t('scenarios.targets', lang)}**")
    for year in sc.TARGET_YEARS:
        base, kind, value, vmax = session.target_fields(year)
        ui.target_inputs(t("scenarios.target_year", lang, year=year), kind, value, vmax,
                         functools.partial(session.set_target, year), key=f"sc_{{}}_{year}")
        st.caption(view_text.baseline_target_caption(base, lang, ui.text))


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
    ui.metric_grid(view_text.result_cards(result, lang, demo=inputs.demo), per_row=2)
    ui.rows_table(sc.result_rows(result, lang), widths={t("scenarios.col_what", lang): "medium",
                                                        t("scenarios.col_changed", lang): "small"})
    st.vega_lite_chart(sc.chart(result, lang), width="stretch")
    with st.expander(t("scenarios.method_title", lang)):
        st.markdown(t("scenarios.method", lang))


@st.fragment
def what_if() -> None:
    """A control change reruns only this part (not the sidebar or the saved list): well inside the 0.3 s budget."""
    st.caption(view_text.open_caption(unit_name(unit), metric, session.loaded, session.dirty, lang, ui.text))
    ui.demo_banner(inputs.statuses, lang)
    controls, results = st.columns([1.15, 2], gap="large")
    with controls:
        st.subheader(t("scenarios.assumptions", lang))
        target_controls()
        growth_controls(session.draft.growth)
        denominator_controls()
        st.button(t("scenarios.reset", lang), icon=":material/restart_alt:", on_click=session.reset)
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
    # Never disabled: a name typed and not yet sent (no Enter) would leave the button disabled for the first click.
    st.button(view_text.save_label(session.next_version(session.typed(ss.SAVE_NAME)), lang), key="sc_save",
              type="primary", icon=":material/save:", on_click=session.save_form)
    if conflict := session.conflict:
        ui.say(("error",) + view_text.conflict_message(conflict, lang), lang)
        ways = {"save": session.save_anyway, "open": session.open_latest, "dismiss": session.dismiss_conflict}
        ui.buttons(*(label and {"label": label, "key": f"sc_conflict_{way}", "on_click": ways[way]}
                     for way, label in view_text.conflict_ways(conflict, lang).items()))
        st.caption(t("scenarios.conflict_other_name", lang))


def open_tab(listing, deleted) -> None:
    if not listing:
        st.info(t("scenarios.none_saved", lang))
    else:
        ui.show_table(view_text.saved_table(listing, lang, unit_name))
        names = [s.name for s in listing]
        choice = st.selectbox(t("scenarios.choose", lang), names, key="sc_choice", index=session.open_index(names))
        c1, c2, c3 = st.columns(3)
        c1.button(t("scenarios.open", lang), key="sc_open", icon=":material/folder_open:", on_click=session.open,
                  args=(choice,), type="primary")
        c2.button(t("scenarios.delete", lang), key="sc_delete", icon=":material/delete:", on_click=session.ask_delete,
                  args=(choice, listing[names.index(choice)].version))
        c3.button(t("scenarios.new", lang), key="sc_new", icon=":material/add:", on_click=session.new)
        if pending := session.pending_delete:
            ui.confirm(t("scenarios.confirm_delete", lang, name=ui.text(pending["name"]), version=pending["version"]),
                       t("scenarios.confirm_yes", lang), t("scenarios.confirm_no", lang), "sc_delete",
                       on_yes=session.confirm_delete_form, on_no=session.cancel_delete)
        d1, d2 = st.columns([2, 1], vertical_alignment="bottom")
        d1.text_input(t("scenarios.duplicate_as", lang), key=ss.DUPLICATE_NAME, max_chars=scenario_store.NAME_MAX)
        d2.button(t("scenarios.duplicate", lang), key="sc_duplicate", icon=":material/content_copy:",
                  on_click=session.duplicate_form, args=(choice,))
        with st.expander(t("scenarios.history", lang, name=ui.text(choice))):
            history = db.history(choice)
            ui.show_table(view_text.saved_table(history, lang, unit_name, actions=True))
            if versions := [h.version for h in history if not h.deleted]:
                ui.pick_and_act(t("scenarios.version", lang), versions[::-1], "sc_history_version",
                                t("scenarios.open_version", lang), "sc_open_version",
                                functools.partial(session.open, choice))
    if deleted:
        with st.expander(t("scenarios.deleted_list", lang, n=len(deleted))):
            ui.show_table(view_text.saved_table(deleted, lang, unit_name))
            ui.pick_and_act(t("scenarios.choose_deleted", lang), [s.name for s in deleted], "sc_restore_choice",
                            t("scenarios.restore", lang), "sc_restore", session.restore_form,
                            icon=":material/restore_from_trash:")


def compare_tab(listing) -> None:
    if len(listing) < 2:
        st.info(t("scenarios.compare_need_two", lang))
        return
    names = [s.name for s in listing]
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("scenarios.compare_a", lang), names, index=0, key="sc_cmp_a")
    b = c2.selectbox(t("scenarios.compare_b", lang), names, index=1, key="sc_cmp_b")
    rows, statuses, problem = session.comparison(store, a, b, lang, unit_name, demo=view.demo)
    if problem:
        ui.say(problem, lang)
        return
    if a == b:
        st.caption(t("scenarios.compare_same", lang))
    ui.demo_banner(statuses, lang)
    ui.rows_table(rows)


listing, deleted, db_error = session.saved_or_why(db_error)
if listing is None:
    st.error(t("scenarios.msg.unavailable", lang, error=ui.text(db_error)))
else:
    st.caption(t("scenarios.where", lang, backend=db.backend, count=len(listing)))
    ui.tabs({t("scenarios.tab_save", lang): save_tab, t("scenarios.tab_open", lang): lambda: open_tab(listing, deleted),
             t("scenarios.tab_compare", lang): lambda: compare_tab(listing)})
