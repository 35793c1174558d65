"""Is every boundary layer built, complete and valid? `run()` returns report lines and an exit code.

Per level: features vs the units lib.admin knows, missing and unknown units, invalid or empty geometries,
overlapping neighbours, and the deck JSON bytes against the browser budget (over budget is a warning, not a failure:
the layer still draws). Wired into `python -m lib.cli geo check`; also `python -m lib.geo.check`.
"""
from __future__ import annotations

import sys

from lib.geo import DECK_BUDGET_BYTES, LEVELS, LayerMissing


def _level_lines(level: str) -> tuple[list[str], bool]:
    """(lines, ok) for one level."""
    import shapely

    from lib import admin
    from lib.geo.layers import deck_json_bytes, load_layer

    try:
        layer = load_layer(level)
    except LayerMissing as missing:
        return [f"{level}: MISSING: {missing}"], False
    expected = admin.level_units(level).index
    missing_units = sorted(set(expected) - set(layer.index))
    unknown_units = sorted(set(layer.index) - set(expected))
    geoms = layer.geometry.to_numpy()
    invalid = int((~shapely.is_valid(geoms)).sum())
    empty = int(shapely.is_empty(geoms).sum())
    overlapping = not shapely.coverage_is_valid(geoms)
    size = deck_json_bytes(layer)
    budget = DECK_BUDGET_BYTES[level]
    ok = not (missing_units or unknown_units or invalid or empty or overlapping)
    lines = [f"{level}: {'OK' if ok else 'FAIL'} {len(layer)}/{len(expected)} features, {invalid} invalid, "
             f"{empty} empty, {'overlaps between neighbours, ' if overlapping else ''}"
             f"deck JSON {size:,} bytes (budget {budget:,})"]
    if missing_units:
        more = " ..." if len(missing_units) > 10 else ""
        lines.append(f"  missing {len(missing_units)}: {', '.join(missing_units[:10])}{more}")
    if unknown_units:
        lines.append(f"  unknown {len(unknown_units)}: {', '.join(unknown_units[:10])}")
    if size > budget:
        lines.append(f"  WARN over the browser budget by {size - budget:,} bytes"
                     + (": draw communes one province at a time" if level == "commune" else ""))
    approximate = int(layer["approximate"].sum())
    if approximate:
        lines.append(f"  {approximate} approximate polygons (Voronoi)")
    return lines, ok


def run() -> tuple[list[str], int]:
    """Report lines for every level and the national outline; exit code 1 if any is missing, incomplete or invalid."""
    import shapely

    from lib.geo.build import is_up_to_date
    from lib.geo.layers import national_outline

    lines, all_ok = [], True
    for level in LEVELS:
        level_lines, ok = _level_lines(level)
        lines += level_lines
        all_ok &= ok
    try:
        outline = national_outline()
        outline_ok = outline.is_valid and not outline.is_empty
        parts = len(shapely.get_parts(outline))
        lines.append(f"national: {'OK' if outline_ok else 'FAIL'} outline, {parts} parts")
        all_ok &= outline_ok
    except LayerMissing as missing:
        lines.append(f"national: MISSING: {missing}")
        all_ok = False
    if not is_up_to_date():
        lines.append("NOTE the layers are older than the build code or packages: run `python -m lib.geo.build`")
    return lines, 0 if all_ok else 1


def main(argv=None) -> int:
    lines, code = run()
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
