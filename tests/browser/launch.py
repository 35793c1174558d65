"""How browser tests and benchmarks start chromium and the app: one definition, importable without pytest.

tests/browser/conftest.py (the fixtures) and the scripts under bench/ import from here."""
from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Debian chromium, headless, WebGL in software (SwiftShader), no traffic of its own
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env_extra: dict | None = None, port: int | None = None, script: str | Path = "app.py",
              cwd: str | Path = ROOT, quiet: bool = False, timeout: float = 60):
    """Start `streamlit run <script>`; return (process, base url) once the health endpoint answers. `quiet`: the
    server's output is discarded (else it is piped, and shown if it does not start)."""
    port = port or free_port()
    from lib.memory import process_env  # the app process's environment as lib.serve (make run, the unit) sets it

    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env_extra or {})}
    env = {**env, **process_env(env), **(env_extra or {})}
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if not quiet else subprocess.DEVNULL)
    if not quiet:  # read the server's output as it comes (a full pipe would block the server), keep the last 64 kB
        proc.output_tail = collections.deque(maxlen=64)
        threading.Thread(target=_drain, args=(proc.stdout, proc.output_tail), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    proc.wait(10)
    tail = "" if quiet else ":\n" + b"".join(proc.output_tail).decode(errors="replace")[-2000:]
    raise RuntimeError(f"{script} did not answer its health check within {timeout:.0f} s{tail}")


def _drain(stream, tail) -> None:
    for chunk in iter(lambda: stream.read1(1024), b""):
        tail.append(chunk)


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
