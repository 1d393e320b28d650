"""The last good catalog in the local database, so that a station starting offline still works."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from station.domain.barcodes import gtin_key
from station.domain.catalog import (
    Barcode,
    Box,
    Catalog,
    Component,
    Insert,
    Product,
    Staff,
)
from station.storage.models import (
    BarcodeRow,
    BoxRow,
    CatalogMetaRow,
    InsertRow,
    KitComponentRow,
    ProductRow,
    StaffRow,
)


def save_catalog(session: Session, catalog: Catalog, etag: str | None) -> None:
    """Replace the stored catalog with this one, in the caller's transaction."""
    for table in (KitComponentRow, BarcodeRow, ProductRow, InsertRow, BoxRow, StaffRow, CatalogMetaRow):
        session.execute(delete(table))
    for product in catalog.products.values():
        session.add(ProductRow(
            sku=product.sku, name=product.name, weight_g=product.weight_g,
            tracking=product.tracking, is_kit=product.is_kit,
            barcodes=[BarcodeRow(code=b.code, quantity=b.quantity, gtin14=gtin_key(b.code))
                      for b in product.barcodes],
            components=[KitComponentRow(component_sku=c.sku, quantity=c.quantity)
                        for c in product.components],
        ))
    session.add_all(InsertRow(code=i.code, name=i.name, barcode=i.barcode, priority=i.priority,
                              stock=i.stock, max_per_order=i.max_per_order, rule=dict(i.rule))
                    for i in catalog.inserts.values())
    session.add_all(BoxRow(code=b.code, name=b.name, barcode=b.barcode, tare_g=b.tare_g,
                           dims_mm=list(b.dims_mm)) for b in catalog.boxes.values())
    session.add_all(StaffRow(badge=s.badge, name=s.name, role=s.role, pin_argon2=s.pin_argon2)
                    for s in catalog.staff.values())
    session.add(CatalogMetaRow(id=1, version=catalog.version, etag=etag, fetched_at=datetime.now(UTC)))
    session.flush()


def load_catalog(session: Session) -> tuple[Catalog, str | None]:
    """The stored catalog and its ETag; an empty catalog when none was ever fetched."""
    meta = session.get(CatalogMetaRow, 1)
    if meta is None:
        return Catalog.empty(), None
    products = [
        Product(row.sku, row.name, row.weight_g, row.tracking,
                tuple(Barcode(b.code, b.quantity) for b in row.barcodes),
                tuple(Component(c.component_sku, c.quantity) for c in row.components))
        for row in session.execute(
            select(ProductRow).options(selectinload(ProductRow.barcodes),
                                       selectinload(ProductRow.components))
        ).scalars()
    ]
    inserts = [Insert(r.code, r.name, r.barcode, r.priority, r.stock, r.max_per_order, r.rule)
               for r in session.execute(select(InsertRow)).scalars()]
    boxes = [Box(r.code, r.name, r.barcode, r.tare_g, tuple(r.dims_mm))
             for r in session.execute(select(BoxRow)).scalars()]
    staff = [Staff(r.badge, r.name, r.role, r.pin_argon2)
             for r in session.execute(select(StaffRow)).scalars()]
    return Catalog(meta.version, products, inserts, boxes, staff), meta.etag
