"""SQLAlchemy 2.0 models: catalog, cached orders and returns, packing work, outbox, counters, audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


# -- catalog ---------------------------------------------------------------------------------

class ProductRow(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    weight_g: Mapped[int | None]
    tracking: Mapped[str] = mapped_column(String(8), default="none")
    is_kit: Mapped[bool] = mapped_column(Boolean, default=False)
    barcodes: Mapped[list[BarcodeRow]] = relationship(cascade="all, delete-orphan")
    components: Mapped[list[KitComponentRow]] = relationship(
        cascade="all, delete-orphan", foreign_keys="KitComponentRow.kit_sku")


class BarcodeRow(Base):
    __tablename__ = "barcodes"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    gtin14: Mapped[str | None] = mapped_column(String(14), index=True)


class KitComponentRow(Base):
    __tablename__ = "kit_components"
    kit_sku: Mapped[str] = mapped_column(ForeignKey("products.sku", ondelete="CASCADE"), primary_key=True)
    component_sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class InsertRow(Base):
    __tablename__ = "inserts"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    stock: Mapped[int | None]
    max_per_order: Mapped[int] = mapped_column(Integer, default=1)
    rule: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BoxRow(Base):
    __tablename__ = "boxes"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    tare_g: Mapped[int] = mapped_column(Integer, default=0)
    dims_mm: Mapped[list[Any]] = mapped_column(default=list)


class StaffRow(Base):
    __tablename__ = "staff"
    badge: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    pin_argon2: Mapped[str | None] = mapped_column(Text)


class CatalogMetaRow(Base):
    """One row: which catalog version is stored, and its ETag for If-None-Match."""

    __tablename__ = "catalog_meta"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime]


# -- cached backend documents ------------------------------------------------------------------

class CachedOrderRow(Base):
    __tablename__ = "cached_orders"
    order_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime]


class CachedReturnRow(Base):
    __tablename__ = "cached_returns"
    rma_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_number: Mapped[str] = mapped_column(String(64), index=True)
    return_tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime]


# -- packing -------------------------------------------------------------------------------------

class PackingSessionRow(Base):
    __tablename__ = "packing_sessions"
    # One open session per order in the whole database: two stations cannot pack one order at once.
    __table_args__ = (Index("uq_packing_sessions_open_order", "order_number", unique=True,
                            sqlite_where=text("state = 'open'"),
                            postgresql_where=text("state = 'open'")),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_number: Mapped[str] = mapped_column(String(64), index=True)
    station_id: Mapped[str] = mapped_column(String(32))
    operator_badge: Mapped[str] = mapped_column(String(64))
    operator_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | parked | completed
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    open_package: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The insert checklist as planned when the order was opened (rules, dates and stock then).
    inserts_plan: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    units: Mapped[list[PackedUnitRow]] = relationship(
        cascade="all, delete-orphan", order_by="PackedUnitRow.seq")
    packages: Mapped[list[PackageRow]] = relationship(
        cascade="all, delete-orphan", order_by="PackageRow.package_no")
    marks: Mapped[list[InsertMarkRow]] = relationship(
        cascade="all, delete-orphan", order_by="InsertMarkRow.id")


class PackageRow(Base):
    """One package of a packing session: its box and its weight as taken from the scale."""

    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("session_id", "package_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("packing_sessions.id", ondelete="CASCADE"))
    package_no: Mapped[int] = mapped_column(Integer)
    box_code: Mapped[str | None] = mapped_column(String(64))
    weight_g: Mapped[int | None]
    weighed_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(64))  # supervisor who let a mismatch go


class InsertMarkRow(Base):
    """An insert put in (confirmed) or left out (skipped) during a packing session."""

    __tablename__ = "insert_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("packing_sessions.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # confirmed | skipped
    reason: Mapped[str | None] = mapped_column(String(32))
    package_no: Mapped[int] = mapped_column(Integer, default=1)
    at: Mapped[datetime]


class PackedUnitRow(Base):
    """One counted scan: the unit(s) it counted, against which line, in which package."""

    __tablename__ = "packed_units"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("packing_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    kit_sku: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str] = mapped_column(String(128))
    serial: Mapped[str | None] = mapped_column(String(128), index=True)
    lot: Mapped[str | None] = mapped_column(String(128))
    package_no: Mapped[int] = mapped_column(Integer, default=1)
    scanned_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]


# -- outbox, counters, audit --------------------------------------------------------------------

class OutboxRow(Base):
    """An event waiting for, or done with, delivery to the backend. Body fields never change."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("station_id", "stationseq"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        # The relay's claims and the counts: a station's pending (or dead) events in order, without
        # walking its whole delivered history.
        Index("ix_outbox_station_state", "station_id", "state", "stationseq"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32))
    stationseq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    time: Mapped[datetime]
    data: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


class CounterRow(Base):
    """Per-station sequences (stationseq, LPN): strictly increasing, never reused."""

    __tablename__ = "counters"
    station_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class AuditRow(Base):
    """Append-only: each row carries the hash of the station's previous row."""

    __tablename__ = "audit_log"
    # The report and the audit screen read a day's rows by time.
    __table_args__ = (Index("ix_audit_station", "station_id", "id"), Index("ix_audit_at", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    station_id: Mapped[str] = mapped_column(String(32))
    operator_badge: Mapped[str | None] = mapped_column(String(64))
    operator_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PinLockoutRow(Base):
    """Wrong supervisor PINs per badge, shared by every station on the database; never a secret."""

    __tablename__ = "pin_lockouts"
    badge: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


# -- returns -------------------------------------------------------------------------------------

class ReturnSessionRow(Base):
    """One return being processed: the RMA (or, unannounced, the order) it was opened from."""

    __tablename__ = "return_sessions"
    __table_args__ = (Index("uq_return_sessions_open", "subject", unique=True,
                            sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)  # the RMA number, else the order number
    rma_number: Mapped[str | None] = mapped_column(String(64))
    order_number: Mapped[str] = mapped_column(String(64))
    source_kind: Mapped[str] = mapped_column(String(8))  # rma | order
    source: Mapped[dict[str, Any]]  # the backend's RMA (or order) as it was when opened
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    station_id: Mapped[str] = mapped_column(String(32))
    operator_badge: Mapped[str] = mapped_column(String(64))
    operator_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | parked | completed
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    units: Mapped[list[ReturnUnitRow]] = relationship(cascade="all, delete-orphan",
                                                      order_by="ReturnUnitRow.seq")


class ReturnUnitRow(Base):
    """One inspected unit, recorded with its LPN; `unit` holds the workflow's whole record."""

    __tablename__ = "return_units"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("return_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    lpn: Mapped[str] = mapped_column(String(32), unique=True)
    sku: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str | None] = mapped_column(String(128), index=True)
    unit: Mapped[dict[str, Any]]
    graded_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]


class PrintJobRow(Base):
    """A document to print: kept until the printer target took it, retried while it fails."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_due", "station_id", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(32))
    printer: Mapped[str] = mapped_column(String(16))  # label | item | document
    document: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    # A job in one form or both: a PDF target takes the PDF, a ZPL printer the ZPL (else the PDF
    # rasterised). A carrier's ZPL label has no PDF; a carrier's PDF label no ZPL.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    zpl: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued | printed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_to: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    printed_at: Mapped[datetime | None]


# -- hand-over -----------------------------------------------------------------------------------

class ManifestRow(Base):
    """A carrier's manifest: open while scanned, parked when put aside, closed when handed over."""

    __tablename__ = "manifests"
    __table_args__ = (Index("ix_manifests_carrier_state", "carrier", "state"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # MAN-<station>-<counter>
    station_id: Mapped[str] = mapped_column(String(32))
    carrier: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | parked | closed
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_by_badge: Mapped[str | None] = mapped_column(String(64))
    closed_by_name: Mapped[str | None] = mapped_column(String(255))
    closed_at: Mapped[datetime | None]
    packages: Mapped[list[ManifestPackageRow]] = relationship(
        cascade="all, delete-orphan", order_by="ManifestPackageRow.seq")


class ManifestPackageRow(Base):
    """A package scanned onto a manifest; taken off again (CMD-UNDO) it keeps its row, with `removed_at`."""

    __tablename__ = "manifest_packages"
    __table_args__ = (UniqueConstraint("manifest_id", "seq"),
                      Index("ix_manifest_packages_package", "order_number", "package_no"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manifest_id: Mapped[str] = mapped_column(ForeignKey("manifests.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    order_number: Mapped[str] = mapped_column(String(64))
    package_no: Mapped[int] = mapped_column(Integer)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    weight_g: Mapped[int | None]
    scanned_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
