"""Progress & forecast: will the unit meet its 2025 and 2030 targets?

Four views (the `panel` view state, so a link reopens the one shown): the forecast (fan chart with the targets, the
chance of meeting them in words and numbers, the Open SDG label and the participants needed per year), the ranking of
the level's units, the backtest evidence behind the forecast, and the methods. In presenter mode only the chosen view
is drawn, full width, with its source line. An analyst's target for this view recomputes only the probabilities."""
import streamlit as st

from lib import admin, charts, ui
from lib.forecast import fanchart, outlook
from lib.forecast import session as ps
from lib.forecast import view_text as pv
from lib.i18n import t

lang, view, store, presenting = ui.lang(), ui.view(), ui.get_store(), ui.presenting()

metric = outlook.coverage_metric(view.metric)
unit = outlook.focus_unit(view.area, view.unit)
panel = view.panel if view.panel in outlook.PANELS else "forecast"
if unit != view.unit or panel != view.panel:
    ui.change_view(rerun_app=False, unit=unit, panel=panel)
session = ps.ProgressSession(st.session_state, store, unit, metric.id)

ui.title(t("page.progress", lang), f"{pv.unit_name(unit, lang)} · {metric.name(lang)}")
if metric.short != view.metric:
    st.info(t("progress.coverage_only", lang, metric=metric.name(lang)), icon=":material/info:")


# -- controls ---------------------------------------------------------------------------------------------------------
def unit_label(uid: str) -> str:
    return pv.unit_name(uid, lang, with_parent=view.area == admin.NATIONAL_ID)


if not presenting:
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    with c1:
        ui.bound(st.selectbox, "unit", t("progress.unit", lang), outlook.unit_options(view.area, unit),
                 format_func=unit_label)
    with c2:
        ui.bound(st.segmented_control, "panel", t("progress.panel", lang), options=list(outlook.PANELS),
                 format_func=lambda p: t(f"progress.panel_{p}", lang), selection_mode="single")


def override_controls(uo) -> None:
    """'Try another target' for analysts: only this view's probabilities and labels change (lib.forecast.session)."""
    with st.expander(t("progress.override.title", lang), expanded=uo.override is not None, icon=":material/tune:"):
        st.caption(t("progress.override.help", lang))
        session.feed_override_controls(uo)
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        a.segmented_control(t("progress.override.year", lang), options=list(outlook.TARGET_YEARS),
                            key=ps.OVERRIDE_YEAR, on_change=session.set_override, selection_mode="single")
        b.number_input(t("progress.override.value", lang), min_value=0.0, max_value=float(metric.ceiling or 100),
                       step=0.1, format="%.2f", key=ps.OVERRIDE_VALUE, on_change=session.set_override)
        c.button(t("progress.override.reset", lang), on_click=session.clear_override, disabled=uo.override is None,
                 icon=":material/restart_alt:")


# -- the forecast view ------------------------------------------------------------------------------------------------
def forecast_view() -> None:
    with st.spinner(t("progress.computing_one", lang)):
        uo = outlook.unit_outlook(store, unit, metric.id, override=session.override(), demo=view.demo,
                                  breaks=not session.ignore_break)
    ui.demo_banner(uo.statuses, lang)
    first, second = pv.headline(uo, lang)
    st.markdown(f"### {pv.said(uo, first, lang)}")
    if second:
        st.markdown(pv.said(uo, second, lang))
    if uo.result.too_short and not uo.demo and not presenting:  # presenting: the headline says it, the chart fits
        st.info(t("honest.not_enough_real", lang), icon=":material/info:")
        st.page_link("pages/data.py", label=t("honest.to_data_page", lang), icon=":material/database:")
    if uo.demo and not uo.result.too_short and not presenting:  # presenting: the headline and chart title say demo
        st.caption(t("progress.demo_forecast", lang))
    if uo.override is not None:
        st.caption(t("progress.override.active", lang, target=pv.target_text(uo.override, lang),
                     year=uo.override.year))
    left, right = (st.container(), None) if presenting else st.columns([3, 2], gap="large")
    with left:
        # presenting: short enough that title, chart with its year axis and source line fit 1280×720
        chart = fanchart.fan_spec(uo, lang, height=180 if presenting else 360)
        if uo.demo:  # the picture says demo in itself (also when exported or presented)
            chart["title"] = charts.demo_title(str(chart.get("title") or ""), lang)
        ui.chart(chart, f"progress_{metric.short}_{unit.replace(':', '_')}", key="prog_fan")
        if not presenting:  # presenting: the chart's own legend, so that the source line stays on screen
            st.caption(t("progress.chart.legend", lang))
        method = pv.method_line(uo, lang)
        if method and not presenting:
            st.caption(method)
        st.caption(pv.history_text(uo.result, lang))
        if (uo.result.break_year is not None or session.ignore_break) and not presenting:
            st.toggle(t("progress.hist.ignore_break", lang), key=ps.IGNORE_BREAK)
    if not presenting:
        with right:
            for year in sorted(uo.targets, reverse=True):
                target_box(uo, year)
        override_controls(uo)
    ui.source_line(list(uo.history["source"]) + [tg.source for tg in uo.targets.values() if tg is not None],
                   lang, uo.statuses)


def target_box(uo, year: int) -> None:
    target = uo.targets.get(year)
    with st.container(border=True):
        st.markdown(f"**{t('progress.target_heading', lang, year=year)}: {ui.text(pv.target_text(target, lang))}**")
        if target is None:
            st.caption(t("progress.no_target", lang, year=year))
            return
        st.caption(ui.text(pv.target_origin(target, lang)))
        if year != uo.main_year:
            first, second = pv.headline(uo, lang, year)
            st.markdown(pv.said(uo, first + (f" {second}" if second else ""), lang))
        labels = uo.progress.get(year) or {}
        label, detail = pv.open_sdg_text(labels.get("open_sdg"), lang)
        st.markdown(pv.said(uo, label, lang))
        if detail:
            st.caption(detail)
        # One headline label per target (Open SDG growth ratio, named); the participants method behind a click.
        label, detail = pv.participants_text(labels.get("participants"), metric.id, lang)
        with st.expander(t("honest.other_method", lang)):
            st.caption(t("honest.why_methods_differ", lang))
            st.markdown(pv.said(uo, label, lang))
            if detail:
                st.caption(detail)


# -- the ranking ------------------------------------------------------------------------------------------------------
def ranking_view() -> None:
    level = outlook.table_level(view.area, view.level)
    if not presenting:
        c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
        if view.area == admin.NATIONAL_ID:
            with c1:
                ui.bound(st.segmented_control, "level", t("progress.rank.level", lang),
                         options=["province", "province_2025", "district"],
                         format_func=lambda lv: t(f"progress.rank.level_{lv}", lang), selection_mode="single")
        c2.segmented_control(t("progress.rank.year", lang), options=list(outlook.TARGET_YEARS),
                             default=max(outlook.TARGET_YEARS), key=ps.RANK_YEAR)
        c3.segmented_control(t("progress.rank.sort", lang), options=["probability", "gap"], default="probability",
                             format_func=lambda s: t(f"progress.rank.sort_{s}", lang), key=ps.RANK_SORT)
    year, by = session.rank_year, session.rank_sort
    on_progress, finish = ui.progress_reporter(lambda n: t("progress.rank.computing", lang, total=n),
                                               lambda d, n: t("progress.rank.computing_n", lang, done=d, total=n))
    with st.spinner(t("progress.rank.loading", lang)):
        frame = outlook.table(store, outlook.level_units(level, view.area), metric.id, progress_cb=on_progress,
                              demo=view.demo)
    finish()
    override = session.override()
    p_column = None
    if override is not None and not presenting and override.year == year and st.toggle(
            t("progress.rank.use_override", lang, target=pv.target_text(override, lang), year=override.year),
            key="_prog_rank_override"):
        frame = outlook.with_override(frame, store, metric.id, override)
        p_column = "p_override"
    frame = outlook.with_counts(frame, store, metric.id, demo=view.demo)  # the counts beside each rate
    ranked = outlook.ranked(frame, by, year, column=p_column)
    ui.demo_banner(set(ranked["data_status"].dropna()), lang)
    st.caption(t("progress.rank.caption", lang, n=len(ranked), level=t(f"progress.rank.level_{level}", lang),
                 by=t(f"progress.rank.by_{by}", lang), year=year))
    display, csv = pv.ranking_frames(ranked, lang, year, p_column, with_parent=view.area == admin.NATIONAL_ID)
    chances = [t("progress.col.p_meet", lang, year=year), t("progress.col.p_reach", lang, year=year)]
    ui.pick_table(display, f"progress_ranking_{metric.short}_{level}_{year}", ranked["unit"].tolist(),
                  lambda uid: ui.change_view(rerun_app=False, unit=uid, panel="forecast"), "prog_rank_table", csv=csv,
                  column_config={c: st.column_config.ProgressColumn(c, min_value=0, max_value=100, format="%.0f%%")
                                 for c in chances})
    if not presenting:
        st.caption(t("progress.rank.click", lang))
    ui.source_line([], lang, set(ranked["data_status"].dropna()))


# -- the backtest evidence --------------------------------------------------------------------------------------------
def evidence_view() -> None:
    uo = outlook.unit_outlook(store, unit, metric.id, demo=view.demo)
    r = uo.result
    ui.demo_banner(uo.statuses, lang)
    st.markdown(pv.benchmark_text(lang))
    st.caption(pv.history_text(r, lang))
    if r.too_short or not r.scores:
        st.info(pv.headline(uo, lang)[0] if r.too_short else t("progress.ev.none", lang), icon=":material/info:")
        return
    st.caption(pv.engine_text(r, lang))
    notes = pv.notes_text(r, lang)
    if notes:
        st.caption(" · ".join(notes))
    st.markdown(f"**{t('progress.ev.unit_title', lang)}**")
    ui.show_table(pv.evidence_table(r, lang))
    st.markdown(f"**{t('progress.ev.forecast_title', lang)}**")
    ui.show_table(pv.forecast_table(r, lang))
    st.caption(t("progress.ev.how", lang))


def methods_view() -> None:
    for key in ("targets", "open_sdg", "participants", "forecast", "probability", "engine"):
        st.markdown(f"#### {t('progress.methods.' + key + '_title', lang)}")
        st.markdown(t("progress.methods." + key, lang))


{"forecast": forecast_view, "ranking": ranking_view, "evidence": evidence_view, "methods": methods_view}[panel]()
