"""What the Data page's upload box and report previews do to a session, over any mutable mapping (Streamlit's
session state on the page, a dict in tests): the datasets loaded (which the store reads, ``UPLOADS_KEY``), the
validation results of template files, the reports waiting for their preview, each report's reading of its columns,
and the outcome of loading one.

A file in the template layout is validated at once and loaded when it has no error; a report as offices keep it
(title rows, merged headings, totals) waits for the user to check its preview and press Load.

The module is imported by lib.ui for UPLOADS_KEY: it reads the reports' module only when a file comes in.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING

import pandas as pd

from lib.i18n import t

if TYPE_CHECKING:
    from lib.ingest import report

UPLOADS_KEY = "uploads"  # the uploaded Dataset objects (lib.ui.get_store builds the store from them)
RESULTS_KEY = "upload_results"  # validation results of template files, newest last, one per file name
REPORTS_KEY = "report_files"  # name -> (sha256, bytes) of reports waiting for their preview
GEN_KEY = "uploader_gen"  # a new upload box after every batch (the widget clears; the results stay)
BUNDLED_NAMES = ("reported", "demo", "denominators")  # bundled datasets, named from the catalog


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class UploadSession:
    def __init__(self, state: MutableMapping):
        self.state = state

    # -- the datasets loaded ---------------------------------------------------------------------------------------
    @property
    def uploads(self) -> list:
        return list(self.state.get(UPLOADS_KEY, []))

    def keep(self, dataset, name: str | None = None) -> None:
        """Load `dataset` in place of any earlier one from the same file (`name`, else the dataset's own name)."""
        name = name or dataset.name
        self.state[UPLOADS_KEY] = [d for d in self.uploads if d.name != name] + [dataset]

    def drop(self, name: str) -> None:
        self.state[UPLOADS_KEY] = [d for d in self.uploads if d.name != name]

    def remove(self, dataset) -> None:
        self.state[UPLOADS_KEY] = [d for d in self.uploads if d is not dataset]

    # -- files received ------------------------------------------------------------------------------------------
    @property
    def uploader_key(self) -> str:
        return f"uploader_{self.state.setdefault(GEN_KEY, 0)}"

    @property
    def results(self) -> list:
        return list(self.state.get(RESULTS_KEY, []))

    @property
    def pending(self) -> dict:
        return self.state.setdefault(REPORTS_KEY, {})

    def receive(self, name: str, data: bytes, validate: Callable) -> None:
        """One file from the upload box: a template file validated by `validate(name, digest, data)` (and loaded
        when it has no error), a report kept for its preview."""
        from lib.ingest import report

        sha = digest(data)
        if not report.is_template(name, data):
            self.pending[name] = (sha, data)
            self.state.pop(self._result_key(name), None)
            return
        result = validate(name, sha, data)
        self.state[RESULTS_KEY] = [r for r in self.results if r.file != name] + [result]
        if result.ok:
            self.keep(result.dataset, name)

    def received_all(self) -> None:
        """The batch is in: the next run shows a fresh upload box."""
        self.state[GEN_KEY] = self.state.get(GEN_KEY, 0) + 1

    # -- a report's preview --------------------------------------------------------------------------------------
    @staticmethod
    def _mapping_key(name: str) -> str:
        return f"report_mapping_{name}"

    @staticmethod
    def _result_key(name: str) -> str:
        return f"report_result_{name}"

    def mapping(self, name: str) -> report.Mapping:
        from lib.ingest import report

        return self.state.get(self._mapping_key(name)) or report.Mapping()

    def set_mapping(self, name: str, mapping: report.Mapping) -> None:
        self.state[self._mapping_key(name)] = mapping

    def change(self, name: str, **fields) -> bool:
        """Change the report's reading (province, period, former); True when it changed (the page reruns)."""
        current = self.mapping(name)
        changed = {k: v for k, v in fields.items() if v and v != getattr(current, k)}
        if changed:
            self.set_mapping(name, dataclasses.replace(current, **changed))
        return bool(changed)

    def use_saved(self, name: str, pick: str, load: Callable) -> None:
        """Use the saved reading `pick` (`load(pick)` -> saved mapping or None) once per choice; the column boxes are
        reset so that they show the saved reading."""
        if not pick or self.state.get(f"used_{name}") == pick:
            return
        saved = load(pick)
        if saved is None:
            return
        self.set_mapping(name, saved.mapping)
        self.state[f"used_{name}"] = pick
        for k in [k for k in self.state if str(k).startswith(f"col_{name}_")]:
            del self.state[k]

    def loaded(self, name: str, result: report.FileReport) -> None:
        """The outcome of Load: kept to show; the report's dataset loaded when nothing is wrong (and any earlier
        one from the file dropped either way)."""
        self.state[self._result_key(name)] = result
        if result.ok and result.dataset:
            self.keep(result.dataset, name)
        else:
            self.drop(name)

    def result(self, name: str) -> report.FileReport | None:
        return self.state.get(self._result_key(name))

    def cancel(self, name: str) -> None:
        self.pending.pop(name, None)
        self.state.pop(self._result_key(name), None)


# -- what to tell the user (kind, message key, params: lib.ui.say shows them, user text as text) ---------------------
def validation_message(result) -> tuple:
    """A template file's outcome: loaded (values, warnings) or not (errors, warnings)."""
    if result.ok:
        n = len(result.dataset.observations) + len(result.dataset.targets)
        return "success", "data.loaded", {"name": result.file, "n": n, "warnings": len(result.warnings)}
    return "error", "data.not_loaded", {"name": result.file, "errors": len(result.errors),
                                        "warnings": len(result.warnings)}


def report_message(name: str, loaded) -> tuple:
    """A report's outcome after Load: values from how many sheets, or nothing loaded (errors, warnings)."""
    if loaded.ok and loaded.dataset is not None:
        return "success", "data.report_loaded", {
            "name": name, "n": len(loaded.dataset.observations), "warnings": len(loaded.warnings),
            "sheets": sum(1 for s in loaded.sheets if s.wide is not None)}
    return "error", "data.report_not_loaded", {"name": name, "errors": len(loaded.errors),
                                               "warnings": len(loaded.warnings)}


def open_mapping_store():
    """The saved readings of report columns (lib.ingest.mappings), or None without a database (a reading can still
    be downloaded)."""
    from lib.ingest import mappings

    try:
        return mappings.MappingStore()
    except Exception:  # noqa: BLE001 - a bad URL or driver error
        return None


def save_mapping(mapping_store, typed_name: str, mapping) -> tuple:
    """Save a report's reading under the name typed: the message to show (saved with its version, a name needed, or
    why it could not be saved)."""
    if not typed_name.strip():
        return "warning", "data.report_mapping_name_needed", {}
    try:
        saved = mapping_store.save(typed_name, mapping)
    except Exception as err:  # noqa: BLE001 - shown as a message, never as a traceback
        return "error", "data.report_mapping_error", {"error": str(err)}
    return "success", "data.report_mapping_saved", {"name": saved.name, "version": saved.version}


_COUNTS = ("rows", "units", "reported", "estimate", "demo", "uploaded", "targets")


def datasets_table(datasets, lang: str, plain: bool = False) -> pd.DataFrame:
    """The loaded datasets as users read them: bundled ones by their name in the catalog, uploads by file name, counts
    in the language's number format (106.117 / 106,117); `plain`: counts as numbers (the CSV download)."""
    summary = pd.DataFrame([d.summary() for d in datasets])
    summary["dataset"] = summary["dataset"].map(lambda n: t(f"dataset.{n}", lang) if n in BUNDLED_NAMES else n)
    summary["origin"] = summary["origin"].map(lambda o: t(f"data.origin.{o}", lang))  # words, not the internal id
    table = summary.rename(columns=lambda c: t(f"data.summary.{c}", lang))
    return table if plain else _counts_written(table, lang)


def datasets_view(datasets, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the datasets table as shown, the same with plain numbers for its CSV), the datasets summarised once."""
    plain = datasets_table(datasets, lang, plain=True)
    return _counts_written(plain, lang), plain


def _counts_written(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    from lib import fmt

    table = table.copy()
    for c in (t(f"data.summary.{c}", lang) for c in _COUNTS):
        table[c] = table[c].map(lambda n: fmt.number(n, lang))
    return table
