"""Command line for data stewards and analysts.

  python -m lib.cli validate FILE...            one problem per line as FILE:ROW:COLUMN: message; exit 1 if any error
  python -m lib.cli template {coverage,collections,targets} --out FILE   (.csv or .xlsx)
  python -m lib.cli geo check                   boundary layers: features, invalid geometries, deck JSON bytes
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args) -> int:
    from lib.validate import validate_bytes

    denominators = None
    if not args.no_estimates:
        denominators = _denominator_lookup()
    failed = False
    for name in args.files:
        path = Path(name)
        if not path.exists():
            print(f"{name}:::{'không tìm thấy tệp' if args.lang == 'vi' else 'file not found'}")
            failed = True
            continue
        result = validate_bytes(str(path), path.read_bytes(), denominators)
        for problem in result.problems:
            print(problem.line(args.lang))
        if not result.ok:
            failed = True
        elif not args.quiet:
            n = len(result.dataset.observations) + len(result.dataset.targets)
            print(f"{name}: OK ({n} {'giá trị' if args.lang == 'vi' else 'values'})", file=sys.stderr)
    return 1 if failed else 0


def _denominator_lookup():
    """(unit, year, metric) -> estimated population / labour force, for plausibility warnings (if built)."""
    from lib import build

    if not build.DENOMINATORS.exists():
        return None
    import pandas as pd

    den = pd.read_parquet(build.DENOMINATORS)
    den = den[den["period"] == "FY"]
    return {(u, int(y), m): float(v) for u, y, m, v in zip(den["unit"], den["year"], den["metric"], den["value"])}


def _template(args) -> int:
    from lib import templates

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check data files")
    p.add_argument("files", nargs="+")
    p.add_argument("--lang", choices=("en", "vi"), default="en")
    p.add_argument("--quiet", action="store_true", help="print nothing for valid files")
    p.add_argument("--no-estimates", action="store_true", help="skip comparisons with the bundled denominators")
    p.set_defaults(func=_validate)
    p = sub.add_parser("template", help="write an example file to fill in")
    p.add_argument("kind", choices=("coverage", "collections", "targets"))
    p.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    p.set_defaults(func=_template)
    p = sub.add_parser("geo", help="boundary layers")
    p.add_argument("action", choices=("check",))
    p.set_defaults(func=_geo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
