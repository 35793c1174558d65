"""The small set of Streamlit helpers shared by the pages (the only module in lib/ that imports streamlit)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from lib import admin, metrics, store as store_mod, urlstate
from lib.i18n import LANGS, t
from lib.model import Dataset

UPLOADS_KEY = "uploads"  # session: list of uploaded Dataset objects


# -- data -------------------------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _bundled_store() -> store_mod.Store:
    s = store_mod.bundled_store()
    _ = s.resolved, s.targets, s._fy  # once per process, shared by every session
    return s


_REGISTRY: dict[str, tuple[Dataset, ...]] = {}


@st.cache_resource(show_spinner=False, max_entries=32)
def _store_for(key: str) -> store_mod.Store:
    s = store_mod.Store(list(_REGISTRY[key]))
    _ = s.resolved, s.targets, s._fy
    return s


def get_store() -> store_mod.Store:
    """The bundled data plus this session's uploads (uploads win over bundled values for the same key)."""
    uploads = st.session_state.get(UPLOADS_KEY, [])
    if not uploads:
        return _bundled_store()
    datasets = tuple(store_mod.bundled()) + tuple(uploads)
    key = store_mod.fingerprint(uploads)
    _REGISTRY[key] = datasets
    with st.spinner(t("common.resolving", lang())):
        return _store_for(key)


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


def lang() -> str:
    return st.session_state.get("lang", urlstate.DEFAULT.lang)


def view() -> urlstate.ViewState:
    return urlstate.ViewState(**{n: st.session_state.get(n, getattr(urlstate.DEFAULT, n)) for n in urlstate.PARAMS})


def sync_url() -> None:
    wanted = urlstate.to_query(view())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


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
    st.session_state[name] = value


def sidebar_filters(store: store_mod.Store) -> None:
    """Language and the shared filters (metric, year, area); drawn in app.py so they carry across pages."""
    lg = lang()
    choices = metrics.headline_ids("coverage") + metrics.headline_ids("collections")
    if st.session_state.get("metric") not in choices:
        st.session_state["metric"] = urlstate.DEFAULT.metric
    years = store.years()
    if st.session_state.get("year") not in years:
        st.session_state["year"] = years[-1] if years else None
    areas = area_options()
    if st.session_state.get("area") not in areas:
        st.session_state["area"] = admin.NATIONAL_ID
    with st.sidebar:
        bound(st.segmented_control, "lang", t("common.language", lg), options=list(LANGS),
              format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], selection_mode="single")
        bound(st.selectbox, "metric", t("filter.metric", lg), choices,
              format_func=lambda s: metrics.by_short(s).name(lg))
        bound(st.selectbox, "year", t("filter.year", lg), years)
        bound(st.selectbox, "area", t("filter.area", lg), areas, format_func=lambda uid: area_label(uid, lg))


def area_options() -> list[str]:
    u = admin.units()
    provinces = u[u["level"] == "province"].sort_values("name_ascii").index.tolist()
    new = u[u["level"] == "province_2025"].sort_values("name_ascii").index.tolist()
    return [admin.NATIONAL_ID] + provinces + new


def area_label(uid: str, lg: str) -> str:
    if uid == admin.NATIONAL_ID:
        return t("common.national", lg)
    name = admin.units().at[uid, "short_name"]
    return f"{name} ({t('level.suffix.' + uid.split(':')[0], lg)})"


# -- display ----------------------------------------------------------------------------------------------------------
def demo_banner(shown_statuses, lg: str) -> None:
    """A visible notice on any view that shows demo values."""
    if "demo" in set(map(str, shown_statuses)):
        st.warning(t("common.demo_banner", lg), icon="⚠️")


def text(value) -> str:
    """User-supplied text made safe for markdown: HTML escaped and markdown characters neutralised."""
    escaped = html.escape(str(value), quote=False)
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-!|~$" else ch for ch in escaped)


def source_link(source: str) -> str:
    """Markdown for a source: its site as a link when it is a web address, else the text, made safe."""
    from lib.provenance import first_url, short

    url = first_url(source)
    label = text(short(source))
    if url and url.startswith(("http://", "https://")):
        return f"[{label}]({url.replace(')', '%29').replace(' ', '%20')})"
    return label


def show_table(df: pd.DataFrame, **kwargs) -> None:
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)
