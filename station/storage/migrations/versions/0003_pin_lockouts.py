"""Wrong supervisor PINs per badge and the lockout they lead to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:12:00.000000
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pin_lockouts',
    sa.Column('badge', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('badge', name=op.f('pk_pin_lockouts'))
    )


def downgrade() -> None:
    op.drop_table('pin_lockouts')
