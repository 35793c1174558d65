"""Exports: tables as CSV that spreadsheets open safely, with every value's provenance."""
from __future__ import annotations

import pandas as pd

from lib import admin, metrics
from lib.provenance import describe, status_label
from lib.text import looks_like_formula


def neutralise(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel reads Vietnamese correctly), text cells neutralised, numbers untouched."""
    safe = df.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


STATUSES = ("reported", "uploaded", "estimate", "demo")


def is_status_column(name, values: pd.Series) -> bool:
    """A column of value statuses as ids (reported, uploaded, estimate, demo): `status`, `data_status`, `x.status`."""
    name = str(name)
    if not (name in ("status", "data_status") or name.endswith((".status", "_status"))):
        return False
    present = set(values.dropna().astype(str))
    return bool(present) and present <= set(STATUSES)


def with_status_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as downloaded: beside each column of status ids, the statuses in the user's language
    (`status_label`: "Công bố", "Minh họa" in Vietnamese), so a reader of the file tells demo from published
    without a key; the ids stay for programs."""
    cols = [c for c in df.columns if is_status_column(c, df[c])]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        label = f"{c}_label"
        if label in out.columns:
            continue
        at = list(out.columns).index(c) + 1
        out.insert(at, label, [status_label(str(s), lang) if isinstance(s, str) and s else "" for s in out[c]])
    return out


def observations_table(resolved: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The resolved data as users download it: one row per unit, period and metric, with status and source.

    Demo values say `demo` in the status column and "Minh họa" / "Demo" in `status_label`; derived rates say how
    they were computed."""
    u = admin.units()
    cat = metrics.catalog()
    df = resolved
    units = df["unit"].astype(str)
    return with_status_labels(pd.DataFrame({
        "unit": units,
        "unit_name": units.map(lambda x: u.at[x, "name"] if x in u.index else x),
        "level": df["level"].astype(str),
        "year": df["year"].astype(int),
        "period": df["period"].astype(str),
        "metric": df["metric"].astype(str),
        "metric_name": df["metric"].astype(str).map(lambda m: cat[m].name(lang) if m in cat else m),
        "value": df["value"].astype(float),
        "status": df["status"].astype(str),
        "source": df["source"].astype(str).map(lambda s: describe(s, lang)),
        "note": df["note"].astype(str),
        "other_values": df["alternatives"].astype(int),
    }), lang)


def targets_table(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets in the same layout as the targets template (a user can edit and upload it back)."""
    u = admin.units()
    if targets.empty:
        return pd.DataFrame(columns=["unit", "unit_name", "metric", "year", "kind", "value", "value_max", "document",
                                     "source", "note"])
    return pd.DataFrame({
        "unit": targets["unit"], "unit_name": targets["unit"].map(lambda x: u.at[x, "name"]),
        "metric": targets["metric"], "year": targets["year"], "kind": targets["kind"], "value": targets["value"],
        "value_max": targets["value_max"], "document": targets["document"], "source": targets["source"],
        "note": targets["note"],
    })
