"""Test instrumentation only (tests/browser/test_session_memory.py): what an app process still holds, asked from
outside. Put this folder on PYTHONPATH and set VNSI_HELD_DIR; each time DIR/ask appears, the process collects its
garbage and writes DIR/answer (JSON): the stores resolved for uploads that are still alive (lib/ui.py keeps them in a
registry of weak references, so an entry is a store something still holds) and the sessions Streamlit has open or
kept for a reconnect."""
import json
import os
import threading
import time

DIR = os.environ.get("VNSI_HELD_DIR")


def _answer() -> dict:
    import gc
    import sys

    gc.collect()
    ui = sys.modules.get("lib.ui")
    out = {"upload_stores": len(ui._STORES) if ui is not None else None}
    try:
        from streamlit import runtime

        out["sessions"] = len(runtime.get_instance()._session_mgr.list_sessions())
    except Exception as e:  # noqa: BLE001
        out["sessions"] = repr(e)
    return out


def _loop() -> None:
    ask, answer = os.path.join(DIR, "ask"), os.path.join(DIR, "answer")
    while True:
        time.sleep(0.2)
        if os.path.exists(ask):
            os.remove(ask)
            with open(answer + ".tmp", "w") as f:
                json.dump(_answer(), f)
            os.replace(answer + ".tmp", answer)


if DIR:
    threading.Thread(target=_loop, name="vnsi-held", daemon=True).start()
