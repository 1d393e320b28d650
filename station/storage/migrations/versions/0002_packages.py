"""The packages of a packing session, with their box and their weight.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:51:53.002950
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('packages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('box_code', sa.String(length=64), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('weighed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['packing_sessions.id'], name=op.f('fk_packages_session_id_packing_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages')),
    sa.UniqueConstraint('session_id', 'package_no', name=op.f('uq_packages_session_id'))
    )


def downgrade() -> None:
    op.drop_table('packages')
