"""Hand-over manifests and the packages scanned onto them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 21:46:28
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('manifests',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('station_id', sa.String(length=32), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_badge', sa.String(length=64), nullable=True),
    sa.Column('closed_by_name', sa.String(length=255), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manifests'))
    )
    with op.batch_alter_table('manifests', schema=None) as batch_op:
        batch_op.create_index('ix_manifests_carrier_state', ['carrier', 'state'], unique=False)

    op.create_table('manifest_packages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('manifest_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['manifest_id'], ['manifests.id'], name=op.f('fk_manifest_packages_manifest_id_manifests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manifest_packages')),
    sa.UniqueConstraint('manifest_id', 'seq', name=op.f('uq_manifest_packages_manifest_id'))
    )
    with op.batch_alter_table('manifest_packages', schema=None) as batch_op:
        batch_op.create_index('ix_manifest_packages_package', ['order_number', 'package_no'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('manifest_packages', schema=None) as batch_op:
        batch_op.drop_index('ix_manifest_packages_package')

    op.drop_table('manifest_packages')
    with op.batch_alter_table('manifests', schema=None) as batch_op:
        batch_op.drop_index('ix_manifests_carrier_state')

    op.drop_table('manifests')
