"""Data: loaded datasets, the user's uploads (validated), downloads and templates, sources, data dictionary."""
import hashlib

import pandas as pd
import streamlit as st

from lib import dictionary, export, store as store_mod, ui
from lib.ingest import templates
from lib.i18n import t
from lib.ingest.problems import problems_table
from lib.ingest.validate import validate_bytes

lang = ui.lang()
store = ui.get_store()
MAX_SHOWN = 1000

st.title(t("page.data", lang))
tab_sets, tab_upload, tab_download, tab_sources, tab_dict = st.tabs(
    [t("data.tab_datasets", lang), t("data.tab_upload", lang), t("data.tab_download", lang),
     t("data.tab_sources", lang), t("data.tab_dictionary", lang)])


@st.cache_data(show_spinner=False, max_entries=16)
def _validate(name: str, digest: str, _data: bytes):
    return validate_bytes(name, _data, store_mod.denominator_lookup())


with tab_sets:
    st.markdown(t("data.datasets_intro", lang))
    summary = pd.DataFrame([d.summary() for d in store.datasets])
    summary["dataset"] = summary["dataset"].map(lambda n: t(f"dataset.{n}", lang) if n in ("reported", "demo",
                                                                                            "denominators") else n)
    ui.table(summary.rename(columns=lambda c: t(f"data.summary.{c}", lang)), "datasets")
    uploads = st.session_state.get(ui.UPLOADS_KEY, [])
    for i, d in enumerate(list(uploads)):
        c1, c2 = st.columns([4, 1])
        c1.write(t("data.uploaded_item", lang, name=ui.text(d.name), n=len(d.observations) + len(d.targets)))
        if c2.button(t("data.remove", lang), key=f"remove_{i}_{d.name}"):
            st.session_state[ui.UPLOADS_KEY] = [x for x in uploads if x is not d]
            st.rerun()

with tab_upload:
    st.markdown(t("data.upload_intro", lang))
    gen = st.session_state.setdefault("uploader_gen", 0)
    files = st.file_uploader(t("data.upload_label", lang), type=["csv", "txt", "xlsx", "xlsm", "parquet"],
                             accept_multiple_files=True, key=f"uploader_{gen}")
    if files:
        results = []
        progress = st.progress(0.0, text=t("data.validating", lang))
        for i, f in enumerate(files):
            data = f.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            result = _validate(f.name, digest, data)
            results.append(result)
            if result.ok:
                current = st.session_state.setdefault(ui.UPLOADS_KEY, [])
                st.session_state[ui.UPLOADS_KEY] = [d for d in current if d.name != f.name] + [result.dataset]
            progress.progress((i + 1) / len(files), text=t("data.validating", lang))
        progress.empty()
        st.session_state["upload_results"] = results
        st.session_state["uploader_gen"] = gen + 1  # clear the widget; results stay below
        st.rerun()
    for result in st.session_state.get("upload_results", []):
        if result.ok:
            n = len(result.dataset.observations) + len(result.dataset.targets)
            st.success(t("data.loaded", lang, name=ui.text(result.file), n=n, warnings=len(result.warnings)),
                       icon=":material/check_circle:")
        else:
            st.error(t("data.not_loaded", lang, name=ui.text(result.file), errors=len(result.errors),
                       warnings=len(result.warnings)), icon=":material/error:")
        if result.problems:
            shown = result.problems[:MAX_SHOWN]
            if len(result.problems) > MAX_SHOWN:
                st.caption(t("data.problems_truncated", lang, shown=MAX_SHOWN, total=len(result.problems)))
            ui.show_table(problems_table(shown, lang))
            st.download_button(t("data.download_problems", lang),
                               export.csv_bytes(problems_table(result.problems, lang)),
                               file_name=f"{result.file}.problems.csv", mime="text/csv",
                               key=f"problems_{result.file}", on_click="ignore")

with tab_download:
    st.markdown(t("data.download_intro", lang))
    view = ui.view()
    resolved = store.resolved
    st.download_button(t("data.download_area", lang, area=ui.area_label(view.area, lang)),
                       lambda: export.csv_bytes(export.observations_table(resolved[resolved["unit"] == view.area],
                                                                          lang)),
                       file_name=f"bhxh_{view.area.replace(':', '_')}.csv", mime="text/csv", on_click="ignore")
    st.download_button(t("data.download_all", lang),
                       lambda: export.csv_bytes(export.observations_table(store.resolved, lang)),
                       file_name="bhxh_all_units.csv", mime="text/csv", on_click="ignore")
    st.download_button(t("data.download_targets", lang),
                       lambda: export.csv_bytes(export.targets_table(store.targets_all)),
                       file_name="bhxh_targets.csv", mime="text/csv", on_click="ignore")
    st.subheader(t("data.templates", lang))
    for kind in templates.KINDS:
        c1, c2, c3 = st.columns([3, 1, 1])
        c1.write(t(f"data.template_{kind}", lang))
        c2.download_button("CSV", lambda kind=kind: templates.to_bytes(kind, "csv"), file_name=f"template_{kind}.csv",
                           mime="text/csv", key=f"tpl_csv_{kind}", on_click="ignore")
        c3.download_button("Excel", lambda kind=kind: templates.to_bytes(kind, "xlsx"),
                           file_name=f"template_{kind}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"tpl_xlsx_{kind}", on_click="ignore")

with tab_sources:
    st.markdown(t("data.sources_intro", lang))
    ui.table(dictionary.published_table(lang), "published_figures",
             column_config={"url": st.column_config.LinkColumn("URL")})

with tab_dict:
    st.markdown(t("dict.intro", lang))
    st.subheader(t("dict.metrics", lang))
    ui.table(dictionary.metrics_table(lang), "dictionary_metrics")
    st.subheader(t("dict.columns", lang))
    ui.table(dictionary.columns_table(lang), "dictionary_columns")
    st.subheader(t("dict.target_columns", lang))
    ui.table(dictionary.target_columns_table(lang), "dictionary_target_columns")
    st.subheader(t("dict.rules", lang))
    st.markdown(t("dict.rules_text", lang))
    st.subheader(t("dict.estimates", lang))
    st.markdown(t("dict.population_text", lang, growth=dictionary.population_growth(lang)))
    st.markdown(t("dict.labour_force_text", lang))
    ui.table(dictionary.labour_force_table(lang), "labour_force_estimates")
    st.markdown(t("dict.calibration_text", lang))
    ui.table(dictionary.calibration_table(lang), "labour_force_calibration")
    st.markdown(t("dict.implied_text", lang))
    ui.table(dictionary.implied_denominators_table(lang), "implied_denominators")
    st.subheader(t("dict.demo", lang))
    st.markdown(t("dict.demo_text", lang))
