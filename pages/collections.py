"""Collections: revenue against plan and arrears against receivables for a unit and period (year to date), with the
month-by-month curve, the trend by year, a ranking of units and a map; published figures shown as real with their
source, the rest marked demo. In presenter mode: one view (KPIs and a curve, or the ranking, or the map), full width,
with its title and source line, and no controls."""
import pandas as pd
import streamlit as st

from lib import collections as coll, fmt, metrics, ui, urlstate
from lib.i18n import t
from lib.maps import values as map_values
from lib.maps import vega as vlmaps
from lib.provenance import status_label

lang, view, store, presenting = ui.lang(), ui.view(), ui.get_store(), ui.presenting()
figs = coll.figure_index(store, view.demo)  # the demo switch
metric_id = coll.HEADLINE.get(view.metric, coll.PLAN_PCT)
metric = metrics.get(metric_id)
sel = coll.select(figs, view.area, view.unit, view.year, view.month, view.level, lang)

# The view state says what the page shows, so the URL and the copied link reopen exactly this. The level is left as
# asked: from July 2025 (or for communes) the page shows 34 provinces by rule, and an earlier year gets it back.
panel = coll.shown_panel(view.panel)
ui.change_view(month=sel.month, panel=panel)

unit_name = coll.unit_title(sel.focus, lang) if sel.focus.startswith("province_2025") else \
    ui.unit_label(sel.focus, lang)
money_period = coll.period_label(sel.year, sel.period, lang, money=True)
area_name = ui.unit_label(view.area, lang)
ui.title(t("collections.title", lang), t("collections.subtitle", lang, unit=unit_name, period=money_period))


def pick_unit(uid: str | None) -> None:
    """A click on the map or on a table row selects that unit (its figures show in the KPIs)."""
    if uid:
        ui.change_view(unit=uid)


def pick_on_map() -> None:
    state = st.session_state.get("coll_map") or {}
    selection = state.get("selection", {}) if isinstance(state, dict) else getattr(state, "selection", {})
    picked = (selection or {}).get(vlmaps.SELECT_PARAM) or []
    pick_unit(picked[0].get("uid") if picked else None)


def controls() -> None:
    st.caption(t("collections.intro", lang))
    c1, c2, c3 = st.columns([2, 3, 4], vertical_alignment="bottom")
    with c1:  # the full year is 12 in the control (a selectbox shows None as no choice) and None in the view
        ui.fed(st.selectbox, "_w_month", sel.month or 12, lambda m: ui.change_view(month=None if m == 12 else m),
               t("collections.control_period", lang), [m or 12 for m in sel.month_options],
               format_func=lambda m: coll.month_label(sel.year, None if m == 12 else m, lang))
    with c2:
        level_text = lambda lv: coll.level_text(lv, view.area, area_name, lang)  # noqa: E731
        if view.level in sel.level_options:
            ui.bound(st.selectbox, "level", t("collections.control_level", lang), sel.level_options,
                     format_func=level_text)
        else:  # the level follows from the period (or communes have no figures): shown, not chosen
            st.selectbox(t("collections.control_level", lang), sel.level_options, format_func=level_text,
                         index=sel.level_options.index(sel.level), disabled=len(sel.level_options) == 1,
                         key="_coll_level_fixed",
                         on_change=lambda: ui.change_view(level=st.session_state["_coll_level_fixed"]))
    with c3:
        ui.bound(st.segmented_control, "panel", t("collections.control_panel", lang), list(coll.PANELS),
                 format_func=lambda p: t(f"collections.panel_{p}", lang), selection_mode="single", required=True)
    if view.unit and sel.focus != view.area and view.unit == sel.focus:
        b1, b2 = st.columns([3, 2], vertical_alignment="center")
        b1.markdown(t("collections.selected", lang, unit=ui.text(unit_name)))
        b2.button(t("collections.back_to", lang, area=area_name), icon=":material/undo:",
                  on_click=lambda: ui.change_view(unit=None), key="coll_back")
    for key, params in sel.notes:
        st.caption(t(key, lang, **params))


def kpi_cards(figures: list) -> None:
    """Revenue, % of plan, arrears, arrears ratio: value, change on the same period a year earlier, status and
    (published figures) source."""
    for column, f in zip(st.columns(len(figures)), figures):
        with column, st.container(border=True):
            change = coll.figure_change_text(f, lang)
            st.metric(coll.figure_label(f, lang), coll.figure_value_text(f, lang), delta=change,
                      delta_color="inverse" if f.metric.direction < 0 else "normal",
                      delta_description=t("collections.vs_last_year", lang, year=sel.year - 1) if change else None,
                      help=f.metric.description.get(lang, ""))
            status, kind = f"**{status_label(f.status, lang)}**" if f.status else "–", coll.status_kind(f)
            if kind != "plain" and not presenting:  # presenting: the source line under the view names the sources
                status = t(f"collections.status_{'line' if kind == 'published' else 'partly'}", lang, status=status,
                           source=ui.source_link(f.source))
            st.caption(status)
            if not presenting and (amounts := coll.amounts_text(f, lang)):  # the amounts behind a rate, with status
                st.caption(amounts)
            if f.pace is not None and f.period != "FY" and not presenting:
                st.caption(t("collections.pace", lang, pace=fmt.pct(f.pace, lang, 1)))
    shown = next((f for f in figures if f.metric.id == metric_id), None)
    if presenting and shown is not None and (amounts := coll.amounts_text(shown, lang)):
        st.caption(amounts)  # presenting: the shown rate's amounts in one line under the cards (the chart fits)


def ranking_view(rank: pd.DataFrame, title: str, stem: str) -> None:
    limit = 16 if presenting else 40  # the best and worst half of it past that
    total = int(rank[metric_id].notna().sum())
    if total > limit:
        st.caption(t("collections.ranking_short_present" if presenting else "collections.ranking_short", lang,
                     shown=limit // 2, total=total))
    ui.chart(coll.ranking_chart(rank, metric_id, lang, limit=limit, title=title, highlight=sel.focus,
                                bar_height=18), f"{stem}_ranking")
    if not presenting:
        shown, raw = coll.ranking_tables(rank, lang)
        st.caption(t("collections.select_hint", lang))
        ui.pick_table(shown, f"{stem}_ranking", rank["unit"].tolist(), pick_unit, "coll_rank", csv=raw, height=420)


def map_view(rank: pd.DataFrame, title: list, stem: str) -> None:
    if not vlmaps.available(sel.level):
        st.info(t("collections.map_missing", lang))
        return
    chart = vlmaps.choropleth(
        sel.level, coll.map_values(rank, metric_id, lang), title=title, legend_title=metric.short_name(lang),
        scheme="blues" if metric.direction > 0 else "orangered", highlight=sel.focus,
        keep=set(sel.units) if sel.level == "district" else None, height=390 if presenting else 600,
        selectable=not presenting, scale=map_values.level_scale(store, sel.level, metric),
        tooltip_titles={"name": t("collections.col.unit", lang), "value": t("chart.value", lang),
                        "status": t("chart.status", lang)})
    if presenting:
        ui.chart(chart, f"{stem}_map", key="coll_map")
        return
    left, right = st.columns([3, 2])
    with left:
        ui.chart(chart, f"{stem}_map", key="coll_map", on_select=pick_on_map, selection_mode=vlmaps.SELECT_PARAM)
    with right:
        st.page_link("pages/map.py", label=t("collections.map_link", lang), icon=":material/map:",
                     query_params=urlstate.to_query(ui.view()))
        st.caption(t("collections.select_hint", lang))
        shown, raw = coll.ranking_tables(rank, lang)
        ui.pick_table(shown[coll.map_table_columns(metric_id, lang)], f"{stem}_map_table", rank["unit"].tolist(),
                      pick_unit, "coll_rank", csv=raw, height=560)


def published_section() -> None:
    published = coll.published_figures(figs)

    def go_to() -> None:  # a click on a published figure opens the view that shows it
        rows = (st.session_state.get("coll_published") or {}).get("selection", {}).get("rows") or []
        if rows:
            ui.change_view(**coll.view_of_published(published.iloc[rows[0]], view.area))

    with st.expander(t("collections.published_title", lang), expanded=False):
        st.caption(t("collections.published_intro", lang))
        ui.table(coll.published_table(published, lang), "collections_published", key="coll_published",
                 on_select=go_to, selection_mode="single-row",
                 column_config={t("collections.col.link", lang): st.column_config.LinkColumn()})


# -- the page ---------------------------------------------------------------------------------------------------------
if not presenting:
    controls()
banner = st.container()  # the demo notice goes above the figures, once every shown value is known

if not sel.has_data:
    st.info(t("collections.no_data", lang, unit=unit_name, period=money_period))
else:
    figures = coll.kpis(figs, sel.focus, sel.year, sel.period)
    shown_statuses: set[str] = set()
    sources: list[str] = []
    if not presenting or panel in ("month", "year"):  # presenting the ranking or the map: that view alone
        kpi_cards(figures)
        shown_statuses |= set().union(*(f.statuses for f in figures))
        sources += [f.source for f in figures if f.published]
    pv = coll.panel_view(figs, sel, panel, metric_id, unit_name, view.area, area_name, lang, presenting)
    shown_statuses |= pv.statuses
    sources += pv.sources
    if pv.chart is not None:
        ui.chart(pv.chart, pv.stem)
    elif panel == "ranking":
        ranking_view(pv.rank, pv.title, pv.stem)
    else:
        map_view(pv.rank, list(pv.map_title), pv.stem)
    with banner:
        ui.demo_banner(shown_statuses, lang)
    ui.source_line(sources, lang, shown_statuses, note=t(pv.note_key, lang) if pv.note_key else None)

if not presenting:
    published_section()
    st.subheader(t("export.brief_heading", lang))
    ui.brief_buttons(sel.focus, sel.year, view.metric if view.metric in coll.HEADLINE else coll.DEFAULT_SHORT,
                     key="coll_brief")
