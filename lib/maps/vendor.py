"""Vendor deck.gl for the Map page's component (`python -m lib.maps.vendor`, run by `make build`).

Set-up time only: npm installs the pinned packages of frontend/deckmap/npm/ (package.json + package-lock.json, npm
checks their integrity) into a temporary folder, and esbuild bundles only what the component uses (npm/entry.js:
deck.gl's core, three layers, two extensions and the JSON converter) into one minified script,
frontend/deckmap/vendor/deck.min.js (ignored by git; about half deck.gl's full 2 MB bundle, so the browser parses
less before the first frame). The licences of every package in the bundle are written beside it
(vendor/THIRD_PARTY_LICENSES.txt). At run time nothing is fetched: the app serves these files itself.

Idempotent: a stamp (vendor/STAMP) holds a digest of the build's inputs; while it matches, nothing is done.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "frontend" / "deckmap"
VENDOR = ROOT / "vendor"
NPM = ROOT / "npm"  # the build's inputs: package.json, package-lock.json, entry.js
BUNDLE = "deck.min.js"
LICENCES = "THIRD_PARTY_LICENSES.txt"
STAMP = "STAMP"
INPUTS = ("package.json", "package-lock.json", "entry.js")
# esbuild: one script that defines window.deck; licence comments go to the licences file, not the bundle
ESBUILD = ["--bundle", "--minify", "--format=iife", "--global-name=deck", "--target=es2020", "--legal-comments=none",
           "--log-level=warning"]


def digest() -> str:
    h = hashlib.sha256(" ".join(ESBUILD).encode())
    for name in INPUTS:
        h.update(name.encode() + b"\0" + (NPM / name).read_bytes())
    return h.hexdigest()


def vendored() -> bool:
    """Whether the bundle is there (whatever inputs it was built from: the app can draw)."""
    return (VENDOR / BUNDLE).is_file() and (VENDOR / BUNDLE).stat().st_size > 0


def up_to_date() -> bool:
    try:
        return vendored() and (VENDOR / STAMP).read_text().strip() == digest()
    except FileNotFoundError:
        return False


def _licences(tmp: Path, meta: dict) -> str:
    """Each bundled package's name, version and licence text, from the packages esbuild put in the bundle."""
    packages = set()
    for source in next(iter(meta["outputs"].values()))["inputs"]:
        if "node_modules/" not in source:
            continue
        parts = source.rsplit("node_modules/", 1)[1].split("/")
        packages.add(source.rsplit("node_modules/", 1)[0] + "node_modules/"
                     + "/".join(parts[:2] if parts[0].startswith("@") else parts[:1]))
    out = []
    for rel in sorted(packages, key=lambda p: p.rsplit("node_modules/", 1)[1]):
        folder = tmp / rel
        info = json.loads((folder / "package.json").read_text())
        texts = [f for f in sorted(folder.iterdir()) if f.name.lower().startswith(("license", "licence", "copying"))]
        body = "\n".join(f.read_text(errors="replace").strip() for f in texts) or f"License: {info.get('license')}"
        out.append(f"{info['name']}@{info['version']} ({info.get('license', '?')})\n{'-' * 72}\n{body}\n")
    return "\n\n".join(out)


def vendor(log=print) -> None:
    if up_to_date():
        log(f"deck.gl bundle up to date in {VENDOR}")
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed once at set-up to vendor deck.gl for the map (apt-get install npm)")
    VENDOR.mkdir(parents=True, exist_ok=True)
    stamp = digest()
    with tempfile.TemporaryDirectory(prefix="deckmap-") as tmp_:
        tmp = Path(tmp_)
        for name in INPUTS:
            shutil.copy2(NPM / name, tmp / name)
        # --ignore-scripts: esbuild's binary comes as an optional package; its install script is not needed
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tmp,
                       check=True, timeout=900)
        part = VENDOR / (BUNDLE + ".part")
        subprocess.run(["node", str(tmp / "node_modules" / "esbuild" / "bin" / "esbuild"), "entry.js", *ESBUILD,
                        f"--outfile={part}", "--metafile=meta.json"], cwd=tmp, check=True, timeout=600)
        licences = _licences(tmp, json.loads((tmp / "meta.json").read_text()))
    (VENDOR / LICENCES).write_text("Packages bundled into deck.min.js (frontend/deckmap/npm/package-lock.json)\n\n"
                                   + licences)
    part.replace(VENDOR / BUNDLE)
    for old in ("deck-json.min.js", "deck-json.LICENSE", "deck.LICENSE"):  # the earlier prebuilt bundles
        (VENDOR / old).unlink(missing_ok=True)
    (VENDOR / STAMP).write_text(stamp + "\n")
    log(f"vendored deck.gl -> {VENDOR / BUNDLE} ({(VENDOR / BUNDLE).stat().st_size:,} bytes)")


if __name__ == "__main__":
    vendor()
    sys.exit(0)
