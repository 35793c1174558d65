"""Progress page: not built yet; says what it will show."""
import streamlit as st

from lib import ui
from lib.i18n import t

lang = ui.lang()
st.title(t("page.progress", lang))
st.info(t("placeholder.progress", lang), icon=":material/construction:")
