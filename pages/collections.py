"""Collections page: not built yet; says what it will show."""
import streamlit as st

from lib import ui
from lib.i18n import t

lang = ui.lang()
st.title(t("page.collections", lang))
st.info(t("placeholder.collections", lang), icon=":material/construction:")
