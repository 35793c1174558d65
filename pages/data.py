"""Data: loaded datasets, the user's uploads (validated), downloads and templates, sources, data dictionary.
What an upload does to the session (files received, a report's reading of its columns, Load, Cancel) is
lib/ingest/uploads.py; the page draws."""
import streamlit as st

from lib import admin, dictionary, export, store as store_mod, ui
from lib.i18n import t
from lib.ingest import report, templates, uploads
from lib.ingest.validate import validate_bytes

lang = ui.lang()
store = ui.get_store()
session = uploads.UploadSession(st.session_state)
ICONS = {True: ":material/check_circle:", False: ":material/error:"}

st.title(t("page.data", lang))
tab_sets, tab_upload, tab_download, tab_sources, tab_dict = st.tabs(
    [t("data.tab_datasets", lang), t("data.tab_upload", lang), t("data.tab_download", lang),
     t("data.tab_sources", lang), t("data.tab_dictionary", lang)])


def _validate(name: str, digest: str, data: bytes):  # once per file received (the upload box is then renewed)
    return validate_bytes(name, data, store_mod.denominator_lookup())


def _preview(name: str, digest: str, mapping_json: str, lg: str, data: bytes):
    # read again only when a choice changes; kept by the session, so it goes with the session (the user's file)
    return ui.session_memo("report_preview", (name, digest, mapping_json, lg),
                           lambda: report.preview(name, data, report.Mapping.from_json(mapping_json), lang=lg))


_mapping_store = st.cache_resource(show_spinner=False)(uploads.open_mapping_store)


def _report_preview(name: str, digest: str, data: bytes):
    """One report: where its tables are, what each column means (to change), the rows as they will load, the rows
    skipped and why; then Load. The choices are kept per file for the session."""
    st.subheader(t("data.report_preview", lang, name=ui.text(name)))
    saved_store = _mapping_store()
    if saved_store is not None:
        names = saved_store.names()
        if names:
            session.use_saved(name, st.selectbox(t("data.report_mapping_use", lang), [""] + names, key=f"use_{name}",
                                                 format_func=lambda n: n or t("data.report_mapping_none", lang)),
                              saved_store.load)
    mapping = session.mapping(name)
    with st.spinner(t("data.validating", lang)):
        preview = _preview(name, digest, mapping.to_json(), lang, data)
    for i, sheet in enumerate(preview.sheets):
        st.markdown("**" + (t("data.report_sheet", lang, sheet=ui.text(sheet.sheet)) if sheet.sheet else
                            t("data.report_sheet_csv", lang)) + "**")
        st.caption(report.found_at(sheet, lang))
        if sheet.table is None:
            continue
        for line in report.understood(sheet, lang):
            st.text(line)
        need = report.needs(sheet)
        if need["province"]:
            options = report.province_choices(sheet)
            if session.change(name, province=st.selectbox(
                    t("data.report_choose_province", lang), [""] + options, key=f"prov_{name}_{i}",
                    format_func=lambda u: admin.display_name(u) if u else "–")):
                st.rerun()
        if need["period"] and session.change(name, period=st.text_input(t("data.report_choose_period", lang),
                                                                        key=f"period_{name}_{i}").strip()):
            st.rerun()
        if need["former"] and session.change(name, former=st.radio(
                t("data.report_former_choice", lang), ["keep", "merge"], key=f"former_{name}_{i}",
                index=["keep", "merge"].index(mapping.former),
                format_func=lambda c: t(f"data.report_former_{c}", lang))):
            st.rerun()
        st.caption(t("data.report_columns_help", lang))
        choices = list(report.target_choices(lang))
        current = report.columns_table(sheet, lang)[t("data.report_col_target", lang)].tolist()
        chosen = []
        boxes = st.columns(3)
        for j, (col, label) in enumerate(zip(sheet.columns, current)):
            chosen.append(boxes[j % 3].selectbox(f"{col.letter} · {ui.text(col.heading)}", choices,
                                                 index=choices.index(label), key=f"col_{name}_{i}_{j}"))
        if chosen != current:
            session.set_mapping(name, report.with_columns(mapping, sheet, chosen, lang))
            st.rerun()
        st.markdown(t("data.report_rows", lang))
        ui.show_table(report.preview_rows(sheet, lang))
        if sheet.skipped:
            st.markdown(t("data.report_skipped", lang))
            ui.show_table(report.skipped_rows(sheet, lang))
    if preview.all_problems and session.result(name) is None:
        ui.problems(preview.all_problems, lang, sheets=True)
    c1, c2 = st.columns(2)
    if c1.button(t("data.report_load", lang), key=f"load_{name}", type="primary"):
        with st.spinner(t("data.validating", lang)):
            session.loaded(name, report.load(_preview(name, digest, mapping.to_json(), lang, data),
                                             store_mod.denominator_lookup(), report.reference_from_store(store), lang))
        st.rerun()
    if c2.button(t("data.report_cancel", lang), key=f"drop_{name}"):
        session.cancel(name)
        st.rerun()
    if (loaded := session.result(name)) is not None:
        ui.say(uploads.report_message(name, loaded), lang, icon=ICONS[loaded.ok and loaded.dataset is not None])
        if loaded.all_problems:
            st.markdown(t("data.report_problems", lang))
            ui.problems(loaded.all_problems, lang, sheets=True)
        if loaded.province_checks is not None and len(loaded.province_checks):
            st.markdown(t("data.report_province_checks", lang))
            ui.show_table(loaded.province_checks)
    c1, c2 = st.columns([3, 1])
    mapping_name = c1.text_input(t("data.report_mapping_name", lang), key=f"mapname_{name}")
    if c2.button(t("data.report_save_mapping", lang), key=f"save_{name}", disabled=saved_store is None):
        ui.say(uploads.save_mapping(saved_store, mapping_name, mapping), lang)
    st.download_button(t("data.report_mapping_download", lang), mapping.to_json().encode("utf-8"),
                       file_name=f"{name}.mapping.json", mime="application/json", key=f"mapdl_{name}",
                       on_click="ignore")
    st.divider()


with tab_sets:
    st.markdown(t("data.datasets_intro", lang))
    shown, plain = uploads.datasets_view(store.datasets, lang)
    ui.table(shown, "datasets", csv=plain)
    for i, d in enumerate(session.uploads):
        c1, c2 = st.columns([4, 1])
        c1.write(t("data.uploaded_item", lang, name=ui.text(d.name), n=len(d.observations) + len(d.targets)))
        if c2.button(t("data.remove", lang), key=f"remove_{i}_{d.name}"):
            session.remove(d)
            st.rerun()

with tab_upload:
    st.markdown(t("data.upload_intro", lang))
    st.markdown(t("data.report_intro", lang))
    files = st.file_uploader(t("data.upload_label", lang), type=["csv", "txt", "xlsx", "xlsm", "parquet"],
                             accept_multiple_files=True, key=session.uploader_key)
    if files:
        progress = st.progress(0.0, text=t("data.validating", lang))
        for i, f in enumerate(files):  # a template file is validated now; a report waits for its preview
            session.receive(f.name, f.getvalue(), _validate)
            progress.progress((i + 1) / len(files), text=t("data.validating", lang))
        progress.empty()
        session.received_all()
        st.rerun()
    for result in session.results:
        ui.say(uploads.validation_message(result), lang, icon=ICONS[result.ok])
        if result.problems:
            ui.problems(result.problems, lang, download=result.file)
    for name, (digest, data) in list(session.pending.items()):
        _report_preview(name, digest, data)

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
    shown, plain = dictionary.sources_view(store, lang)
    ui.table(shown, "published_figures", csv=plain, column_config={"URL": st.column_config.LinkColumn("URL")})

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
