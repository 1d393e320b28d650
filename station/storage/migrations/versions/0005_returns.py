"""Return sessions and their inspected units with LPNs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 20:51:49.061743
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('return_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('rma_number', sa.String(length=64), nullable=True),
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('source_kind', sa.String(length=8), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('operator_badge', sa.String(length=64), nullable=False),
    sa.Column('operator_name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_sessions'))
    )
    with op.batch_alter_table('return_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_sessions_subject'), ['subject'], unique=False)
        batch_op.create_index('uq_return_sessions_open', ['subject'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    op.create_table('return_units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('lpn', sa.String(length=32), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=128), nullable=True),
    sa.Column('unit', sa.JSON(), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['return_sessions.id'], name=op.f('fk_return_units_session_id_return_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_units')),
    sa.UniqueConstraint('lpn', name=op.f('uq_return_units_lpn')),
    sa.UniqueConstraint('session_id', 'seq', name=op.f('uq_return_units_session_id'))
    )
    with op.batch_alter_table('return_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_units_serial'), ['serial'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('return_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_units_serial'))

    op.drop_table('return_units')
    with op.batch_alter_table('return_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_return_sessions_open', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_return_sessions_subject'))

    op.drop_table('return_sessions')
