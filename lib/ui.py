"""The small set of Streamlit helpers shared by the pages (the only module in lib/ that imports streamlit).

For pages:
- data and view: ``get_store()``, ``session_memo(name, key, compute)`` (what is made from a session's own files),
  ``view()``, ``lang()``, ``bound(widget, name, ...)``, ``change_view(**changes)`` (the one way a page changes the
  shared view: checked by urlstate, never a raw session key);
- presenter mode: ``presenting()`` (True when the view is being presented: draw only the page's main view, no
  controls), ``source_line(sources, lang, statuses)`` (the one line under a presented view saying where its numbers
  come from), ``title(text, subtitle)``;
- exports: ``table(df, name)`` (a table with its CSV download), ``chart(chart, name)`` (an Altair chart with PNG and
  SVG downloads), ``brief_buttons(unit, year, metric)`` (the one-page brief as PNG and PDF);
- display: ``demo_banner``, ``text`` (user text made safe), ``source_link``, ``show_table``.
app.py draws the sidebar filters, the presenter switch and the shareable link of the current view.
"""
from __future__ import annotations

import copy
import functools
import html
import json
import re
import threading
import weakref
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import admin, memory, metrics, settings, store as store_mod, urlstate
from lib.i18n import LANGS, t
from lib.ingest.uploads import UPLOADS_KEY  # session: the uploaded Dataset objects
from lib.model import Dataset
from lib.recent import Recent
from lib.text import ascii_fold


# -- data -------------------------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _bundled_store() -> store_mod.Store:
    s = store_mod.bundled_store()
    _ = s.resolved, s.targets, s._fy, s._years  # once per process, shared by every session
    memory.freeze()  # the process's long-lived objects, out of the collector's full passes (lib/memory.py)
    return s


# Stores with uploads: one per set of uploaded files, shared by the sessions that loaded the same files and released
# when the last of them ends. A session holds its store in its own state; the registry holds weak references only, so
# it never keeps a store alive by itself (it used to keep every upload set for the life of the server).
_STORE_KEY = "_store"  # session: (fingerprint of the uploads, Store)
_STORES: weakref.WeakValueDictionary[str, store_mod.Store] = weakref.WeakValueDictionary()
_STORES_LOCK = threading.Lock()


def _build_store(datasets: tuple[Dataset, ...]) -> store_mod.Store:
    s = store_mod.Store(list(datasets))
    _ = s.resolved, s.targets, s._fy, s._years
    return s


def get_store() -> store_mod.Store:
    """The bundled data plus this session's uploads (uploads win over bundled values for the same key)."""
    _start_session_reaper()
    uploads = st.session_state.get(UPLOADS_KEY, [])
    if not uploads:
        st.session_state.pop(_STORE_KEY, None)
        return _bundled_store()
    key = store_mod.fingerprint(uploads)
    held = st.session_state.get(_STORE_KEY)
    if held is not None and held[0] == key:
        return held[1]
    with _STORES_LOCK:
        s = _STORES.get(key)
    if s is None:
        with st.spinner(t("common.resolving", lang())):
            built = _build_store(tuple(store_mod.bundled()) + tuple(uploads))
        with _STORES_LOCK:
            s = _STORES.setdefault(key, built)
    st.session_state[_STORE_KEY] = (key, s)
    return s


def session_memo(name: str, key, compute, entries: int = 4):
    """`compute()` once per session for `key` (the session's last `entries` kept), as a copy the caller may change.
    For results made from a session's own files: they go with the session, where st.cache_data would keep them for
    the life of the server whoever uploaded them."""
    memo = st.session_state.get(f"_memo_{name}")
    if memo is None:
        memo = st.session_state[f"_memo_{name}"] = Recent(entries)
    return copy.deepcopy(memo.memo(key, compute))


# A closed tab's session is kept by Streamlit for a reconnect (2 minutes, in its session storage) and then dropped
# from that storage without being shut down (Streamlit 1.67): its uploaded files and the files behind its download
# buttons stay in the runtime's file managers for the life of the server. So: when the storage drops a session that
# did not reconnect, shut it down (what Streamlit does for a session it does not keep); and every REAP_EVERY_S, drop
# the expired ones (Streamlit only drops them when another session disconnects), then give the memory back.
REAP_EVERY_S = 30.0
_REAPER: list[threading.Thread] = []
_RELEASED: list[int] = [0]  # sessions shut down since the last reap


def _start_session_reaper() -> None:
    if _REAPER:
        return
    with _STORES_LOCK:
        if _REAPER:
            return
        thread = threading.Thread(target=_reaper_loop, name="vnsi-session-reaper", daemon=True)
        _REAPER.append(thread)
    thread.start()


def _reaper_loop() -> None:
    import time

    mem = settings.memory()
    # before the sessions' threads fill the allocator's heaps
    memory.configure(mem["malloc_arena_max"], mem["mmap_threshold_kb"], mem["arrow_pool"])
    last_trim = time.monotonic()
    while _schedule_reap():
        time.sleep(REAP_EVERY_S)
        if mem["trim_every_s"] > 0 and time.monotonic() - last_trim >= mem["trim_every_s"]:
            memory.trim()  # freed pages back to the system (between session ends too)
            last_trim = time.monotonic()


def _schedule_reap() -> bool:
    """Ask the runtime's event loop to reap (holding no reference to the runtime afterwards); False: give up."""
    try:
        from streamlit import runtime

        if runtime.exists():
            rt = runtime.get_instance()
            rt._get_async_objs().eventloop.call_soon_threadsafe(_reap_expired_sessions, rt)
        return True
    except Exception:  # a Streamlit without these internals: the reaper only saves memory
        return False


def _hook_session_storage(rt) -> None:
    """Shut down every session the storage drops that is not being resumed (the storage's removal callback)."""
    mgr = rt._session_mgr
    cache = mgr._session_storage._cache
    if getattr(cache, "_vnsi_hooked", False):
        return
    previous, loop = cache._on_remove, rt._get_async_objs().eventloop

    def on_remove(session_id, info) -> None:
        if previous is not None:
            previous(session_id, info)
        if not mgr.is_active_session(session_id):  # dropped, not resumed by a reconnect
            loop.call_soon_threadsafe(_shut_down, info.session)

    cache._on_remove = on_remove
    cache._vnsi_hooked = True


def _shut_down(session) -> None:
    session.shutdown()  # does nothing for a session already shut down
    _RELEASED[0] += 1


def _reap_expired_sessions(rt) -> None:
    """On the runtime's event loop: drop the stored sessions whose reconnect time has passed; free their memory."""
    try:
        _hook_session_storage(rt)
        mgr = rt._session_mgr
        with mgr._storage_lock:
            mgr._session_storage._cache.expire()  # the removal callback queues their shutdown
        rt._get_async_objs().eventloop.call_soon(_free_released, rt)  # runs after the shutdowns just queued
    except Exception:  # noqa: BLE001 - see _reaper_loop
        return


def _free_released(rt) -> None:
    """After sessions were shut down: delete their download files (a shutdown only marks them; Streamlit deletes
    marked files when some session next finishes a run), empty the session the runtime still holds, and give the
    memory back to the system (with every object of the process collected, when no session is open)."""
    hollowed = _hollow_last_flushed(rt)
    if not _RELEASED[0] and not hollowed:
        return
    _RELEASED[0] = 0
    try:
        rt.media_file_mgr.remove_orphaned_files()
        idle = not rt._session_mgr.list_active_sessions()
    except Exception:  # noqa: BLE001 - see _reaper_loop
        idle = False
    if idle:
        _forget_last_run(rt)
    memory.release(idle=idle)


def _forget_last_run(rt) -> None:
    """Streamlit runs app.py as a new module that it installs as sys.modules["__main__"], and leaves the last one
    there: its globals (the last user's store among them) outlive the session. With no session open (on the runtime's
    event loop, where sessions are opened, so none starts meanwhile) it is replaced by an empty module."""
    import sys
    import types

    main = sys.modules.get("__main__")
    if getattr(main, "__file__", None) == str(getattr(rt, "_main_script_path", "")):
        sys.modules["__main__"] = types.ModuleType("__main__")


# Streamlit 1.67's message loop (Runtime._loop_coroutine) keeps the last session it sent messages to in a local
# variable while it waits for the next message or session. Once that session has ended, it is held by nothing else,
# but the loop never lets go of it when no other session follows: a server that has gone quiet keeps its last user's
# whole state (uploads, the store resolved for them, the page's tables: 30-40 MB after an upload) until someone
# else connects. So, once it is shut down and its script has stopped, it is emptied.
_HOLLOWED: list[str] = []  # id of the last session emptied


def _hollow_last_flushed(rt) -> bool:
    """Empty the ended session the runtime's message loop still holds (state, fragments, queued messages); True if it
    did. Does nothing on a Streamlit without that loop (the reaper only saves memory)."""
    import asyncio

    try:
        from streamlit.runtime.app_session import AppSessionState
        from streamlit.runtime.state.session_state import SessionState

        loop = rt._get_async_objs().eventloop
        for task in asyncio.all_tasks(loop):
            coro = task.get_coro()
            if getattr(coro, "__qualname__", "") != "Runtime._loop_coroutine" or coro.cr_frame is None:
                continue
            info = coro.cr_frame.f_locals.get("active_session_info")
            session = getattr(info, "session", None)
            if (session is None or session.id in _HOLLOWED or session._state != AppSessionState.SHUTDOWN_REQUESTED
                    or session._scriptrunner is not None or rt._session_mgr.get_session_info(session.id) is not None):
                return False  # none, done, still open or resumable, or its script still stopping (next reap)
            session._session_state = SessionState()
            session._fragment_storage.clear()
            session._browser_queue.clear()
            _HOLLOWED[:] = [session.id]
            return True
    except Exception:  # noqa: BLE001 - see _reaper_loop
        pass
    return False


# -- view state -------------------------------------------------------------------------------------------------------
def init_state() -> None:
    """On a session's first run, take the view from the URL."""
    if st.session_state.get("_url_loaded"):
        return
    state, bad = urlstate.from_query(st.query_params.to_dict())
    for name in urlstate.PARAMS:
        st.session_state[name] = getattr(state, name)
    st.session_state["_url_loaded"] = True
    st.session_state["_url_bad"] = bad


def _through_app() -> None:
    """Make sure this run went through app.py (view state from the URL, sidebar, navigation).

    A fresh server whose first visitor opens a page's address (a shared link such as /collections?year=2020) runs
    that page's script alone: Streamlit starts in its pages/-folder mode until app.py has called st.navigation once.
    Then the view state was never read from the URL: switch Streamlit to app.py's navigation and run again (the URL,
    page path and query, is unchanged, so the same view opens)."""
    if st.session_state.get("_url_loaded"):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager

        if PagesManager.uses_pages_directory:
            PagesManager.uses_pages_directory = False
            st.rerun()
    except ImportError:  # a Streamlit without this internal: nothing to fix
        return


def lang() -> str:
    _through_app()
    return st.session_state.get("lang", urlstate.DEFAULT.lang)


def view() -> urlstate.ViewState:
    _through_app()
    return urlstate.ViewState(**{n: st.session_state.get(n, getattr(urlstate.DEFAULT, n)) for n in urlstate.PARAMS})


def sync_url() -> None:
    wanted = urlstate.to_query(view())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# The view parameters drawn outside a page (sidebar filters, language, presenter mode): a change of one of them made
# during a fragment's own run reruns the whole app, so the sidebar follows (a fragment run redraws only itself).
_DRAWN_BY_APP = ("lang", "metric", "year", "area", "present")


def change_view(rerun_app: bool | None = None, **changes) -> urlstate.ViewState:
    """The one way a page changes the shared view (``ui.change_view(unit=uid, month=None)``); returns the new view.

    The changes are checked by urlstate (an unknown name or a bad value raises ValueError naming it) and written
    under the view's own session keys. Nothing else is needed in a page's body or a widget callback: app.py writes
    the URL after the page runs, and a callback's rerun runs app.py. Inside a fragment's own run (a control of an
    ``st.fragment``) the URL is written at once, and a change of a filter drawn by app.py reruns the whole app, so
    the sidebar follows too; call it last in a callback then. ``rerun_app`` forces that rerun (True) or leaves it
    out (False, e.g. a timer step that moves the year while the sidebar may lag)."""
    checked = urlstate.validate_changes(changes)
    before = {name: st.session_state.get(name, getattr(urlstate.DEFAULT, name)) for name in checked}
    for name, value in checked.items():
        st.session_state[name] = value
    in_fragment = in_fragment_run()
    if rerun_app is None:
        rerun_app = in_fragment and any(before[n] != checked[n] for n in checked if n in _DRAWN_BY_APP)
    if rerun_app:
        st.rerun()
    if in_fragment:  # a fragment's run does not reach app.py's sync_url: the URL follows now
        sync_url()
    return view()


def in_fragment_run() -> bool:
    """True in a fragment's own run (its control, its timer), False in a run of the whole app."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
    except ImportError:  # a Streamlit without this internal: a full run is assumed
        return False
    return bool(ctx and getattr(ctx, "fragment_ids_this_run", None))


# -- a session that opens on the Map: the map first, the rest once it is on screen ------------------------------------
# A browser fetches the code of each kind of element the first time a page shows one, from the one app server, a few
# files at a time: opened cold, the Map page's sidebar, controls, panel (its chart) and settings delayed the map itself
# by about a second (bench/bench_map_browser.py). So a session whose first page is the Map draws its title, notes,
# map, legend and source line first; the map component reports when its units are drawn (or that it cannot draw
# them), and that event reruns the app with everything; so does any other event of the map (a click, a year), or the
# fallback timer if the map never reports (its frame did not load). Only for a browser session: a script run with no
# browser behind it (AppTest) has no component to report, and draws everything at once.
_MAP_FIRST = "_map_first"
MAP_FIRST_FALLBACK_S = 20.0


def map_first(page: str | None = None) -> bool:
    """True while this session draws the map before the rest (decided on the session's first run, from `page`)."""
    if _MAP_FIRST not in st.session_state:
        from lib.maps import assets as map_assets

        st.session_state[_MAP_FIRST] = (page == "map" and bool(st.context.headers)) and map_assets.available()
    return bool(st.session_state[_MAP_FIRST])


def map_first_done() -> None:
    """The map is on screen (or will not report): from now on every run draws the whole page (rerun now)."""
    st.session_state[_MAP_FIRST] = False
    st.rerun()


def bound(widget, name: str, *args, **kwargs):
    """Draw a widget that edits the view state `name`.

    The view state lives in session keys no widget owns, so it survives widgets being re-created (their labels
    change with the language) and pages that do not draw them; the widget is fed from it before it draws and writes
    back on change."""
    wkey = f"_w_{name}"
    st.session_state[wkey] = st.session_state.get(name)
    return widget(*args, key=wkey, on_change=_write_back, args=(name,), **kwargs)


def _write_back(name: str) -> None:
    value = st.session_state.get(f"_w_{name}")
    if name == "lang" and value is None:  # clicking the selected language again clears it: keep the language
        return
    change_view(**{name: value})


def settle_filters(store: store_mod.Store, page: str | None = None) -> tuple[list[str], list[str], list[int]]:
    """Bring the shared filters (metric, year, area) within what this page and the data offer; return the choices
    (indicators, areas, years). On the Collections page (`page` == "collections") the indicator is one of the
    collections indicators."""
    choices = urlstate.metric_choices()
    if page == "collections":
        choices = metrics.headline_ids("collections")
    if st.session_state.get("metric") not in choices:
        st.session_state["metric"] = choices[0] if page == "collections" else urlstate.DEFAULT.metric
    areas = area_options()
    if st.session_state.get("area") not in areas:
        st.session_state["area"] = admin.NATIONAL_ID
    years = store.years()
    if st.session_state.get("year") not in years:
        # A view opens on the latest year with real data for its indicator and area, not on a demo-only year.
        st.session_state["year"] = store.default_year(metrics.by_short(st.session_state["metric"]).id,
                                                      st.session_state["area"])
    return choices, areas, years


def sidebar_filters(store: store_mod.Store, page: str | None = None) -> None:
    """Language and the shared filters (metric, year, area); drawn in app.py so they carry across pages."""
    lg = lang()
    choices, areas, years = settle_filters(store, page)
    with st.sidebar:
        bound(st.segmented_control, "lang", t("common.language", lg), options=list(LANGS),
              format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], selection_mode="single")
        bound(st.selectbox, "metric", t("filter.metric", lg), choices,
              format_func=lambda s: metrics.by_short(s).name(lg))
        bound(st.selectbox, "year", t("filter.year", lg), years)
        # Browsed without typing (Streamlit's own search says "No results" in English whatever the language);
        # searched, with or without diacritics, in the box under it (lib.maps.search, messages in the user's language)
        bound(st.selectbox, "area", t("filter.area", lg), areas, format_func=lambda uid: area_search_label(uid, lg),
              placeholder=t("filter.area_search", lg), filter_mode=None)
        area_search(areas, lg)
        demo_switch(store)


def area_search(areas: list[str], lg: str) -> None:
    """The sidebar's area search: matches of the one diacritic-free matcher as buttons; choosing one sets the
    area (the whole app reruns, so every page follows)."""
    from lib.maps import search

    def find(query: str) -> list[str]:
        return search.search(query, areas, lambda uid: area_search_label(uid, lg))

    search_box("_area_q", t("search.area", lg), find, lambda uid: area_label(uid, lg), _area_found,
               none_key="search.area_none", more_key="search.area_more",
               placeholder=t("search.area_placeholder", lg), help=t("search.area_help", lg), shown=6)


def _area_found(uid: str) -> None:
    st.session_state["_area_q"] = ""
    change_view(area=uid)


def demo_switch(store: store_mod.Store) -> None:
    """'Show demo values' (the view's `demo`): on by default on the bundled data; where the user loaded data of
    their own, off at those levels until switched on. Off, demo values disappear and their places say 'no data'."""
    lg = lang()
    st.session_state["_w_demo"] = store.demo_default(st.session_state.get("demo"))
    st.toggle(t("honest.demo_toggle", lg), key="_w_demo", on_change=_write_back, args=("demo",),
              help=t("honest.demo_toggle_help", lg))
    if st.session_state.get("demo") is None and store.uploaded_levels:
        st.caption(t("honest.demo_off_where_yours", lg))


def demo() -> bool | None:
    """The view's demo switch (None: the default, lib.store.Store.shows_demo)."""
    return st.session_state.get("demo")


def area_options() -> list[str]:
    return list(_area_options())


@functools.lru_cache(maxsize=1)
def _area_options() -> tuple[str, ...]:
    u = admin.units()
    provinces = u[u["level"] == "province"].sort_values("name_ascii").index.tolist()
    new = u[u["level"] == "province_2025"].sort_values("name_ascii").index.tolist()
    return tuple([admin.NATIONAL_ID] + provinces + new)


def area_label(uid: str, lg: str) -> str:
    """'Toàn quốc', 'Nghệ An (tỉnh)', 'Hải Phòng (tỉnh mới 2025)' (lib.admin.label)."""
    return admin.label(uid, lg, with_level=True)


def area_search_label(uid: str, lg: str) -> str:
    """The area picker's option: the label, plus the name without diacritics when it has any, so that typing
    "thanh hoa" finds Thanh Hóa (the picker's search matches the text shown)."""
    label = area_label(uid, lg)
    if uid == admin.NATIONAL_ID:
        return label + (" · Toan quoc" if lg == "vi" else " · Toàn quốc · Toan quoc")
    plain = ascii_fold(admin.units().at[uid, "short_name"])
    return label if plain == admin.units().at[uid, "short_name"] else f"{label} · {plain}"


def unit_label(uid: str, lg: str) -> str:
    """A unit's name for titles: 'Toàn quốc', 'Nghệ An', 'Vinh (Nghệ An)'; a 2025 province says so."""
    return admin.label(uid, lg, with_parent=True)


# -- shareable link ---------------------------------------------------------------------------------------------------
def _base_url() -> str:
    """scheme://host[/base] the user opened the app at (st.context.url; else the Host header; else unknown)."""
    try:
        base = urlstate.base_of(st.context.url)
        if base:
            return base
        host = (st.context.headers or {}).get("host")
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return ""
    if host and all(ch.isalnum() or ch in ".-:[]" for ch in host):
        return f"http://{host}"
    return ""


def current_link(page: str) -> str:
    """The address that reopens the current view (every view parameter and the page path)."""
    return urlstate.link(view(), page, _base_url())


def link_box(page: str, where=None) -> None:
    """The 'copy link' control: the full address of this view in a code box (its copy button puts it on the
    clipboard), inside a popover that reruns the app when opened, so the link is made from the current view."""
    lg = lang()
    where = where or st.sidebar
    with where:
        # Opening the popover reruns the app, so the link is made from the view as it is now, even after a
        # fragment of a page (e.g. a click on the map) changed the view without a full run.
        with st.popover(t("present.link", lg), icon=":material/link:", width="stretch", key="_link_popover",
                        on_change="rerun"):
            st.caption(t("present.link_help", lg))
            st.code(current_link(page), language=None, wrap_lines=True)
        copy_link_button(page)


_COPY_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;font-family:"Source Sans Pro","Noto Sans",sans-serif}
button{width:100%;height:38px;border:1px solid #0b5cad;border-radius:8px;background:#0b5cad;color:#fff;font-size:15px;
cursor:pointer}button.done{background:#1e7b34;border-color:#1e7b34}button:focus-visible{outline:3px solid #f0b429}
</style></head><body><button id="b" type="button" data-testid="copy-link"></button><script>
const L = __LABELS__, fallback = __LINK__, b = document.getElementById("b");
b.textContent = L.copy;
function viaTextarea(text) {
  const a = document.createElement("textarea"); a.value = text; document.body.appendChild(a); a.select();
  const ok = document.execCommand("copy"); a.remove(); return ok;
}
b.addEventListener("click", async () => {
  let url = fallback;
  try { url = window.parent.location.href || fallback; } catch (e) { /* another origin: the link made by Python */ }
  let ok = false;
  try { await navigator.clipboard.writeText(url); ok = true; } catch (e) { ok = viaTextarea(url); }
  b.textContent = ok ? L.done : L.fail; b.className = ok ? "done" : "";
  b.setAttribute("data-copied", ok ? url : "");
  setTimeout(() => { b.textContent = L.copy; b.className = ""; }, 4000);
});
</script></body></html>"""


def _script_json(value) -> str:
    """JSON safe inside a <script> element (a link may carry a user's scenario name)."""
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def copy_link_button(page: str, width: int | None = None) -> None:
    """One button that copies the link of the view as the browser shows it now (its address is kept in step with
    the view) and says it did ("Đã chép liên kết")."""
    lg = lang()
    labels = {"copy": t("present.copy", lg), "done": "✓ " + t("present.copied", lg),
              "fail": t("present.copy_failed", lg)}
    html_doc = _COPY_HTML.replace("__LABELS__", _script_json(labels)).replace("__LINK__",
                                                                               _script_json(current_link(page)))
    st.iframe(html_doc, height=40, width=width or "stretch")


# -- presenter mode ---------------------------------------------------------------------------------------------------
# Written here, never built from user text. Hides the sidebar and Streamlit's header and toolbar, enlarges the type,
# and uses the whole width; the corner control (link and exit) sits top right.
_PRESENT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"] { display: none !important; }
html { font-size: 20px; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.9rem 2rem 0.6rem 2rem !important; }
h1 { font-size: 1.8rem !important; padding: 0 0 0.2rem 0 !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 1.85rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 0.8rem !important; }
[data-testid="stAlertContainer"] { padding: 0.45rem 0.9rem !important; }
[data-testid="stVerticalBlock"] { gap: 0.6rem; }
.st-key-present_corner { position: fixed; top: 0.4rem; right: 0.6rem; z-index: 999990; width: auto !important;
  background: rgba(255, 255, 255, 0.92); border-radius: 0.5rem; opacity: 0.6; }
.st-key-present_corner:hover, .st-key-present_corner:focus-within { opacity: 1; }
.st-key-present_corner button { font-size: 0.7rem; min-height: 1.8rem; padding: 0.1rem 0.6rem; }
.st-key-present_demo_mark { padding-bottom: 0.2rem; }
.st-key-present_demo_mark p { font-size: 0.95rem !important; margin: 0 !important; line-height: 1.6 !important; }
.st-key-present_demo_mark [data-testid="stMarkdownBadge"], .st-key-present_demo_mark span[class*="Badge"] {
  font-size: 1.05rem !important; }
</style>"""


# Card values wrap instead of being cut short: a value carries its status in itself ("94,95% [minh họa]", "không có
# số liệu"), and an ellipsis would hide exactly that.
_BASE_CSS = """<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; line-height: 1.15; }
</style>"""


def base_style() -> None:
    """Styles every page needs (app.py calls it on every run)."""
    st.html(_BASE_CSS)


def presenting() -> bool:
    """True in presenter mode: draw the page's main view only (title, one view full width, its source line)."""
    return bool(st.session_state.get("present", False))


def presenter_chrome() -> None:
    """In presenter mode, hide the sidebar and chrome and enlarge the type (app.py calls it on every run)."""
    if presenting():
        st.html(_PRESENT_CSS)


def _exit_presenting() -> None:
    st.session_state["present"] = False


def presenter_corner(page: str) -> None:
    """The discreet corner control in presenter mode: the link to this view and the exit."""
    lg = lang()
    with st.container(key="present_corner", horizontal=True, width="content", gap="small"):
        copy_link_button(page, width=190)
        with st.popover(t("present.link", lg), icon=":material/link:", key="_present_link", on_change="rerun"):
            st.caption(t("present.link_help", lg))
            st.code(current_link(page), language=None, wrap_lines=True)
        st.button(t("present.exit", lg), icon=":material/close_fullscreen:", key="_present_exit",
                  on_click=_exit_presenting, help=t("present.exit_help", lg))


def presenter_switch() -> None:
    """The presenter-mode switch in the sidebar."""
    lg = lang()
    with st.sidebar:
        bound(st.toggle, "present", t("present.toggle", lg), help=t("present.toggle_help", lg))


def title(heading: str, subtitle: str | None = None) -> None:
    """A page or view title (with a subtitle line); titles are app text, subtitles may hold unit names (escaped)."""
    st.title(heading)
    if subtitle:
        st.markdown(f"**{text(subtitle)}**" if presenting() else text(subtitle))


def source_line(sources, lg: str | None = None, statuses=(), note: str | None = None) -> None:
    """One line under a view: its sources (links where they are web addresses) and, when demo values show, a short
    demo notice; `note` (app text, e.g. how to read the chart) goes first. `sources` are raw source strings (as
    stored); demo and derived ones are left out."""
    from lib.provenance import describe, first_url

    lg = lg or lang()
    parts, seen = [], set()
    for s in sources:
        s = str(s or "")
        if not s or s == "demo" or s.startswith(("rate:", "sum:", "estimate:")):
            continue
        key = first_url(s) or s
        if key in seen:
            continue
        seen.add(key)
        parts.append(source_link(s) if first_url(s) else text(describe(s, lg)))
    line = t("present.source_line", lg, sources="; ".join(parts)) if parts else t("present.source_none", lg)
    if parts and "demo" in set(map(str, statuses)):
        line += " · " + t("present.demo_sources", lg)
    st.caption(f"{note} · {line}" if note else line)


# -- exports ----------------------------------------------------------------------------------------------------------
def table(df: pd.DataFrame, name: str, csv: pd.DataFrame | None = None, key: str | None = None, **kwargs):
    """A table with a CSV download of it (cells a spreadsheet would run as formulas neutralised). `csv` is the same
    table with plain numbers when the shown one has formatted text; `name` makes the file name. Returns what
    st.dataframe returns (the selection when `on_select` is given)."""
    from lib import export

    df = _checked_links(df, kwargs)
    result = st.dataframe(df, hide_index=True, width="stretch", key=key, **kwargs)
    if not presenting():
        data, lg = (csv if csv is not None else df), lang()
        st.download_button(t("export.csv", lg), data=lambda: export.csv_bytes(export.with_status_labels(data, lg)),
                           file_name=_file_name(name, "csv"), mime="text/csv", on_click="ignore",
                           icon=":material/download:", key=f"_csv_{key or name}", type="tertiary",
                           help=t("export.csv_help", lang()))
    return result


def pick_table(df: pd.DataFrame, name: str, ids: list, on_pick, key: str, **kwargs):
    """ui.table whose rows stand for `ids` (in order): a click on a row calls on_pick(that id). In presenter mode the
    table only shows."""
    ids_key = f"_ids_{key}"
    st.session_state[ids_key] = list(ids)

    def picked() -> None:
        rows = ((st.session_state.get(key) or {}).get("selection") or {}).get("rows") or []
        shown = st.session_state.get(ids_key) or []
        if rows and rows[0] < len(shown):  # a row of a table drawn before the list changed is no one
            on_pick(shown[rows[0]])

    if presenting():
        return table(df, name, key=key, **kwargs)
    return table(df, name, key=key, on_select=picked, selection_mode="single-row", **kwargs)


def progress_reporter(first_text, step_text):
    """(callback(done, total), finish()) for long work: a progress bar appears at the first call, its text from
    first_text(total) then step_text(done, total), and finish() removes it."""
    bar = {}

    def callback(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = st.progress(0.0, text=first_text(total))
        bar["bar"].progress(done / max(total, 1), text=step_text(done, total))

    def finish() -> None:
        if "bar" in bar:
            bar.pop("bar").empty()

    return callback, finish


# A link column shows the site of each address ("bhxh.gov.vn"), as the app's other links do.
_DOMAIN_TEXT = r"^https?://(?:www\.)?([^/:?#]+)"


def _checked_links(df: pd.DataFrame, kwargs: dict) -> pd.DataFrame:
    """Link columns hold only checked http/https addresses (provenance.first_url; anything else is left empty) and
    show them as their site: the only clickable links in a table are the app's own."""
    from lib.provenance import first_url

    config = kwargs.get("column_config") or {}
    links = [c for c, v in config.items() if isinstance(v, dict) and (v.get("type_config") or {}).get("type") == "link"
             and c in df.columns]
    if not links:
        return df
    df = df.copy()
    for c in links:
        df[c] = [first_url(v) if isinstance(v, str) else None for v in df[c]]
        type_config = dict(config[c]["type_config"])
        type_config["display_text"] = type_config.get("display_text") or _DOMAIN_TEXT
        config[c] = {**config[c], "type_config": type_config}
    kwargs["column_config"] = config
    return df


def chart(chart_obj, name: str, lg: str | None = None, key: str | None = None, downloads: bool = True, **kwargs):
    """An Altair chart (or a Vega-Lite spec as a dict), configured for the language, with PNG and SVG downloads
    rendered on click (vl-convert). Returns what Streamlit returns (the selection when `on_select` is given)."""
    from lib import charts, export_charts

    lg = lg or lang()
    chart_obj = charts.mark_demo(chart_obj, lg)  # drawing demo values: "Minh họa / Demo" in its title, on screen too
    if isinstance(chart_obj, dict):  # a Vega-Lite spec built without Altair (maps: lib.maps.vega)
        from lib import fmt

        configured = {**chart_obj, "config": {**chart_obj.get("config", {}), "font": charts.FONT,
                                              "locale": {"number": fmt.d3_locale(lg)}, "view": {"strokeWidth": 0}}}
        if "autosize" not in configured and not any(k in configured for k in ("vconcat", "hconcat", "concat")):
            configured["autosize"] = {"type": "fit-x", "contains": "padding"}  # height is the plot's, as exported
        result = st.vega_lite_chart(spec=configured, width="stretch", key=key, **kwargs)
    else:
        configured = charts.configure(chart_obj, lg)
        if configured.autosize is alt_undefined() and not _is_concat(configured):
            # The chart's height is its plot's (as in the exported files), not plot + title + legend + axes,
            # which Streamlit's default ("fit") squeezes into the same height.
            configured = configured.properties(autosize={"type": "fit-x", "contains": "padding"})
        result = st.altair_chart(configured, width="stretch", key=key, **kwargs)
    if downloads and not presenting():
        row = st.container(horizontal=True, gap="small")
        row.download_button(t("export.png", lg), data=lambda: export_charts.png_bytes(configured, lg),
                                file_name=_file_name(name, "png"), mime="image/png", on_click="ignore",
                                icon=":material/image:", key=f"_png_{key or name}", type="tertiary",
                                help=t("export.png_help", lg))
        row.download_button(t("export.svg", lg), data=lambda: export_charts.svg_bytes(configured, lg),
                                file_name=_file_name(name, "svg"), mime="image/svg+xml", on_click="ignore",
                                icon=":material/draw:", key=f"_svg_{key or name}", type="tertiary",
                                help=t("export.svg_help", lg))
    return result


def alt_undefined():
    import altair as alt

    return alt.Undefined


def _is_concat(chart_obj) -> bool:
    import altair as alt

    return isinstance(chart_obj, (alt.VConcatChart, alt.HConcatChart, alt.ConcatChart, alt.FacetChart))


def brief_buttons(unit: str, year: int, metric: str, key: str = "brief") -> None:
    """Download buttons for the one-page brief of a unit (PNG for slides, PDF), built on click."""
    from lib import brief

    lg = lang()
    store = get_store()
    stem = f"brief_{unit.replace(':', '_')}_{year}_{lg}"
    row = st.container(horizontal=True, gap="small")
    shown = demo()
    row.download_button(t("export.brief_png", lg), data=lambda: brief.png(store, unit, year, metric, lg, demo=shown),
                       file_name=f"{stem}.png", mime="image/png", on_click="ignore", icon=":material/slideshow:",
                       key=f"_{key}_png", help=t("export.brief_help", lg))
    row.download_button(t("export.brief_pdf", lg), data=lambda: brief.pdf(store, unit, year, metric, lg, demo=shown),
                       file_name=f"{stem}.pdf", mime="application/pdf", on_click="ignore",
                       icon=":material/picture_as_pdf:", key=f"_{key}_pdf", help=t("export.brief_help", lg))


def _file_name(name: str, suffix: str) -> str:
    from lib.export_charts import file_name

    return file_name(name, suffix)


# -- display ----------------------------------------------------------------------------------------------------------
def demo_banner(shown_statuses, lg: str) -> None:
    """A visible notice on any view that shows demo values."""
    if "demo" in set(map(str, shown_statuses)):
        if presenting():
            # Presenting: the mark on the line under the view's title ("Minh họa / Demo", orange, bold) and one
            # short sentence, so the view itself keeps the screen and a shared screen shows demo as demo.
            with st.container(key="present_demo_mark"):
                st.markdown(f":orange-badge[:material/warning: **{t('honest.demo_chart', lg)}**] "
                            f"{t('present.demo_short', lg)}")
        else:
            st.warning(t("common.demo_banner", lg), icon="⚠️")


def text(value) -> str:
    """User-supplied text made safe for Streamlit markdown (captions, help tooltips, messages): shown exactly as
    written, never as markup. HTML is escaped; the characters of links and images ([]()!), emphasis, code, headings,
    lists, tables, maths ($) and Streamlit's :colour[…] directives are backslash-escaped, as is a leading "1." (a
    list); line breaks become spaces (a line of === or --- under text would make a heading)."""
    out = _md_escape(html.escape(" ".join(str(value).split()), quote=False))
    out = _LIST.sub(r"\1\\.", out)
    # Streamlit rewrites text after parsing too, where a backslash no longer counts: ":material/name:" becomes an
    # icon, ":streamlit:" its logo, and http://…, www.… and name@host become links. An invisible word joiner
    # (U+2060) after each colon and "@", and between "www" and its dot, keeps those as written.
    out = out.replace(":", ":\u2060").replace("@", "@\u2060")
    return _WWW.sub("\\1\u2060.", out)


def message(key: str, lg: str, **params) -> str:
    """A catalog message for markdown whose parameters may be user text (a file's name, a unit's name from a
    file): each parameter shown as text (see `text`)."""
    return t(key, lg, **{k: text(v) if isinstance(v, str) else v for k, v in params.items()})


def search_box(key: str, label: str, find, label_of, on_pick, *, none_key: str, more_key: str,
               placeholder: str | None = None, help: str | None = None, shown: int = 8) -> None:
    """A search box whose matches show under it as buttons (`find(query)` -> ids, e.g. lib.maps.search: typed
    with or without diacritics; `label_of(id)` their text; clicking one calls `on_pick(id)`). With no match, or
    more than `shown`, a line says so in the user's language (`none_key` gets the query, `more_key` the number
    left out): Streamlit's own "No results" is English whatever the language. A few hundred bytes per rerun,
    where a list of every unit would be re-sent with each one."""
    lg = lang()
    query = st.text_input(label, key=key, placeholder=placeholder, help=help)
    if not query.strip():
        return
    hits = find(query)
    if not hits:
        st.caption(t(none_key, lg, query=text(query.strip())))
    for uid in hits[:shown]:
        st.button(label_of(uid), key=f"{key}_{uid}", type="tertiary", icon=":material/place:", on_click=on_pick,
                  args=(uid,))
    if len(hits) > shown:
        st.caption(t(more_key, lg, n=len(hits) - shown))


def breaks_box(lg: str | None = None) -> None:
    """The Map page's "own colour breaks": typed as the user writes numbers ("80; 85,5; 90" in Vietnamese), read by
    lib.maps.scale.parse_breaks, kept in the view state `breaks` (so a shared link reopens them); a bad entry is
    named in the user's language and changes nothing."""
    from lib.maps import scale

    lg = lg or lang()
    current = scale.breaks_from_param(st.session_state.get("breaks"))
    error = st.session_state.get("_w_breaks_error")
    with st.expander(t("map.breaks.title", lg), expanded=bool(current or error), icon=":material/tune:"):
        if not error:  # fed from the view (a link, the language), unless the user's own text is being corrected
            st.session_state["_w_breaks"] = scale.breaks_text(current, lg)
        st.text_input(t("map.breaks.label", lg), key="_w_breaks", on_change=_breaks_typed, args=(lg,),
                      placeholder=t("map.breaks.placeholder", lg), help=t("map.breaks.help", lg))
        if error:
            st.error(message(error.key, lg, **error.params) + " " + t("map.breaks.not_applied", lg),
                     icon=":material/error:")
        if current:
            st.caption(t("map.breaks.in_use", lg, breaks=scale.breaks_text(current, lg)))
            st.button(t("map.breaks.reset", lg), key="_w_breaks_reset", type="tertiary", on_click=_breaks_reset)


def _breaks_typed(lg: str) -> None:
    from lib.maps import scale

    breaks, error = scale.parse_breaks(st.session_state.get("_w_breaks", ""), lg)
    st.session_state["_w_breaks_error"] = error
    if error is None:
        change_view(breaks=scale.breaks_param(breaks))


def _breaks_reset() -> None:
    st.session_state["_w_breaks_error"] = None
    change_view(breaks=None)


def say(said, lg: str | None = None, icon: str | None = None) -> None:
    """A message lib decided on, (kind, key, params), kind one of success / info / warning / error: its text from the
    catalogs, every text parameter (a name, a file name, an error) shown as text, never as markup."""
    kind, key, params = said
    getattr(st, kind)(message(key, lg or lang(), **params), icon=icon)


def fed(widget, key: str, value, on_change, *args, **kwargs):
    """A widget showing `value` (the state it stands for, kept elsewhere) that calls on_change(new value) when the
    user changes it: `widget` is e.g. st.number_input or a column's, with its other arguments."""
    st.session_state[key] = value
    return widget(*args, key=key, on_change=lambda: on_change(st.session_state[key]), **kwargs)


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-!|~$<>")
_LIST = re.compile(r"^(\d+)\.")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def _md_escape(escaped: str) -> str:
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in escaped)


def source_link(source: str) -> str:
    """Markdown for a source: its site as a link when it holds a checked web address (http/https, see
    provenance.first_url), else its text, made safe. The link is the only markup: it is built here."""
    from lib.provenance import domain, first_url, short

    url = first_url(source)
    if url:
        target = url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
        return f"[{text(domain(url))}]({target})"
    return text(short(source))


def show_table(df: pd.DataFrame, **kwargs) -> None:
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)


MAX_PROBLEMS_SHOWN = 1000


def problems(found: list, lg: str, *, sheets: bool = False, download: str | None = None) -> None:
    """An input file's problems in the one problems table (lib.ingest.problems), the first MAX_PROBLEMS_SHOWN of them;
    with `download` (the file's name) the truncation is said and every problem can be downloaded as CSV."""
    from lib import export
    from lib.ingest.problems import problems_table

    if download and len(found) > MAX_PROBLEMS_SHOWN:
        st.caption(t("data.problems_truncated", lg, shown=MAX_PROBLEMS_SHOWN, total=len(found)))
    show_table(problems_table(found[:MAX_PROBLEMS_SHOWN], lg, sheets=sheets))
    if download:
        st.download_button(t("data.download_problems", lg), export.csv_bytes(problems_table(found, lg, sheets=sheets)),
                           file_name=f"{download}.problems.csv", mime="text/csv", key=f"problems_{download}",
                           on_click="ignore")


# -- the map component (frontend/deckmap; lib/maps/deck.py describes what it draws) -----------------------------------
_DECKMAP = []


def deck_map(args: dict, key: str, on_change=None):
    """Draw the map component with `args` (lib.maps.deck.component_args); returns its last event (a dict) or None."""
    if not _DECKMAP:
        from streamlit.components.v1 import declare_component

        _DECKMAP.append(declare_component("deckmap", path=str(Path(__file__).resolve().parents[1] / "frontend"
                                                                / "deckmap")))
    return _DECKMAP[0](**args, key=key, default=None, on_change=on_change)


# -- the user's own boundaries (the Map page's settings; lib/geo/upload.py reads, lib/maps/uploads.py reports) -------
def boundaries_box(boundaries, lg: str | None = None) -> None:
    """The boundaries in use (each with Remove), a file box with the level to read it as (or detected), and the
    last upload's report: a message and its tables, the file's own text shown as text. `boundaries` is a
    lib.maps.session.BoundaryUploads over the session state."""
    from lib.geo.upload import read_boundaries
    from lib.maps import uploads as map_uploads
    from lib.maps.scope import MAP_LEVELS, level_label

    lg = lg or lang()
    st.markdown(f"**{t('map.upload.title', lg)}**")
    st.caption(t("map.upload.intro", lg))
    for level, up in list(boundaries.in_use.items()):
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        c1.write(t("map.upload.in_use", lg, level=level_label(level, lg), n=len(up.layer)))
        c1.text(up.name)
        if c2.button(t("map.upload.remove", lg), key=f"_map_remove_{level}"):
            boundaries.remove(level)
            st.rerun()
    c1, c2 = st.columns([3, 2])
    level = c2.selectbox(t("map.upload.level", lg), [None, *MAP_LEVELS], key="_map_upload_level",
                         format_func=lambda lv: level_label(lv, lg) if lv else t("map.upload.level_auto", lg))
    file = c1.file_uploader(t("map.upload.label", lg), type=["geojson", "json", "gpkg", "zip"],
                            key=boundaries.uploader_key)
    if file is not None:
        data = file.getvalue()
        with st.spinner(t("map.upload.reading", lg)):
            # read once per file (the upload box is then renewed), not cached: the result is the session's
            boundaries.received(read_boundaries(file.name, data, level))
        st.rerun()
    if (result := boundaries.last_result) is not None:
        st.text(result.file)
        (st.success if result.ok else st.error)(map_uploads.summary(result, lg, text),
                                                icon=":material/check_circle:" if result.ok else ":material/error:")
        for caption, table in map_uploads.tables(result, lg):
            st.caption(caption)
            show_table(table)  # a table shows file text as text


# -- a year timeline that plays (the Map page's pydeck chart; the map component draws its own in the browser) -------
def play_timeline(key: str, years: list[int], year: int, playing: bool, on_play, on_year, lg: str | None = None):
    """A Play/Stop button beside a year slider: `on_play()` starts or stops, `on_year(year)` is the year the user
    chose. While it plays the slider only shows the year: one the user could drag would race with the timer."""
    lg = lg or lang()
    c_play, c_year = st.columns([1, 6], vertical_alignment="bottom")
    c_play.button(t("map.stop" if playing else "map.play", lg), key=f"{key}_play", on_click=on_play,
                  help=t("map.play_help", lg), width="stretch")
    if playing:
        c_year.select_slider(t("map.year", lg), options=years, value=year, disabled=True, label_visibility="collapsed")
    else:
        fed(c_year.select_slider, f"{key}_year", year, on_year, t("map.year", lg), options=years,
            label_visibility="collapsed")


# -- small layouts (a table shown whole, a row of buttons, cards in a grid, a choice with its button) ----------------
def rows_table(rows: list[dict], widths: dict[str, str] | None = None) -> None:
    """A short table of rows (dicts) shown whole: every row in view, no scrolling. `widths`: a text column's width
    (small, medium or large) by its heading."""
    config = {heading: st.column_config.TextColumn(width=width) for heading, width in (widths or {}).items()}
    show_table(pd.DataFrame(rows), height=36 + 35 * len(rows), column_config=config or None)


def buttons(*row: dict | None, **columns) -> None:
    """A row of buttons in equal columns: each a dict of st.button's arguments, or None for an empty column."""
    for column, button in zip(st.columns(len(row), **columns), row):
        if button:
            column.button(**button)


def metric_grid(cards: list[dict], per_row: int = 2) -> None:
    """Metric cards (st.metric's arguments: label, value, delta, …) with borders, `per_row` to a row."""
    for start in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[start:start + per_row]):
            column.metric(**card, border=True)


def pick_and_act(label: str, options: list, key: str, action: str, action_key: str, on_act,
                 icon: str | None = None) -> None:
    """A choice with a button beside it that acts on what is chosen: `on_act(choice)`."""
    c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
    choice = c1.selectbox(label, options, key=key)
    c2.button(action, key=action_key, icon=icon, on_click=on_act, args=(choice,))


def tabs(drawn: dict) -> None:
    """Tabs, each label's content drawn by its function (label -> draw())."""
    for tab, draw in zip(st.tabs(list(drawn)), drawn.values()):
        with tab:
            draw()


def confirm(question: str, yes: str, no: str, key: str, on_yes, on_no) -> None:
    """A question (markdown: make user text in it safe with `text`) with Yes and No buttons under it (keys
    `key`_yes and `key`_no), Yes the primary one."""
    st.warning(question)
    buttons({"label": yes, "key": f"{key}_yes", "type": "primary", "on_click": on_yes},
            {"label": no, "key": f"{key}_no", "on_click": on_no})


# -- a target's inputs (the Scenarios page) ---------------------------------------------------------------------------
def target_inputs(label: str, kind: str, value: float, value_max: float, on_change, key: str,
                  lg: str | None = None) -> None:
    """A target in one row: its kind (point, at least, range), its value in % and a range's upper value. A change
    calls on_change(kind=…), on_change(value=…) or on_change(value_max=…). `key` holds a {} for the part:
    "sc_{}_2030" names the inputs sc_kind_2030, sc_value_2030 and sc_vmax_2030."""
    from lib.targets import TARGET_KINDS

    lg = lg or lang()
    percent = {"min_value": 0.0, "max_value": 100.0, "step": 0.5, "format": "%.2f"}
    c1, c2, c3 = st.columns([1.25, 1, 1])
    fed(c1.selectbox, key.format("kind"), kind, lambda v: on_change(kind=v), label, TARGET_KINDS,
        format_func=lambda k: t(f"scenarios.kind.{k}", lg))
    fed(c2.number_input, key.format("value"), value, lambda v: on_change(value=float(v)),
        t("scenarios.value_min" if kind == "range" else "scenarios.value", lg), **percent)
    if kind == "range":
        fed(c3.number_input, key.format("vmax"), value_max, lambda v: on_change(value_max=float(v)),
            t("scenarios.value_max", lg), **percent)
