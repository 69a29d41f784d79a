"""add an index on users.email and a NOT NULL column

Revision ID: 3f2a1c9d7b10
Revises: 1a0b9c8d7e6f
Create Date: 2024-05-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "3f2a1c9d7b10"
down_revision = "1a0b9c8d7e6f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_users_email", "users", ["email"])
    op.add_column("users", sa.Column("tenant_id", sa.BigInteger(), nullable=False))


def downgrade():
    pass
