"""Saved scenarios in a real SQLite file and a real PostgreSQL server: versions, conflicts, soft delete, concurrent
writers (threads and processes) and a writer killed with SIGKILL in the middle of its saves.

PostgreSQL: a throwaway cluster is created in a temporary folder on a free port (Debian package `postgresql`:
/usr/lib/postgresql/*/bin/initdb and pg_ctl). Without those binaries the PostgreSQL tests skip locally and fail
under CI=true."""
from __future__ import annotations

import glob
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from lib.scenarios import store as ss
from lib import settings

ROOT = Path(__file__).resolve().parents[1]


# --- servers -----------------------------------------------------------------------------------------------------------

def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster of our own: (base URL without database, admin URL)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries missing under CI: apt-get install -y postgresql")
        pytest.skip("PostgreSQL not installed (apt-get install postgresql); PostgreSQL tests skipped")
    base = Path(tempfile.mkdtemp(prefix="vnsi-pg-"))
    as_user = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the Debian 'postgres' user
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    subprocess.run(as_user + [initdb, "-D", str(data), "-U", "vnsi", "--auth=trust", "-E", "UTF8",
                              "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True)
    subprocess.run(as_user + [pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60", "-o",
                              f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=60", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://vnsi@127.0.0.1:{port}"
    finally:
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """A fresh database on the session's server."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(url):
    s = ss.ScenarioStore(url)
    yield s
    s.close()


def payload(i: int, size: int = 0) -> dict:
    return {"schema": "vnsi.scenario", "schema_version": 1, "i": i, "text": "Kịch bản ✓ " * size}


# --- settings ----------------------------------------------------------------------------------------------------------

def test_default_database_is_the_sqlite_file_from_settings(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.ENV_DATABASE_URL, raising=False)
    monkeypatch.delenv(settings.ENV_SETTINGS, raising=False)
    assert settings.database_url() == f"sqlite:///{ROOT / 'var' / 'scenarios.sqlite'}"
    custom = tmp_path / "site.toml"
    custom.write_text('[scenarios]\ndatabase = "db/x.sqlite"\n', encoding="utf-8")
    monkeypatch.setenv(settings.ENV_SETTINGS, str(custom))
    assert settings.database_url() == f"sqlite:///{tmp_path / 'db' / 'x.sqlite'}"
    custom.write_text('[scenarios]\ndatabase = "db/x.sqlite"\nurl = "postgresql+psycopg://a:secret@h/db"\n')
    assert settings.database_url() == "postgresql+psycopg://a:secret@h/db"
    assert "secret" not in settings.redacted(settings.database_url())
    monkeypatch.setenv(settings.ENV_DATABASE_URL, "sqlite:////tmp/other.sqlite")
    assert settings.database_url() == "sqlite:////tmp/other.sqlite"  # the environment wins


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    s = ss.ScenarioStore(f"sqlite:///{tmp_path / 'a' / 'b.sqlite'}", busy_timeout_s=7)  # creates the folder
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


# --- versions ----------------------------------------------------------------------------------------------------------

def test_each_save_is_a_new_version_and_old_versions_stay_readable(store):
    v1 = store.save("Kịch bản A", payload(1), author="Lan", note="first")
    v2 = store.save("Kịch bản A", payload(2), author="Minh", note="second", expected_version=1)
    assert (v1.version, v2.version) == (1, 2)
    assert store.load("Kịch bản A").payload["i"] == 2
    old = store.load("Kịch bản A", version=1)
    assert (old.payload["i"], old.author, old.note) == (1, "Lan", "first")
    assert old.created_at.tzinfo is not None and old.created_at.utcoffset().total_seconds() == 0
    assert [h.version for h in store.history("Kịch bản A")] == [1, 2]
    assert [(s.name, s.version) for s in store.list()] == [("Kịch bản A", 2)]
    assert all(h.intact for h in store.history("Kịch bản A"))


def test_names_match_across_case_spacing_and_unicode_forms(store):
    import unicodedata

    store.save("Kịch bản A", payload(1))
    decomposed = unicodedata.normalize("NFD", "KỊCH  BẢN a ")
    with pytest.raises(ss.ConflictError):
        store.save(decomposed, payload(2))  # the same name: saving as new would silently fork it
    assert store.save(decomposed, payload(2), expected_version=1).version == 2
    for bad in ("", "   ", "a\x00b", "x" * (ss.NAME_MAX + 1)):
        with pytest.raises(ss.InvalidName):
            store.save(bad, payload(0))


def test_a_stale_save_raises_a_conflict_and_writes_nothing(store):
    store.save("Plan", payload(1))
    store.save("Plan", payload(2), author="Minh", expected_version=1)
    with pytest.raises(ss.ConflictError) as err:
        store.save("Plan", payload(99), author="Lan", expected_version=1)  # Lan started from version 1
    assert err.value.latest.version == 2 and err.value.latest.author == "Minh"
    assert [h.payload["i"] for h in store.history("Plan")] == [1, 2]
    # Lan saves again after seeing the conflict: version 3, and Minh's version 2 is still there.
    assert store.save("Plan", payload(99), expected_version=2).version == 3
    assert store.load("Plan", version=2).payload["i"] == 2


def test_delete_is_soft_and_can_be_undone(store):
    store.save("Plan", payload(1))
    store.save("Plan", payload(2), expected_version=1)
    with pytest.raises(ss.ConflictError):
        store.delete("Plan", author="Lan", expected_version=1)  # confirmed against a stale version: refused
    store.delete("Plan", author="Lan", expected_version=2)
    with pytest.raises(ss.NotFound) as err:
        store.load("Plan")
    assert err.value.deleted
    assert store.list() == []
    assert [(s.name, s.deleted) for s in store.list(include_deleted=True)] == [("Plan", True)]
    assert [h.payload["i"] for h in store.history("Plan")] == [1, 2, 2]  # nothing physically lost
    assert store.load("Plan", version=1).payload["i"] == 1
    restored = store.restore("Plan", author="Lan")
    assert (restored.version, restored.deleted, store.load("Plan").payload["i"]) == (4, False, 2)
    assert [h.action for h in store.history("Plan")] == ["save", "save", "delete", "restore"]


def test_a_deleted_name_can_be_saved_again_as_new(store):
    store.save("Plan", payload(1))
    store.delete("Plan")
    assert store.save("Plan", payload(5)).version == 3
    assert store.load("Plan").payload["i"] == 5 and store.load("Plan", version=1).payload["i"] == 1


def test_duplicate_starts_a_new_name_at_version_one(store):
    store.save("Plan", {**payload(1), "name": "Plan"})
    store.save("Plan", {**payload(2), "name": "Plan"}, expected_version=1)
    copy = store.duplicate("Plan", "Plan (copy)", author="Minh", version=1)
    assert (copy.name, copy.version, copy.payload["i"], copy.payload["name"]) == ("Plan (copy)", 1, 1, "Plan (copy)")
    with pytest.raises(ss.ConflictError):
        store.duplicate("Plan", "plan (COPY)")
    assert store.load("Plan").payload["i"] == 2


def test_integrity_finds_a_corrupted_payload(tmp_path):
    s = ss.ScenarioStore(f"sqlite:///{tmp_path / 'x.sqlite'}")
    s.save("Plan", payload(1))
    assert s.integrity()["ok"]
    with s.engine.begin() as conn:  # damage a row behind the store's back
        conn.exec_driver_sql("UPDATE scenario_versions SET payload = '{\"i\": 666}'")
    report = s.integrity()
    assert not report["ok"] and report["bad_checksums"] == [("plan", 1)]


# --- concurrency -------------------------------------------------------------------------------------------------------

def test_two_threads_saving_the_same_version_never_lose_a_write(store):
    store.save("Plan", payload(0))
    barrier = threading.Barrier(6)
    outcomes = []

    def worker(i):
        barrier.wait()
        try:
            outcomes.append(("saved", store.save("Plan", payload(i), author=f"w{i}", expected_version=1).version))
        except ss.ConflictError as exc:
            outcomes.append(("conflict", exc.latest.version if exc.latest else None))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, 7)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    saved = [o for o in outcomes if o[0] == "saved"]
    assert saved == [("saved", 2)]  # exactly one wins version 2 ...
    assert sorted(outcomes)[:-1] == [("conflict", 2)] * 5  # ... the others are told, and wrote nothing
    assert [h.version for h in store.history("Plan")] == [1, 2]


WRITER = r"""
import json, os, sys
sys.path.insert(0, os.environ["ROOT"])
from lib.scenarios import store as ss
store = ss.ScenarioStore(os.environ["URL"])
tag, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
done = 0
while n < 0 or done < n:
    latest = store.latest("Shared")
    expected = latest.version if latest else None
    body = {"schema": "vnsi.scenario", "schema_version": 1, "writer": tag, "seq": done, "text": "Kịch bản ✓ " * size}
    print("BEGIN", expected, flush=True)
    try:
        saved = store.save("Shared", body, author=tag, expected_version=expected)
    except ss.ConflictError:
        print("CONFLICT", flush=True)
        continue
    print("SAVED", saved.version, saved.payload_sha256, json.dumps(body), flush=True)
    done += 1
"""


def _writer(url: str, tag: str, n: int, size: int = 10, hold: float = 0.0) -> subprocess.Popen:
    env = {**os.environ, "ROOT": str(ROOT), "URL": url, ss.HOLD_ENV: str(hold)}
    return subprocess.Popen([sys.executable, "-c", WRITER, tag, str(n), str(size)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _acknowledged(out: str) -> list[tuple[int, str, dict]]:
    """Saves the writer reported as committed. A line cut short by the kill is not an acknowledgement (the save may
    or may not have committed; either is consistent)."""
    rows = []
    for line in out.splitlines(keepends=True):
        if line.startswith("SAVED ") and line.endswith("\n"):
            line = line.rstrip("\n")
            _, version, digest, body = line.split(" ", 3)
            rows.append((int(version), digest, json.loads(body)))
    return rows


def test_two_processes_saving_one_name_keep_every_version(url):
    ss.ScenarioStore(url).close()  # create the table once
    procs = [_writer(url, tag, 25) for tag in ("A", "B")]
    outs = [p.communicate(timeout=240)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), [p.stderr.read() if p.stderr else "" for p in procs]
    acked = [row for out in outs for row in _acknowledged(out)]
    store = ss.ScenarioStore(url)
    history = store.history("Shared")
    assert len(acked) == 50 and [h.version for h in history] == list(range(1, 51))
    by_version = {h.version: h for h in history}
    for version, digest, body in acked:  # every acknowledged save is there, unchanged, at its own version
        assert by_version[version].payload_sha256 == digest and by_version[version].payload == body
    assert store.integrity()["ok"]
    store.close()


def test_a_writer_killed_mid_save_leaves_a_consistent_database(url):
    """SIGKILL a process that saves in a loop (each save held open ~20 ms inside its transaction, so most kills land
    mid-transaction), five times at random moments (VNSI_KILL_ROUNDS=100 for the long local run the README reports):
    the database stays consistent and every version acknowledged before the kill is intact and readable."""
    ss.ScenarioStore(url).close()
    rng = random.Random(20250701)
    acked, killed_mid_save = [], 0
    for round_ in range(int(os.environ.get("VNSI_KILL_ROUNDS", "5"))):
        proc = _writer(url, f"round{round_}", -1, size=rng.choice([10, 2000]), hold=0.02)
        deadline = time.time() + 60
        while time.time() < deadline:  # wait until it has saved at least once this round
            line = proc.stdout.readline()
            if line.startswith("SAVED"):
                acked.extend(_acknowledged(line))
                break
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        out = proc.communicate(timeout=30)[0]
        acked.extend(_acknowledged(out))
        lines = [ln for ln in out.splitlines(keepends=True) if ln.strip()]
        killed_mid_save += bool(lines) and (lines[-1].startswith("BEGIN") or not lines[-1].endswith("\n"))
        store = ss.ScenarioStore(url)
        report = store.integrity()
        assert report["ok"], report
        if store.backend == "sqlite":
            assert report["engine_check"] == "ok"
        by_version = {h.version: h for h in store.history("Shared")}
        for version, digest, body in acked:
            assert version in by_version, f"acknowledged version {version} lost"
            assert by_version[version].payload_sha256 == digest and by_version[version].payload == body
        # The database is not left locked: a new save goes through at once.
        latest = store.latest("Shared")
        store.save("Shared", payload(-1), expected_version=latest.version)
        acked.append((latest.version + 1, store.latest("Shared").payload_sha256, payload(-1)))
        store.close()
    assert killed_mid_save >= 1  # the kill really hit a save in progress at least once
