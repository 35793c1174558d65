"""Saved scenarios in a real database: a SQLite file by default, PostgreSQL when a URL is configured (lib/settings.py).

One append-only table holds every version of every scenario::

    scenario_versions(id, name_key, name, version, author, note, created_at (UTC), action, deleted,
                      payload (JSON text), payload_sha256, schema_version)   UNIQUE (name_key, version)

``name_key`` is the name as users mean it (Unicode NFC, spaces collapsed, case folded), so "Kịch bản A" typed with
decomposed accents or in other case is the same scenario; ``name`` keeps the spelling of each save.

Rules that keep scenarios safe:
- Nothing is ever updated or removed. A save inserts version n + 1 in one transaction. Delete inserts a *tombstone*
  version (deleted = true, same payload) and restore inserts a live copy again, so every version stays readable and a
  delete can be undone.
- Optimistic concurrency: a save names the version it started from (``expected_version``; None = "a new name").
  If the latest version differs (someone saved or deleted meanwhile) the save raises ``ConflictError`` and writes
  nothing. Two saves racing past the check still cannot both write version n + 1: the unique constraint refuses the
  second, which is reported as the same conflict. Nothing is overwritten.
- SQLite: WAL journal, ``synchronous=FULL``, a busy timeout, and writes start with ``BEGIN IMMEDIATE`` (the write lock
  is taken before the version check, so concurrent savers queue instead of failing). A process killed mid-save leaves
  an uncommitted transaction that SQLite rolls back on the next open; committed versions are untouched.
- Every payload carries its SHA-256, so ``integrity()`` can prove each stored version is readable and intact.

For tests only: environment variable VNSI_SAVE_HOLD_S makes a save sleep that many seconds inside its transaction,
after its insert and before its commit, so a test can kill the process while a save is open.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, inspect, select, text)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from lib import settings

NAME_MAX = 120
AUTHOR_MAX = 80
NOTE_MAX = 2000
HOLD_ENV = "VNSI_SAVE_HOLD_S"

metadata = MetaData()
versions = Table(
    "scenario_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name_key", String(4 * NAME_MAX), nullable=False),
    Column("name", String(4 * NAME_MAX), nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(4 * AUTHOR_MAX), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),  # save | duplicate | delete | restore
    Column("deleted", Boolean, nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_sha256", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    UniqueConstraint("name_key", "version", name="uq_scenario_versions_name_version"),
    CheckConstraint("version >= 1", name="ck_scenario_versions_version_positive"),
)


# -- errors -----------------------------------------------------------------------------------------------------------
class ScenarioStoreError(Exception):
    """Base class; ``code`` names the message in the scenarios catalog."""
    code = "store_error"


class InvalidName(ScenarioStoreError):
    code = "invalid_name"


class NotFound(ScenarioStoreError):
    code = "not_found"

    def __init__(self, name: str, version: int | None = None, deleted: bool = False):
        self.name, self.version, self.deleted = name, version, deleted
        what = f"{name!r} version {version}" if version else repr(name)
        super().__init__(f"scenario {what} {'was deleted' if deleted else 'not found'}")


class ConflictError(ScenarioStoreError):
    """Someone saved (or deleted) the name since this save's starting version; nothing was written.

    ``latest`` is the version now in the database (its author and time tell the user who changed it)."""
    code = "conflict"

    def __init__(self, name: str, expected: int | None, latest: "SavedScenario | None"):
        self.name, self.expected, self.latest = name, expected, latest
        if expected is None:
            msg = f"a scenario named {name!r} already exists (version {latest.version if latest else '?'})"
        else:
            found = f"version {latest.version} by {latest.author or '?'}" if latest else "nothing"
            msg = f"scenario {name!r} changed since version {expected}: the database now has {found}"
        super().__init__(msg + "; nothing was saved")


class StoreUnavailable(ScenarioStoreError):
    code = "unavailable"


# -- records ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedScenario:
    name: str
    version: int
    author: str
    note: str
    created_at: datetime
    action: str
    deleted: bool
    payload: dict = field(repr=False)
    payload_sha256: str = ""
    schema_version: int = 0
    payload_text: str = field(default="", repr=False)

    @property
    def intact(self) -> bool:
        return sha256(self.payload_text) == self.payload_sha256


def sha256(payload_text: str) -> str:
    return hashlib.sha256(payload_text.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    """The name as stored: NFC, whitespace collapsed; rejects empty, overlong or control characters."""
    if not isinstance(name, str):
        raise InvalidName("the name must be text")
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    if not cleaned:
        raise InvalidName("the name is empty")
    if len(cleaned) > NAME_MAX:
        raise InvalidName(f"the name is longer than {NAME_MAX} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise InvalidName("the name contains control characters")
    return cleaned


def name_key(name: str) -> str:
    return clean_name(name).casefold()


def _clean_text(value, limit: int) -> str:
    value = unicodedata.normalize("NFC", str(value or "")).strip()
    value = "".join(ch for ch in value if ch in "\n\t" or not unicodedata.category(ch).startswith("C"))
    return value[:limit]


def dumps(payload: dict) -> str:
    """Canonical JSON (sorted keys, UTF-8 text): the same scenario always gives the same text and checksum."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _row(r) -> SavedScenario:
    m = r._mapping
    try:
        payload = json.loads(m["payload"])
    except ValueError:
        payload = {}
    return SavedScenario(name=m["name"], version=int(m["version"]), author=m["author"], note=m["note"],
                         created_at=_utc(m["created_at"]), action=m["action"], deleted=bool(m["deleted"]),
                         payload=payload, payload_sha256=m["payload_sha256"],
                         schema_version=int(m["schema_version"]), payload_text=m["payload"])


# -- the store --------------------------------------------------------------------------------------------------------
class ScenarioStore:
    """Saved scenarios in the database at ``url`` (default: lib/settings.database_url())."""

    def __init__(self, url: str | None = None, busy_timeout_s: float | None = None):
        self.url = url or settings.database_url()
        self.busy_timeout_s = settings.busy_timeout_s() if busy_timeout_s is None else busy_timeout_s
        self.engine = _make_engine(self.url, self.busy_timeout_s)
        self._create_tables()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name  # "sqlite" | "postgresql"

    @property
    def location(self) -> str:
        return settings.redacted(self.url)

    def close(self) -> None:
        self.engine.dispose()

    # -- set-up -----------------------------------------------------------------------------------------------------
    def _create_tables(self) -> None:
        try:
            metadata.create_all(self.engine, checkfirst=True)
        except OperationalError as exc:
            if not inspect(self.engine).has_table(versions.name):
                raise StoreUnavailable(f"cannot open the scenario database at {self.location}: {exc.orig}") from exc
        except DBAPIError:
            # Another process created the table between our check and our CREATE: fine if it is there now.
            if not inspect(self.engine).has_table(versions.name):
                raise

    @contextmanager
    def _write(self):
        """A write transaction; on SQLite it starts with BEGIN IMMEDIATE (the write lock, waiting busy_timeout)."""
        try:
            with self.engine.connect().execution_options(vnsi_immediate=True) as conn:
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except OperationalError as exc:
            raise StoreUnavailable(f"the scenario database at {self.location} is not available: {exc.orig}") from exc

    @contextmanager
    def _read(self):
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise StoreUnavailable(f"the scenario database at {self.location} is not available: {exc.orig}") from exc

    # -- queries ----------------------------------------------------------------------------------------------------
    @staticmethod
    def _latest(conn, key: str):
        return conn.execute(select(versions).where(versions.c.name_key == key)
                            .order_by(versions.c.version.desc()).limit(1)).first()

    def latest(self, name: str) -> SavedScenario | None:
        """The latest version of a name, deleted (tombstone) or not; None when the name was never saved."""
        with self._read() as conn:
            row = self._latest(conn, name_key(name))
        return _row(row) if row is not None else None

    def load(self, name: str, version: int | None = None, include_deleted: bool = False) -> SavedScenario:
        """The latest live version (or a given version, live or not). A deleted name raises NotFound(deleted=True)
        unless ``include_deleted`` (then its tombstone, which carries the last payload, is returned)."""
        key = name_key(name)
        with self._read() as conn:
            if version is None:
                row = self._latest(conn, key)
            else:
                row = conn.execute(select(versions).where((versions.c.name_key == key)
                                                          & (versions.c.version == int(version)))).first()
        if row is None:
            raise NotFound(name, version)
        saved = _row(row)
        if saved.deleted and version is None and not include_deleted:
            raise NotFound(name, None, deleted=True)
        return saved

    def list(self, include_deleted: bool = False) -> list[SavedScenario]:
        """The latest version of every name, newest first (deleted names only with ``include_deleted``)."""
        latest = select(versions.c.name_key, func.max(versions.c.version).label("v")) \
            .group_by(versions.c.name_key).subquery()
        query = select(versions).join(latest, (versions.c.name_key == latest.c.name_key)
                                      & (versions.c.version == latest.c.v))
        if not include_deleted:
            query = query.where(versions.c.deleted.is_(False))
        with self._read() as conn:
            rows = conn.execute(query.order_by(versions.c.created_at.desc(), versions.c.id.desc())).fetchall()
        return [_row(r) for r in rows]

    def history(self, name: str) -> list[SavedScenario]:
        """Every version of a name, oldest first (tombstones included)."""
        with self._read() as conn:
            rows = conn.execute(select(versions).where(versions.c.name_key == name_key(name))
                                .order_by(versions.c.version)).fetchall()
        return [_row(r) for r in rows]

    # -- writes -----------------------------------------------------------------------------------------------------
    def save(self, name: str, payload: dict, author: str = "", note: str = "",
             expected_version: int | None = None, action: str = "save") -> SavedScenario:
        """Insert the next version of ``name`` in one transaction.

        ``expected_version``: the version this save started from; None means the name is new (or deleted). Raises
        ConflictError, without writing, when the database's latest version is another."""
        return self._insert(name, payload, author, note, expected_version, action=action, deleted=False)

    def _insert(self, name: str, payload: dict, author: str, note: str, expected_version: int | None, *,
                action: str, deleted: bool, allow_deleted_latest: bool = True) -> SavedScenario:
        clean = clean_name(name)
        key = clean.casefold()
        payload_text = dumps(payload)
        schema_version = int(payload.get("schema_version", 0)) if isinstance(payload, dict) else 0
        now = datetime.now(timezone.utc)
        try:
            with self._write() as conn:
                latest = self._latest(conn, key)
                current = int(latest.version) if latest is not None else 0
                if expected_version is None:
                    if latest is not None and not (latest.deleted and allow_deleted_latest):
                        raise ConflictError(clean, None, _row(latest))
                elif int(expected_version) != current:
                    raise ConflictError(clean, int(expected_version), _row(latest) if latest is not None else None)
                values = dict(name_key=key, name=clean, version=current + 1, author=_clean_text(author, AUTHOR_MAX),
                              note=_clean_text(note, NOTE_MAX), created_at=now, action=action, deleted=deleted,
                              payload=payload_text, payload_sha256=sha256(payload_text),
                              schema_version=schema_version)
                conn.execute(versions.insert().values(**values))
                hold = float(os.environ.get(HOLD_ENV) or 0)
                if hold > 0:
                    time.sleep(hold)  # tests: a save that stays open (see module docstring)
        except IntegrityError as exc:  # a concurrent save took version n + 1 between our check and our insert
            raise ConflictError(clean, expected_version, self.latest(clean)) from exc
        return SavedScenario(name=clean, version=current + 1, author=values["author"], note=values["note"],
                             created_at=now, action=action, deleted=deleted, payload=json.loads(payload_text),
                             payload_sha256=values["payload_sha256"], schema_version=schema_version,
                             payload_text=payload_text)

    def duplicate(self, name: str, new_name: str, author: str = "", note: str | None = None,
                  version: int | None = None) -> SavedScenario:
        """Copy a scenario (its latest live version, or ``version``) to a new name, as that name's first version."""
        source = self.load(name, version)
        payload = dict(source.payload)
        if "name" in payload:
            payload["name"] = clean_name(new_name)
        return self._insert(new_name, payload, author, source.note if note is None else note, None,
                            action="duplicate", deleted=False)

    def delete(self, name: str, author: str = "", expected_version: int | None = None) -> SavedScenario:
        """Soft delete: a tombstone version (the last payload, deleted = true). Every version stays readable and
        ``restore`` undoes it. ``expected_version``: the version the user saw when confirming (None: whatever is
        latest)."""
        latest = self.load(name)  # NotFound when absent or already deleted
        expected = latest.version if expected_version is None else expected_version
        return self._insert(latest.name, latest.payload, author, latest.note, expected, action="delete",
                            deleted=True)

    def restore(self, name: str, author: str = "") -> SavedScenario:
        """Undo a delete: a new live version with the payload the scenario had when deleted."""
        latest = self.latest(name)
        if latest is None:
            raise NotFound(name)
        if not latest.deleted:
            return latest
        return self._insert(latest.name, latest.payload, author, latest.note, latest.version, action="restore",
                            deleted=False)

    # -- checks -----------------------------------------------------------------------------------------------------
    def integrity(self) -> dict:
        """What a check after a crash needs: the engine's own check (SQLite), rows, checksum failures, version gaps."""
        out = {"backend": self.backend, "engine_check": None, "rows": 0, "names": 0, "bad_checksums": [],
               "gaps": []}
        with self._read() as conn:
            if self.backend == "sqlite":
                out["engine_check"] = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            rows = conn.execute(select(versions.c.name_key, versions.c.version, versions.c.payload,
                                       versions.c.payload_sha256).order_by(versions.c.name_key,
                                                                           versions.c.version)).fetchall()
        by_name: dict[str, list[int]] = {}
        for key, version, payload_text, digest in rows:
            by_name.setdefault(key, []).append(int(version))
            if sha256(payload_text) != digest:
                out["bad_checksums"].append((key, int(version)))
            try:
                json.loads(payload_text)
            except ValueError:
                out["bad_checksums"].append((key, int(version)))
        for key, vs in by_name.items():
            if vs != list(range(1, len(vs) + 1)):
                out["gaps"].append((key, vs))
        out["rows"], out["names"] = len(rows), len(by_name)
        out["ok"] = (out["engine_check"] in (None, "ok")) and not out["bad_checksums"] and not out["gaps"]
        return out


def _make_engine(url: str, busy_timeout_s: float) -> Engine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            immediate = conn.get_execution_options().get("vnsi_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=connect_args)


@lru_cache(maxsize=4)
def _shared(url: str) -> ScenarioStore:
    return ScenarioStore(url)


_FAILED: dict[str, tuple[float, Exception]] = {}
RETRY_AFTER_S = 30.0


def default_store() -> ScenarioStore:
    """The configured store, one engine (connection pool) per process and database URL.

    A database that cannot be reached is not retried for RETRY_AFTER_S seconds, so pages do not wait for a
    connection timeout on every rerun while it is down."""
    url = settings.database_url()
    failed = _FAILED.get(url)
    if failed and time.monotonic() - failed[0] < RETRY_AFTER_S:
        raise failed[1]
    try:
        store = _shared(url)
    except Exception as exc:
        error = exc if isinstance(exc, ScenarioStoreError) else StoreUnavailable(
            f"cannot open the scenario database at {settings.redacted(url)}: {exc}")
        _FAILED[url] = (time.monotonic(), error)
        raise error from exc
    _FAILED.pop(url, None)
    return store


def ping(store: ScenarioStore) -> bool:
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
