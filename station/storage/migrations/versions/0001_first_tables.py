"""The first tables: catalog, cached orders and returns, packing work, outbox, counters, audit.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 19:24:26.552945
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('operator_badge', sa.String(length=64), nullable=True),
    sa.Column('operator_role', sa.String(length=16), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_subject'), ['subject'], unique=False)
        batch_op.create_index('ix_audit_station', ['station_id', 'id'], unique=False)

    op.create_table('boxes',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('barcode', sa.String(length=64), nullable=False),
    sa.Column('tare_g', sa.Integer(), nullable=False),
    sa.Column('dims_mm', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_boxes')),
    sa.UniqueConstraint('barcode', name=op.f('uq_boxes_barcode'))
    )
    op.create_table('cached_orders',
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_number', name=op.f('pk_cached_orders'))
    )
    op.create_table('cached_returns',
    sa.Column('rma_number', sa.String(length=64), nullable=False),
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('return_tracking_number', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rma_number', name=op.f('pk_cached_returns'))
    )
    with op.batch_alter_table('cached_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cached_returns_order_number'), ['order_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_cached_returns_return_tracking_number'), ['return_tracking_number'], unique=False)

    op.create_table('catalog_meta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=255), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_meta'))
    )
    op.create_table('counters',
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('station_id', 'name', name=op.f('pk_counters'))
    )
    op.create_table('inserts',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('barcode', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.Column('max_per_order', sa.Integer(), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_inserts')),
    sa.UniqueConstraint('barcode', name=op.f('uq_inserts_barcode'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('stationseq', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('station_id', 'stationseq', name=op.f('uq_outbox_station_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_subject'), ['subject'], unique=False)

    op.create_table('packing_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('operator_badge', sa.String(length=64), nullable=False),
    sa.Column('operator_name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packing_sessions'))
    )
    with op.batch_alter_table('packing_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packing_sessions_order_number'), ['order_number'], unique=False)

    op.create_table('products',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('tracking', sa.String(length=8), nullable=False),
    sa.Column('is_kit', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_products'))
    )
    op.create_table('staff',
    sa.Column('badge', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('pin_argon2', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('badge', name=op.f('pk_staff'))
    )
    op.create_table('barcodes',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('gtin14', sa.String(length=14), nullable=True),
    sa.ForeignKeyConstraint(['sku'], ['products.sku'], name=op.f('fk_barcodes_sku_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_barcodes'))
    )
    with op.batch_alter_table('barcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barcodes_gtin14'), ['gtin14'], unique=False)
        batch_op.create_index(batch_op.f('ix_barcodes_sku'), ['sku'], unique=False)

    op.create_table('kit_components',
    sa.Column('kit_sku', sa.String(length=64), nullable=False),
    sa.Column('component_sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['kit_sku'], ['products.sku'], name=op.f('fk_kit_components_kit_sku_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kit_sku', 'component_sku', name=op.f('pk_kit_components'))
    )
    op.create_table('packed_units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('kit_sku', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=128), nullable=False),
    sa.Column('serial', sa.String(length=128), nullable=True),
    sa.Column('lot', sa.String(length=128), nullable=True),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['packing_sessions.id'], name=op.f('fk_packed_units_session_id_packing_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packed_units')),
    sa.UniqueConstraint('session_id', 'seq', name=op.f('uq_packed_units_session_id'))
    )
    with op.batch_alter_table('packed_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packed_units_serial'), ['serial'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('packed_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packed_units_serial'))

    op.drop_table('packed_units')
    op.drop_table('kit_components')
    with op.batch_alter_table('barcodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barcodes_sku'))
        batch_op.drop_index(batch_op.f('ix_barcodes_gtin14'))

    op.drop_table('barcodes')
    op.drop_table('staff')
    op.drop_table('products')
    with op.batch_alter_table('packing_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packing_sessions_order_number'))

    op.drop_table('packing_sessions')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_subject'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    op.drop_table('inserts')
    op.drop_table('counters')
    op.drop_table('catalog_meta')
    with op.batch_alter_table('cached_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cached_returns_return_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_cached_returns_order_number'))

    op.drop_table('cached_returns')
    op.drop_table('cached_orders')
    op.drop_table('boxes')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_station')
        batch_op.drop_index(batch_op.f('ix_audit_log_subject'))

    op.drop_table('audit_log')
