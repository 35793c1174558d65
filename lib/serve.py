"""Start the app as it is deployed: `python -m lib.serve [streamlit options]` (make run, deploy/vnsi@.service).

Runs `streamlit run app.py` in this process (exec) with the environment lib/memory.py asks for before Python starts
(`memory.process_env`: Python's small objects on malloc, and jemalloc when it is installed and chosen in
settings.toml). A wrong allocator setting stops here with a message, before anything is served.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from lib import memory

ROOT = Path(__file__).resolve().parent.parent


def command(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *argv]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        env = {**os.environ, **memory.process_env()}
    except ValueError as bad:
        print(f"vnsi: {bad}", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    os.execve(sys.executable, command(argv), env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
