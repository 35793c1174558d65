"""Command line for data stewards and analysts.

  python -m lib.cli validate FILE...            one problem per line as FILE:ROW:COLUMN: message (reports with
                                                several sheets: FILE:SHEET:ROW:COLUMN); exit 1 if any error
  python -m lib.cli import FILE... [--mapping M.json] --out tidy.csv
                                                reports as offices keep them (title rows, merged headings, totals)
                                                or template files -> one tidy table: unit, period, metric, value,
                                                status, source (file:sheet:row); a summary of skipped rows
  python -m lib.cli template {coverage,collections,targets} --out FILE   (.csv or .xlsx)
  python -m lib.cli geo check                   boundary layers: features, invalid geometries, deck JSON bytes
  python -m lib.cli forecast --level {national,province,district} --metric {hi,si,si_voluntary,ui} --out FILE.csv
                                                one row per unit: targets, chances of meeting them, model (cached)
  python -m lib.cli backtest                    backtest of every model on the published national HI, SI, UI series
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _read(path: Path, lang: str) -> bytes | None:
    """A file's bytes, or None after printing FILE:::message (missing, a folder, no permission): never a traceback."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        message = "không tìm thấy tệp" if lang == "vi" else "file not found"
    except IsADirectoryError:
        message = "đây là thư mục, không phải tệp" if lang == "vi" else "this is a folder, not a file"
    except OSError as err:
        message = (f"không đọc được tệp ({err.strerror})" if lang == "vi" else f"cannot read the file ({err.strerror})")
    print(f"{path}:::{message}")
    return None


def _checked_files(args, denominators, mapping=None, reference=None):
    """Each file named on the command line read and checked as what it is, its problems printed one per line
    (FILE:[SHEET:]ROW:COLUMN: message): yields (name, result, template). `result` is None for a file that could not be
    read (the reason printed), a validation result for a file in the template layout (template=True), else the report
    as loaded (lib.ingest.report.FileReport)."""
    from lib.ingest import report as report_mod
    from lib.ingest.validate import validate_bytes

    for name in args.files:
        path = Path(name)
        data = _read(path, args.lang)
        if data is None:
            yield name, None, False
            continue
        template = report_mod.is_template(str(path), data)
        if template:
            result = validate_bytes(str(path), data, denominators)
            problems = result.problems
        else:
            result = report_mod.load(report_mod.preview(str(path), data, mapping, lang=args.lang), denominators,
                                     reference, lang=args.lang)
            problems = result.all_problems
        for problem in problems:
            print(problem.line(args.lang))
        yield name, result, template


def _validate(args) -> int:
    denominators = None if args.no_estimates else _denominators()
    failed = False
    for name, result, _ in _checked_files(args, denominators):
        if result is None or not result.ok:
            failed = True
        elif not args.quiet:
            n = 0 if result.dataset is None else len(result.dataset.observations) + len(result.dataset.targets)
            print(f"{name}: OK ({n} {'giá trị' if args.lang == 'vi' else 'values'})", file=sys.stderr)
    return 1 if failed else 0


def _import(args) -> int:
    """Reports and template files -> one tidy long table; every problem as FILE:SHEET:ROW:COLUMN: message; a summary
    of the rows loaded and skipped per file. A file with any error contributes nothing; exit 1 if any has one."""
    import pandas as pd

    from lib import export
    from lib.ingest import report as report_mod

    mapping = None
    if args.mapping:
        try:
            mapping = report_mod.Mapping.from_json(Path(args.mapping).read_bytes())
        except (OSError, ValueError) as err:
            print(f"{args.mapping}: {err}", file=sys.stderr)
            return 2
        if args.former:
            mapping.former = args.former
    elif args.former:
        mapping = report_mod.Mapping(former=args.former)
    denominators = None if args.no_estimates else _denominators()
    reference = None
    if not args.no_estimates:
        from lib import store as store_mod

        reference = report_mod.reference_from_store(store_mod.bundled_store())
    frames, failed = [], False
    for name, result, template in _checked_files(args, denominators, mapping, reference):
        if result is None:
            failed = True
            continue
        if template:
            if not result.ok:
                failed = True
                continue
            tidy = report_mod.FileReport(str(Path(name)), dataset=result.dataset).tidy()
            summary = f"{name}: {len(tidy)} values (template layout)"
        else:
            if result.province_checks is not None and len(result.province_checks):
                print(result.province_checks.to_string(index=False), file=sys.stderr)
            counts = report_mod.summary_counts(result)
            skipped = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "unit") or "none"
            if not result.ok or result.dataset is None:
                failed = True
                print(f"{name}: nothing loaded ({len(result.errors)} errors); unit rows {counts.get('unit', 0)}; "
                      f"rows skipped: {skipped}", file=sys.stderr)
                continue
            tidy = result.tidy()
            sheets = sum(1 for s in result.sheets if s.wide is not None)
            summary = (f"{name}: {len(tidy)} values from {counts.get('unit', 0)} unit rows on {sheets} sheets; "
                       f"rows skipped: {skipped}")
        frames.append(tidy)
        if not args.quiet:
            print(summary, file=sys.stderr)
    out = pd.concat(frames, ignore_index=True) if frames else report_mod.FileReport("").tidy()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(export.csv_bytes(out))
    if not args.quiet:
        print(f"{args.out}: {len(out)} rows", file=sys.stderr)
    return 1 if failed else 0


def _denominators():
    from lib.store import denominator_lookup

    return denominator_lookup()


def _template(args) -> int:
    from lib.ingest import templates

    try:
        path = templates.write(args.kind, args.out)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(path)
    return 0


def _geo(args) -> int:
    try:
        from lib.geo import check
    except ImportError:
        print("boundary layers are not part of this build", file=sys.stderr)
        return 1
    return check.main([])


def _forecast(args) -> int:
    """One row per unit of a level: last value, 2025 and 2030 targets, chances of meeting them, expected year,
    status, model and MASE (lib.forecast.outlook.export_frame), as CSV. Uses and fills the same cache as the app."""
    import tempfile

    from lib import export, metrics, store as store_mod
    from lib.forecast import outlook

    try:
        store = store_mod.bundled_store()
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 1
    uploads = []
    for name in args.data or []:
        from lib.ingest.validate import validate_bytes

        path = Path(name)
        if not path.exists():
            print(f"{name}: file not found", file=sys.stderr)
            return 1
        result = validate_bytes(str(path), path.read_bytes(), _denominators())
        if not result.ok:
            for problem in result.problems:
                print(problem.line("en"), file=sys.stderr)
            return 1
        uploads.append(result.dataset)
    if uploads:
        store = store_mod.Store(list(store_mod.bundled()) + uploads)
    metric = metrics.by_short(args.metric)
    units = outlook.level_units(args.level)
    started = [False]

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            started[0] = True
            print(f"\rforecasting {done}/{total} units", end="", file=sys.stderr, flush=True)

    cache_dir = Path(tempfile.mkdtemp(prefix="outlook-")) if args.no_cache else None
    frame = outlook.table(store, units, metric.id, progress_cb=progress, workers=args.workers, cache_dir=cache_dir)
    if started[0]:
        print(file=sys.stderr)
    out = outlook.export_frame(frame)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(export.csv_bytes(out))
    if not args.quiet:
        demo = int(out["demo"].sum())
        print(f"{args.out}: {len(out)} units, {metric.id}; {demo} forecasts from histories with demo values "
              f"(data_status=demo)", file=sys.stderr)
    return 0


BACKTEST_SERIES = (("hi_coverage_pct", "national HI coverage", 2010), ("si_coverage_pct", "national SI coverage", None),
                   ("ui_coverage_pct", "national UI coverage", None))


def _backtest(args) -> int:
    """Each model's and the combination's MASE (absolute, and relative to the naive and drift forecasts) and the
    coverage of their 80 % and 95 % intervals, per horizon, on the published national year-end series."""
    import pandas as pd

    from lib.bundled import reference
    from lib.forecast import models as forecast

    engines = ("statsmodels", "numpy") if args.engine == "both" else (args.engine,)
    for metric, title, first in BACKTEST_SERIES:
        s = reference.national_fy_series(metric)
        if first is not None:
            s = s[s.index >= first]
        values = ", ".join(f"{int(y)}: {v:g}" for y, v in s.items())
        print(f"== {title}, published year-end values ({len(s)}): {values or 'none'}")
        if len(s) < forecast.MIN_OBSERVED_YEARS:
            print(f"   too short to backtest: {len(s)} published year-end values, at least "
                  f"{forecast.MIN_OBSERVED_YEARS} needed (4 to fit, 1 to score). No numbers are invented.\n")
            continue
        for engine in engines:
            table = forecast.backtest_table({title: s}, engine=engine)
            note = {"statsmodels": "every model refitted by statsmodels at every origin (naive and drift in closed "
                                   "form)",
                    "numpy": "the numpy version of the same models, as the app's bulk backtest"}[engine]
            print(f"-- engine: {engine} ({note})")
            chosen = table.loc[table["chosen"], "model"]
            table = table.assign(model=table["model"].where(~table["chosen"], table["model"] + " *"))
            cols = ["model", "horizon", "n", "mase", "mase_rel_naive", "mase_rel_drift", "coverage80", "coverage95"]
            shown = table[cols].rename(columns={"mase_rel_naive": "rel_naive", "mase_rel_drift": "rel_drift",
                                                "coverage80": "cover80", "coverage95": "cover95"})
            with pd.option_context("display.width", 200, "display.max_rows", 500):
                print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            means = table.groupby("model", sort=False)["mean_mase"].first()
            print("   mean MASE over horizons 1-5: " + ", ".join(f"{m.rstrip(' *')} {v:.3f}" for m, v in means.items()))
            if len(chosen):
                print(f"   chosen (lowest mean MASE among the candidates): {chosen.iloc[0]}")
            print("   n = backtest errors (origins with at least 4 observed years; observed target years only); "
                  "rel_naive/rel_drift = MASE / MASE of the naive / random-walk-with-drift forecast at that horizon; "
                  "cover80/cover95 = share inside the model's own 80 %/95 % interval (before widening)\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    from lib import metrics
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check data files")
    p.add_argument("files", nargs="+")
    p.add_argument("--lang", choices=("en", "vi"), default="en")
    p.add_argument("--quiet", action="store_true", help="print nothing for valid files")
    p.add_argument("--no-estimates", action="store_true", help="skip comparisons with the bundled denominators")
    p.set_defaults(func=_validate)
    p = sub.add_parser("import", help="reports as offices keep them -> one tidy table (CSV)")
    p.add_argument("files", nargs="+")
    p.add_argument("--mapping", help="a saved reading of the columns (JSON, downloaded from the Data page)")
    p.add_argument("--former", choices=("keep", "merge"), help="former districts: keep apart (default) or add "
                                                               "into their successor after the merger")
    p.add_argument("--out", required=True, help="FILE.csv")
    p.add_argument("--lang", choices=("en", "vi"), default="en")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--no-estimates", action="store_true", help="skip comparisons with bundled and published figures")
    p.set_defaults(func=_import)
    p = sub.add_parser("template", help="write an example file to fill in")
    p.add_argument("kind", choices=("coverage", "collections", "targets"))
    p.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    p.set_defaults(func=_template)
    p = sub.add_parser("geo", help="boundary layers")
    p.add_argument("action", choices=("check",))
    p.set_defaults(func=_geo)
    p = sub.add_parser("forecast", help="chances of meeting the 2025 and 2030 targets, one row per unit (CSV)")
    p.add_argument("--level", choices=("national", "province", "district"), required=True)
    p.add_argument("--metric", choices=metrics.headline_ids("coverage"), required=True)  # from the catalog
    p.add_argument("--out", required=True, help="FILE.csv")
    p.add_argument("--data", nargs="*", help="your own data or targets files, added to the bundled data")
    p.add_argument("--workers", type=int, default=2, help="processes for the forecasts (default 2)")
    p.add_argument("--no-cache", action="store_true", help="recompute instead of using var/cache/outlook")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_forecast)
    p = sub.add_parser("backtest", help="rolling-origin backtest of every model on the published national series")
    p.add_argument("--engine", choices=("statsmodels", "numpy", "both"), default="both")
    p.set_defaults(func=_backtest)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
