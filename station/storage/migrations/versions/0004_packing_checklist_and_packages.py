"""Insert marks, the open package and insert plan of a session, package approval, one open session per order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:15:40.498392
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insert_marks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['packing_sessions.id'], name=op.f('fk_insert_marks_session_id_packing_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insert_marks'))
    )
    with op.batch_alter_table('insert_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insert_marks_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.String(length=64), nullable=True))

    with op.batch_alter_table('packing_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_package', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('inserts_plan', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_index('uq_packing_sessions_open_order', ['order_number'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))



def downgrade() -> None:
    with op.batch_alter_table('packing_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_packing_sessions_open_order', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_column('inserts_plan')
        batch_op.drop_column('open_package')

    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_column('approved_by')

    with op.batch_alter_table('insert_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insert_marks_session_id'))

    op.drop_table('insert_marks')
