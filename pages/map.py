"""Map: coverage, gap to target and collections by province (63 or 34), district or commune, with a year slider that
plays, hover details, a panel for the selected unit, drill-down from a province to its districts (or communes) with a
breadcrumb back, name search, and the user's own boundaries."""
import functools
import hashlib
import html
import time

import pandas as pd
import streamlit as st

from lib import admin, charts, fmt, overview, periods, ui
from lib import gap as gaps
from lib.maps import assets as map_assets
from lib.maps import pydeck_chart as map_pydeck_chart
from lib.maps import panel as map_panel
from lib.maps import notes as map_notes
from lib.maps import features as map_features
from lib.maps import legend as map_legend
from lib.maps import values as map_values
from lib.maps import search as map_search
from lib.maps import scope as map_scope
from lib.maps import boundaries as map_boundaries
from lib.maps import deck as map_deck
from lib.maps import timeline as map_timeline
from lib.geo import ATTRIBUTION
from lib.geo.upload import read_boundaries
from lib.i18n import t
from lib.provenance import describe

BOUNDARIES_KEY = "map_boundaries"  # session: level -> BoundaryUpload (the user's boundaries, drawn instead of ours)
RESULT_KEY = "map_boundary_result"  # session: the last upload's UploadResult, shown until the next upload
PLAY_KEY = "map_playing"
PLAY_STEP_KEY = "map_play_step"  # time of the last step while playing
BASEMAP_KEY = "map_base_map"
ZOOM_KEY = "map_zoom"  # (level, area, uid) of the last name search: the map zooms to it while that view lasts
PICK_KEY = "map_pick"  # (chart key, signature) of the map selection already applied
PRESENT_RESERVE = 110  # pixels under the map in presenter mode: its source line (boundaries and figures)
PLAY_SECONDS = 1.5
MODE_STATE = "panel"  # the view state's "which view of the page" parameter carries the colour mode in the URL

lang = ui.lang()
store = ui.get_store()
uploads = st.session_state.get(BOUNDARIES_KEY, {})


# -- state changes (callbacks run before the rerun they cause) --------------------------------------------------------
def apply_changes(changes: dict) -> None:
    """Apply view-state changes; a change of area (drill-down, breadcrumb, search) reruns the whole app so the
    sidebar's area follows (other changes rerun the map fragment only)."""
    scope_changed = "area" in changes and changes["area"] != ui.view().area
    ui.change_view(rerun_app=False, **changes)
    if scope_changed:
        st.rerun()


def on_level() -> None:
    apply_changes({"level": st.session_state["_map_level"]})


def on_mode() -> None:
    mode = st.session_state["_map_mode"]
    ui.change_view(rerun_app=False, **{MODE_STATE: None if mode == "value" else mode})


def on_year() -> None:
    ui.change_view(rerun_app=False, year=st.session_state["_map_year"])
    st.session_state[PLAY_KEY] = False
    st.rerun()  # the sidebar's year follows


def on_play(years: list[int]) -> None:
    playing = not st.session_state.get(PLAY_KEY, False)
    st.session_state[PLAY_KEY] = playing
    if playing:
        if st.session_state.get("year") == years[-1]:
            ui.change_view(rerun_app=False, year=years[0])
        st.session_state[PLAY_STEP_KEY] = time.monotonic()
    st.rerun()  # the map fragment is re-made with (or without) its timer


def on_search(uid: str) -> None:
    st.session_state["_map_q"] = ""
    changes = map_search.search_changes(uid)
    view = ui.view()
    st.session_state[ZOOM_KEY] = (changes.get("level", view.level), changes.get("area", view.area), uid)
    apply_changes(changes)


def on_map_event(key: str, uids: tuple) -> None:
    """An event from the map component: a click selects a unit; a year chosen on its timeline (a step, or where
    play stopped) becomes the view's year."""
    value = st.session_state.get(key) or {}
    if not isinstance(value, dict) or (key, value.get("n")) == st.session_state.get(PICK_KEY):
        return
    st.session_state[PICK_KEY] = (key, value.get("n"))
    if value.get("event") == "click" and value.get("uid") in uids:
        ui.change_view(rerun_app=False, unit=value["uid"])
    elif value.get("event") == "year" and isinstance(value.get("year"), int):
        # only the map's fragment reruns (a few kilobytes); the sidebar's year follows on the next full run
        ui.change_view(rerun_app=False, year=value["year"])


def on_pick(key: str, uids: tuple, area: str) -> None:
    event = st.session_state.get(key)
    st.session_state[PICK_KEY] = (key, map_pydeck_chart.selection_signature(event))
    ui.change_view(rerun_app=False, unit=map_pydeck_chart.picked_unit(event, uids) or map_scope.default_unit(area))


# -- drawing -----------------------------------------------------------------------------------------------------------
def level_label(level: str) -> str:
    return t(f"map.level_option.{level}", lang)


def draw_controls(view, metric, mode):
    st.session_state["_map_level"] = view.level
    st.segmented_control(t("map.level", lang), options=list(map_scope.MAP_LEVELS), format_func=level_label,
                              required=True, key="_map_level", on_change=on_level, help=t("map.level_help", lang),
                  wrap=True)
    if map_values.gap_allowed(metric):
        st.session_state["_map_mode"] = mode
        st.segmented_control(t("map.mode", lang), options=list(map_values.MODES), required=True, key="_map_mode",
                             format_func=lambda m: t(f"map.mode_option.{m}", lang), on_change=on_mode,
                             help=t("map.mode_help", lang), wrap=True)
    else:
        st.caption(t("map.mode_collections", lang))


def draw_search(scope_):
    """A name typed with or without diacritics; the first matches as buttons (a few hundred bytes per rerun, where a
    list of every district or commune would be re-sent with each click on the map); messages in the user's language."""
    query = st.text_input(t("map.search", lang), key="_map_q", placeholder=t("map.search_placeholder", lang),
                          help=t("map.search_help", lang))
    if not query.strip():
        return
    hits = map_search.search(query, map_search.search_options(scope_, uploads))
    if not hits:
        st.caption(t("map.search_none", lang, query=ui.text(query.strip())))
    for uid in hits[:map_search.SEARCH_SHOWN]:
        st.button(map_search.search_label(uid), key=f"_map_hit_{uid}", type="tertiary", icon=":material/place:",
                  on_click=on_search, args=(uid,))
    if len(hits) > map_search.SEARCH_SHOWN:
        st.caption(t("map.search_more", lang, n=len(hits) - map_search.SEARCH_SHOWN))


def draw_timeline(years: list[int], year: int, playing: bool):
    c_play, c_year = st.columns([1, 6], vertical_alignment="bottom")
    c_play.button(t("map.stop" if playing else "map.play", lang), key="_map_play", on_click=on_play, args=(years,),
                  help=t("map.play_help", lang), width="stretch")
    if playing:  # the timer moves the year: a slider the user could drag would race with it
        c_year.select_slider(t("map.year", lang), options=years, value=year, disabled=True,
                             label_visibility="collapsed")
        return
    st.session_state["_map_year"] = year
    c_year.select_slider(t("map.year", lang), options=years, key="_map_year", on_change=on_year,
                         label_visibility="collapsed")


def draw_map_legend(data: map_values.MapData, metric, mode: str, year: int, scope_: map_scope.Scope):
    title = map_legend.legend_title(metric, mode, year, lang)
    demo = int((data.frame["status"].astype(str) == "demo").sum())
    if data.blank_communes:
        draw_legend(map_legend.legend_rows(data.scale, [data.backdrop], lang, demo_count=demo), title, None)
        st.caption(t("map.legend.commune_backdrop", lang, name=admin.display_name(scope_.area)))
    else:
        draw_legend(map_legend.legend_rows(data.scale, data.frame["shown"], lang, demo_count=demo), title,
                    map_legend.scale_note(data.scale, data.years, lang))


def draw_legend(rows: list, title: str, note: str | None):
    # Swatches are our own palette colours; labels are our own formatted numbers: escaped all the same.
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:5px;margin:2px 14px 2px 0;white-space:nowrap">'
        f'{map_legend.swatch_svg(r.colour, dashed=r.demo)}<span>{html.escape(r.label)}</span>'
        f'<span style="color:#5f6b7a">({r.count})</span></span>' for r in rows)
    st.markdown(f'<div style="font-size:0.92rem;line-height:1.5"><div style="font-weight:600;margin-bottom:2px">'
                f'{html.escape(title)}</div><div style="display:flex;flex-wrap:wrap">{items}</div></div>',
                unsafe_allow_html=True)
    if note:
        st.caption(note)


def note_text(note: map_notes.Note) -> str:
    # parameters may name a file the user uploaded: shown as text
    return t(note.key, lang, **{k: ui.text(v) for k, v in note.params.items()})


def target_line(p: map_panel.Panel, target_year: int) -> str:
    target = p.targets.get(target_year)
    if target is None:
        return t("map.panel.no_target", lang, year=target_year)
    gap_text = gaps.gap_text(gaps.gap(p.value, target), lang)  # the one gap (lib/gap.py)
    return t("map.panel.target", lang, year=target_year, target=ui.text(map_features.target_text(target, lang)),
             gap=gap_text, origin=ui.text(map_features.target_origin(target, lang)))


def draw_breadcrumb(view):
    crumbs = map_scope.breadcrumb(view.level, view.area, view.unit)
    cols = st.columns([1] * len(crumbs) + [max(1, 4 - len(crumbs))], gap="small")
    for i, (col, crumb) in enumerate(zip(cols, crumbs)):
        label = t("map.panel.national", lang) if crumb.uid == map_scope.NATIONAL else \
            admin.units().at[crumb.uid, "short_name"]
        label = ("› " if i else "") + label
        col.button(label, key=f"_map_crumb_{i}", type="tertiary", disabled=crumb.current,
                   on_click=apply_changes, args=(crumb.changes,))


def draw_panel(view, metric, year: int, p: map_panel.Panel):
    draw_breadcrumb(view)
    uid = p.uid
    st.subheader(p.name, anchor=False)
    st.caption(t(f"map.level_name.{p.level}", lang))
    value = fmt.pct(p.value, lang, 2) if p.value is not None else t("map.panel.no_value", lang)
    st.metric(t("map.panel.value", lang, metric=metric.name(lang), year=year), value, border=False)
    if p.status:
        if p.status in ("reported", "uploaded"):
            source = ui.source_link(p.source)
        else:  # demo values and estimates: say what they are, not the chain of inputs
            source = ui.text(t("source.demo", lang) if p.status == "demo" else describe(p.source, lang))
        st.caption(t("map.panel.status", lang, status=t(f"status.{p.status}", lang), source=source))
    counts = map_features.unit_people_text(store, uid, metric, year, lang, store.shows_demo(uid, view.demo))
    if counts:
        st.caption(ui.text(counts))
    for ty in map_values.TARGET_YEARS if map_values.gap_allowed(metric) else ():
        st.markdown(target_line(p, ty))
    if p.latest_published is not None:
        lp = p.latest_published
        st.caption(t("map.panel.latest_published", lang, value=fmt.pct(lp["value"], lang, 2),
                     period=periods.label(int(lp["year"]), str(lp["period"]), lang),
                     source=ui.source_link(str(lp["source"]))))
    if p.unsplittable is not None:
        row = p.unsplittable
        st.info(t("map.panel.unsplittable", lang, name=admin.display_name(str(row["unit"])),
                  value=fmt.pct(row["value"], lang, 2), period=periods.label(int(row["year"]), str(row["period"]),
                                                                              lang)), icon=":material/call_split:")
    if p.members:
        st.caption(t("map.panel.members", lang, names=", ".join(admin.display_name(m) for m in p.members)))
    if p.drill and (view.level, view.area) != (p.drill["level"], p.drill["area"]):
        key = "map.panel.drill_district" if p.drill["level"] == "district" else "map.panel.drill_commune"
        st.button(t(key, lang), key="_map_drill", type="primary", icon=":material/zoom_in:",
                  on_click=apply_changes, args=(p.drill,))
    series = overview.trend(store, uid, metric.id, year)
    targets = overview.targets_frame(store, uid, metric.id) if map_values.gap_allowed(metric) else pd.DataFrame(
        columns=["year", "value", "value_max", "kind", "label", "document", "status"])
    if len(series):
        chart = charts.trend_with_targets(series, targets, lang, title=t("map.panel.trend", lang,
                                                                          metric=metric.short_name(lang)),
                                          height=190)
        ui.chart(chart, f"map_{uid.replace(':', '_')}_{metric.short}", lg=lang, key="_map_panel_trend",
                 downloads=False)


def play_step(years: list[int], year: int) -> int:
    """While playing: the next year once a step's time has passed; after the last year, stop."""
    now = time.monotonic()
    if now - st.session_state.get(PLAY_STEP_KEY, 0) < PLAY_SECONDS * 0.8:  # a rerun between two steps
        return year
    later = [y for y in years if y > year]
    if not later:
        st.session_state[PLAY_KEY] = False
        st.rerun()  # stop the timer; the sidebar's year follows
    ui.change_view(rerun_app=False, year=later[0])
    st.session_state[PLAY_STEP_KEY] = now
    return later[0]


def apply_unseen_pick(event, key: str, scope_: map_scope.Scope) -> None:
    """A selection the click callback did not see (one set by a test, or left from before a rerun): apply it."""
    signature = map_pydeck_chart.selection_signature(event)
    applied_key, applied = st.session_state.get(PICK_KEY, (key, "{}"))
    if applied_key != key:  # another map: its selection is gone
        applied = "{}"
    st.session_state[PICK_KEY] = (key, signature)
    if signature != applied:
        ui.change_view(rerun_app=False, unit=map_pydeck_chart.picked_unit(event, scope_.uids) or map_scope.default_unit(scope_.area))
        st.rerun()


def map_view():
    view = ui.view()
    metric = map_values.metric_for(view.metric)
    mode = map_values.effective_mode(metric, st.session_state.get(MODE_STATE) or "value")
    playing = st.session_state.get(PLAY_KEY, False)
    scope_ = map_scope.scope(view.level, view.area, uploads)
    years = map_values.timeline_years(store, scope_, metric)
    year = view.year if view.year is not None else years[-1]
    base_map = bool(st.session_state.get(BASEMAP_KEY, False))
    component = map_assets.available() and not base_map  # the base map (web tiles) needs the pydeck chart
    if playing and not component:
        year = play_step(years, year)
    show_demo = store.shows_demo(scope_.level, view.demo)  # the demo switch: on by default, off where yours
    data = map_values.map_data(store, scope_, metric, year, mode, show_demo)
    zoom = st.session_state.get(ZOOM_KEY)
    zoom_to = zoom[2] if zoom and zoom[:2] == (view.level, view.area) else None
    highlight = view.unit if view.unit and view.unit != map_scope.NATIONAL else None
    if component:
        spec = map_deck.build_spec(scope_, lang, uploads=uploads, zoom_to=zoom_to)
        data_url = map_timeline.data_url(store, scope_, metric, mode, lang, show_demo, uploads)
        map_args = map_deck.component_args(scope_, spec, data_url, year, highlight, lang,
                                           bounds=map_deck.view_bounds(scope_, uploads, zoom_to),
                                           fit=ui.presenting(), reserve=PRESENT_RESERVE)
    else:
        props = map_features.feature_properties(data, metric, mode, year, lang, scope_)
        deck = map_pydeck_chart.build_deck(scope_, props, metric, uploads=uploads, highlight=highlight, zoom_to=zoom_to,
                               base_map=base_map)
    notes = map_notes.map_notes(store, scope_, metric, year, data.frame, uploads)

    presenting = ui.presenting()
    ui.title(t("page.map", lang), t("map.subtitle", lang, metric=metric.name(lang), year=year,
                                   level=level_label(view.level)))
    selected = map_panel.panel(store, view.unit or view.area, metric, year)
    ui.demo_banner(data.statuses | {selected.status or ""}, lang)
    for note in notes:
        if note.kind == "warning":
            st.warning(note_text(note), icon=":material/info:")
        elif note.kind == "prompt":
            st.info(note_text(note), icon=":material/touch_app:")

    map_col, panel_col = st.columns([3, 2], gap="medium")
    with map_col:
        key = map_scope.chart_key(scope_, uploads)
        if component:  # geometry travels once; the timeline and play run in the browser
            ckey = key + "_c"
            value = ui.deck_map(map_args, key=ckey, on_change=functools.partial(on_map_event, ckey, scope_.uids))
            if isinstance(value, dict) and (ckey, value.get("n")) != st.session_state.get(PICK_KEY):
                on_map_event(ckey, scope_.uids)  # an event the callback did not see (set by a test, or restored)
                st.rerun()
        else:
            event = st.pydeck_chart(deck, on_select=functools.partial(on_pick, key, scope_.uids, scope_.area),
                                    selection_mode="single-object", key=key, height=map_boundaries.MAP_HEIGHT)
            apply_unseen_pick(event, key, scope_)
            if len(years) > 1:
                draw_timeline(sorted(set(years) | {year}), year, playing)
        if not presenting:
            draw_map_legend(data, metric, mode, year, scope_)
        for note in notes:
            if note.kind == "info":
                st.caption(note_text(note))
        if presenting:  # the one source line of a presented view: the figures' sources and the boundaries'
            published = data.frame.loc[data.frame["status"].astype(str).isin(["reported", "uploaded"]), "source"]
            boundaries = ATTRIBUTION.split(";")[0]  # the approximate communes have their own note on that map
            ui.source_line(list(dict.fromkeys(published.astype(str)))[:2], lang, data.statuses, note=boundaries)
        else:
            st.caption(f"{ATTRIBUTION}. " + (t("map.settings.base_map_on", lang) if base_map
                                              else t("map.attribution_note", lang)))
    with panel_col:
        if presenting:  # beside the map, where a shared screen still shows it
            draw_map_legend(data, metric, mode, year, scope_)
        else:
            draw_controls(view, metric, mode)
            draw_search(scope_)
        draw_panel(view, metric, year, selected)
    ui.sync_url()  # a fragment rerun (a click, the mode, a play step) does not reach app.py's sync


def draw_settings():
    with st.expander(t("map.settings.title", lang), icon=":material/settings:"):
        st.toggle(t("map.settings.base_map", lang), key=BASEMAP_KEY, help=t("map.settings.base_map_help", lang))
        st.markdown(f"**{t('map.upload.title', lang)}**")
        st.caption(t("map.upload.intro", lang))
        for level, up in list(uploads.items()):
            c1, c2 = st.columns([3, 2], vertical_alignment="center")
            c1.write(t("map.upload.in_use", lang, level=level_label(level), n=len(up.layer)))
            c1.text(up.name)
            if c2.button(t("map.upload.remove", lang), key=f"_map_remove_{level}"):
                st.session_state[BOUNDARIES_KEY] = {k: v for k, v in uploads.items() if k != level}
                st.rerun()
        gen = st.session_state.setdefault("_map_uploader_gen", 0)
        c1, c2 = st.columns([3, 2])
        level = c2.selectbox(t("map.upload.level", lang), [None, *map_scope.MAP_LEVELS], key="_map_upload_level",
                             format_func=lambda lv: t("map.upload.level_auto", lang) if lv is None else level_label(lv))
        file = c1.file_uploader(t("map.upload.label", lang), type=["geojson", "json", "gpkg", "zip"],
                                key=f"_map_uploader_{gen}")
        if file is not None:
            data = file.getvalue()
            with st.spinner(t("map.upload.reading", lang)):
                result = _read_boundaries(file.name, hashlib.sha256(data).hexdigest(), level, data)
            if result.ok:
                st.session_state[BOUNDARIES_KEY] = {**uploads, result.upload.level: result.upload}
            st.session_state[RESULT_KEY] = result
            st.session_state["_map_uploader_gen"] = gen + 1
            st.rerun()
        result = st.session_state.get(RESULT_KEY)
        if result is not None:
            draw_upload_result(result)


@st.cache_data(show_spinner=False, max_entries=8)
def _read_boundaries(name: str, digest: str, level, _data: bytes):
    return read_boundaries(name, _data, level)


def draw_upload_result(result):
    st.text(result.file)
    if result.ok:
        up = result.upload
        st.success(t("map.upload.loaded", lang, n=len(up.layer), level=level_label(up.level),
                     column=ui.text(up.column)), icon=":material/check_circle:")
    else:
        st.error(t("map.upload.not_loaded", lang), icon=":material/error:")
    rows = []
    for p in result.problems:
        if result.ok and p.key == "map.upload.key_column":  # the success message says it
            continue
        params = dict(p.params)
        if params.get("level") in map_scope.MAP_LEVELS:
            params["level"] = level_label(params["level"])
        rows.append({t("map.upload.col_severity", lang): t(f"map.upload.severity_{p.severity}", lang),
                     t("map.upload.col_row", lang): "" if p.row is None else str(p.row),
                     t("map.upload.col_unit", lang): p.params.get("unit", ""),
                     t("map.upload.col_message", lang): t(p.key, lang, **params)})
    if rows:
        st.caption(t("map.upload.problems", lang))
        ui.show_table(pd.DataFrame(rows))  # a table shows file text as text
    if len(result.unmatched):
        st.caption(t("map.upload.unmatched_title", lang, n=len(result.unmatched)))
        table = result.unmatched.assign(problem=result.unmatched["problem"].map(
            lambda x: t(f"map.upload.problem_{x}", lang)))
        ui.show_table(table.rename(columns={"row": t("map.upload.col_row", lang),
                                            "value": t("map.upload.col_value", lang),
                                            "problem": t("map.upload.col_problem", lang),
                                            "candidates": t("map.upload.col_candidates", lang)}))
    if result.missing:
        st.caption(t("map.upload.missing_title", lang, n=len(result.missing)))
        ui.show_table(pd.DataFrame({t("map.upload.col_name", lang):
                                    [admin.display_name(u, with_parent=True) for u in result.missing]}))


st.fragment(map_view, run_every=PLAY_SECONDS if st.session_state.get(PLAY_KEY) else None)()
if not ui.presenting():
    draw_settings()
