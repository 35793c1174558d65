"""Saved readings of a report's columns (lib.ingest.report.Mapping), kept in the database the scenarios use.

One append-only table, its own::

    ingest_mappings(id, name_key, name, version, created_at (UTC), payload (JSON), payload_sha256)
    UNIQUE (name_key, version)

A save inserts version n + 1 in one transaction (SQLite: BEGIN IMMEDIATE; the unique constraint refuses a racing
second writer), so a mapping is never half-written or overwritten; loading a name gives its latest intact version.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError

from lib import settings
from lib.ingest.report import Mapping
from lib.scenarios.store import _make_engine, clean_name, name_key

metadata = MetaData()
mappings = Table(
    "ingest_mappings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name_key", String(480), nullable=False),
    Column("name", String(480), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_sha256", String(64), nullable=False),
    UniqueConstraint("name_key", "version", name="uq_ingest_mappings_name_version"),
)


@dataclass
class Saved:
    name: str
    version: int
    mapping: Mapping


class MappingStore:
    def __init__(self, url: str | None = None):
        self.url = url or settings.database_url()
        self.engine = _make_engine(self.url, settings.busy_timeout_s())
        metadata.create_all(self.engine, checkfirst=True)

    def save(self, name: str, mapping: Mapping) -> Saved:
        """Insert the next version of `name` (lib.scenarios.store.InvalidName for an empty or overlong name)."""
        name = clean_name(name)
        key = name_key(name)
        payload = mapping.to_json()
        for _ in range(3):
            try:
                with self.engine.connect().execution_options(vnsi_immediate=True) as conn, conn.begin():
                    latest = conn.execute(select(func.max(mappings.c.version)).where(
                        mappings.c.name_key == key)).scalar() or 0
                    conn.execute(mappings.insert().values(
                        name_key=key, name=name, version=latest + 1, created_at=datetime.now(timezone.utc),
                        payload=payload, payload_sha256=hashlib.sha256(payload.encode()).hexdigest()))
                return Saved(name, latest + 1, mapping)
            except IntegrityError:
                continue  # another save took that version: take the next
        raise RuntimeError("the mapping could not be saved: too many saves at once")

    def names(self) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(mappings.c.name_key, mappings.c.name, mappings.c.version)
                                .order_by(mappings.c.name_key, mappings.c.version)).all()
        latest = {}
        for k, n, _v in rows:
            latest[k] = n
        return sorted(latest.values(), key=str.casefold)

    def load(self, name: str) -> Saved | None:
        """The latest intact version of `name`."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(mappings).where(mappings.c.name_key == name_key(name))
                                .order_by(mappings.c.version.desc())).all()
        for r in rows:
            if hashlib.sha256(r.payload.encode()).hexdigest() == r.payload_sha256:
                return Saved(r.name, r.version, Mapping.from_json(r.payload))
        return None

    def close(self) -> None:
        self.engine.dispose()
