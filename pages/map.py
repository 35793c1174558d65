"""Map: coverage, gap to target and collections by province (63 or 34), district or commune, a year timeline that
plays, a panel for the selected unit, drill-down and breadcrumb, name search, the user's own boundaries. The page
reads the view, asks lib/maps/view.py for what to draw (lib/maps/ computes), and draws it."""
import functools
import time

import streamlit as st

from lib import admin, charts, ui
from lib.geo import attribution
from lib.i18n import t
from lib.maps import assets as map_assets
from lib.maps import legend as map_legend
from lib.maps import panel as map_panel
from lib.maps import search as map_search
from lib.maps import view as map_view
from lib.maps.boundaries import MAP_HEIGHT
from lib.maps.scope import MAP_LEVELS, NATIONAL, breadcrumb, level_label
from lib.maps.session import PLAY_SECONDS, BoundaryUploads, MapSession
from lib.maps.values import MODES, gap_allowed

BASEMAP_KEY = "map_base_map"
PRESENT_RESERVE = 110  # pixels under the map in presenter mode: its source line (boundaries and figures)
NOTE_ICONS = {"warning": ":material/info:", "prompt": ":material/touch_app:"}
MODE_STATE = "panel"  # the view state's "which view of the page" parameter carries the colour mode in the URL

lang = ui.lang()
store = ui.get_store()
boundaries = BoundaryUploads(st.session_state)  # the user's own boundaries, drawn instead of ours
uploads = boundaries.in_use
session = MapSession(st.session_state, functools.partial(ui.change_view, rerun_app=False))


# -- state changes (callbacks run before the rerun they cause) --------------------------------------------------------
def apply_changes(changes: dict) -> None:
    """A change of area (drill-down, breadcrumb, search) reruns the whole app so the sidebar's area follows."""
    scope_changed = "area" in changes and changes["area"] != ui.view().area
    ui.change_view(rerun_app=False, **changes)
    if scope_changed:
        st.rerun()


def on_mode() -> None:
    mode = st.session_state["_map_mode"]
    ui.change_view(rerun_app=False, **{MODE_STATE: None if mode == "value" else mode})


def on_year(year: int) -> None:
    ui.change_view(rerun_app=False, year=year)
    session.stop()
    st.rerun()  # the sidebar's year follows


def on_play(years: list[int]) -> None:
    session.toggle_play(years, st.session_state.get("year"), time.monotonic())
    st.rerun()  # the map fragment is re-made with (or without) its timer


def on_search(uid: str) -> None:
    st.session_state["_map_q"] = ""
    changes, view = map_search.search_changes(uid), ui.view()
    session.found(changes, view.level, view.area, uid)
    apply_changes(changes)


# -- drawing -----------------------------------------------------------------------------------------------------------
def draw_controls(view, mv: map_view.MapView):
    st.session_state["_map_level"] = view.level
    st.segmented_control(t("map.level", lang), options=list(MAP_LEVELS), format_func=lambda lv: level_label(lv, lang),
                         required=True, key="_map_level", help=t("map.level_help", lang), wrap=True,
                         on_change=lambda: apply_changes({"level": st.session_state["_map_level"]}))
    if gap_allowed(mv.metric):
        st.session_state["_map_mode"] = mv.mode
        st.segmented_control(t("map.mode", lang), options=list(MODES), required=True, key="_map_mode",
                             format_func=lambda m: t(f"map.mode_option.{m}", lang), on_change=on_mode,
                             help=t("map.mode_help", lang), wrap=True)
    else:
        st.caption(t("map.mode_collections", lang))
    ui.breaks_box(lang)
    options = map_search.search_options(mv.scope, uploads)
    ui.search_box("_map_q", t("map.search", lang), lambda q: map_search.search(q, options), map_search.search_label,
                  on_search, none_key="map.search_none", more_key="map.search_more",
                  placeholder=t("map.search_placeholder", lang), help=t("map.search_help", lang))


def draw_legend(mv: map_view.MapView):
    title, rows, note = map_legend.for_map(mv.data, mv.metric, mv.mode, mv.year, mv.scope, lang)
    st.markdown(map_legend.legend_html(title, rows), unsafe_allow_html=True)  # our palette and numbers, escaped
    st.caption(note)


def draw_panel(view, mv: map_view.MapView):
    p = mv.panel
    crumbs = breadcrumb(view.level, view.area, view.unit)
    for i, (col, crumb) in enumerate(zip(st.columns([1] * len(crumbs) + [max(1, 4 - len(crumbs))], gap="small"),
                                         crumbs)):
        name = t("map.panel.national", lang) if crumb.uid == NATIONAL else admin.units().at[crumb.uid, "short_name"]
        col.button(("› " if i else "") + name, key=f"_map_crumb_{i}", type="tertiary", disabled=crumb.current,
                   on_click=apply_changes, args=(crumb.changes,))
    st.subheader(p.name, anchor=False)
    st.caption(t(f"map.level_name.{p.level}", lang))
    st.metric(t("map.panel.value", lang, metric=mv.metric.name(lang), year=mv.year), map_panel.value_text(p, lang),
              border=False)
    draw = {"caption": st.caption, "markdown": st.markdown,
            "info": functools.partial(st.info, icon=":material/call_split:")}
    for kind, line in map_panel.lines(store, p, mv.metric, mv.year, lang, store.shows_demo(p.uid, view.demo),
                                      ui.text, ui.source_link):
        draw[kind](line)
    if key := map_panel.drill_key(p, view.level, view.area):
        st.button(t(key, lang), key="_map_drill", type="primary", icon=":material/zoom_in:", on_click=apply_changes,
                  args=(p.drill,))
    series, targets = map_panel.trend(store, p, mv.metric, mv.year, view.demo)
    if len(series):
        chart = charts.trend_with_targets(series, targets, lang, height=190,
                                          title=t("map.panel.trend", lang, metric=mv.metric.short_name(lang)))
        ui.chart(chart, f"map_{p.uid.replace(':', '_')}_{mv.metric.short}", lg=lang, key="_map_panel_trend",
                 downloads=False)


def draw_map():
    first = ui.map_first()
    if first and ui.in_fragment_run():  # the map reported it is drawn (or the fallback timer ran): the rest now
        ui.map_first_done()
    view = ui.view()
    base_map = bool(st.session_state.get(BASEMAP_KEY, False))
    build = functools.partial(map_view.build, store, view, st.session_state.get(MODE_STATE), uploads, lang,
                              component=map_assets.available() and not base_map,  # the base map needs pydeck
                              base_map=base_map, zoom_to=session.zoom_to(view.level, view.area),
                              fit=ui.presenting(), reserve=PRESENT_RESERVE)
    mv = build()
    if session.playing and not mv.component:  # the pydeck chart plays on a timer (the component in the browser)
        year = session.play_step(mv.years, mv.year, time.monotonic())
        if year is None:
            st.rerun()  # stop the timer; the sidebar's year follows
        mv = build(year=year) if year != mv.year else mv

    presenting = ui.presenting()
    # The title and the notes above the map are drawn after it, into this container: the browser gets the map's
    # element first and can start its frame while it draws the rest (README, "How the map is drawn").
    head = st.container()
    map_col, panel_col = st.columns([3, 2], gap="medium")
    with map_col:
        if mv.component:  # geometry travels once; the timeline and play run in the browser
            ckey = mv.key + "_c"
            value = ui.deck_map(mv.map_args | {"report_drawn": first}, key=ckey,
                                on_change=lambda: session.component_event(
                ckey, st.session_state.get(ckey), mv.scope.uids))
            if session.component_event(ckey, value, mv.scope.uids):  # one the callback did not see (a test's)
                st.rerun()
        else:
            event = st.pydeck_chart(mv.chart, selection_mode="single-object", key=mv.key, height=MAP_HEIGHT,
                                    on_select=lambda: session.picked(mv.key, st.session_state.get(mv.key),
                                                                     mv.scope.uids, mv.scope.area))
            if session.unseen_pick(mv.key, event, mv.scope.uids, mv.scope.area):
                st.rerun()
            if len(mv.years) > 1:
                years = sorted(set(mv.years) | {mv.year})
                ui.play_timeline("_map", years, mv.year, session.playing, functools.partial(on_play, years), on_year)
        if not presenting:
            draw_legend(mv)
        for note in mv.notes:
            if note.kind == "info":
                st.caption(ui.message(note.key, lang, **note.params))
        if presenting:  # the one source line of a presented view: the figures' sources and the boundaries'
            ui.source_line(mv.sources, lang, mv.data.statuses, note=attribution(lang, communes=False))
        else:
            st.caption(f"{attribution(lang)}. " + t("map.settings.base_map_on" if base_map else "map.attribution_note",
                                              lang))
    with head:
        ui.title(t("page.map", lang), mv.subtitle)
        ui.demo_banner(mv.data.statuses | {mv.panel.status or ""}, lang)
        for note in (n for n in mv.notes if n.kind != "info"):  # warnings and prompts above the map
            (st.warning if note.kind == "warning" else st.info)(ui.message(note.key, lang, **note.params),
                                                                icon=NOTE_ICONS[note.kind])
    with panel_col:
        if presenting:  # beside the map, where a shared screen still shows it
            draw_legend(mv)
        elif not first:
            draw_controls(view, mv)
        if not first:
            draw_panel(view, mv)
    ui.sync_url()  # a fragment rerun (a click, the mode, a play step) does not reach app.py's sync


def draw_settings():
    with st.expander(t("map.settings.title", lang), icon=":material/settings:"):
        st.toggle(t("map.settings.base_map", lang), key=BASEMAP_KEY, help=t("map.settings.base_map_help", lang))
        ui.boundaries_box(boundaries, lang)


map_first = ui.map_first()  # a session opened here: the map first, the rest when it reports it is drawn
st.fragment(draw_map, run_every=PLAY_SECONDS if session.playing else
            ui.MAP_FIRST_FALLBACK_S if map_first else None)()
if not ui.presenting() and not map_first:
    draw_settings()
