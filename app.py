"""Entry point: page setup, shared filters in the sidebar, navigation, presenter mode and the link to the view.
`make run` starts it."""
import streamlit as st

from lib import ui
from lib.i18n import t

st.set_page_config(page_title="BHXH · BHYT · BHTN", page_icon="data/icon.png", layout="wide")
ui.init_state()
lang = ui.lang()

pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title=t("page.map", lang), icon=":material/map:", url_path="map"),
    st.Page("pages/progress.py", title=t("page.progress", lang), icon=":material/trending_up:", url_path="progress"),
    st.Page("pages/scenarios.py", title=t("page.scenarios", lang), icon=":material/tune:", url_path="scenarios"),
    st.Page("pages/collections.py", title=t("page.collections", lang), icon=":material/payments:",
            url_path="collections"),
    st.Page("pages/data.py", title=t("page.data", lang), icon=":material/database:", url_path="data"),
]
navigation = st.navigation(pages)
page = navigation.url_path  # "" for the Overview at /
ui.base_style()
ui.presenter_chrome()

with st.spinner(t("common.loading", lang)):
    store = ui.get_store()
map_first = ui.map_first(page)  # a session opened on the Map: the map first, the sidebar once it is drawn
if map_first:
    ui.settle_filters(store, page=page)
else:
    ui.sidebar_filters(store, page=page)
    ui.presenter_switch()
# The link is drawn before the page runs: opening it reruns the app, so it carries the view as the last run left it
# (a page's own corrections included), and a page that calls st.stop() cannot lose it.
if ui.presenting():
    ui.presenter_corner(page)
if not map_first:  # the rest of the sidebar
    if not ui.presenting():
        ui.link_box(page)
    with st.sidebar:
        st.caption(t("common.sidebar_note", ui.lang()))
ui.sync_url()
navigation.run()
ui.sync_url()  # what the page changed (not reached after a page's st.stop(); the next run writes it)
