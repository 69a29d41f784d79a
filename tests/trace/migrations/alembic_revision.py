"""add order indexes

Revision ID: a1b2c3d4e5f6
Revises:
Create Date: 2024-01-01 00:00:00
"""
from alembic import op

revision = "a1b2c3d4e5f6"
down_revision = None


def upgrade():
    op.execute("CREATE INDEX ix_orders_total_sql ON orders (total)")
    op.create_index("ix_orders_account_op", "orders", ["account_id"])


def downgrade():
    op.drop_index("ix_orders_account_op", table_name="orders")
    op.execute("DROP INDEX ix_orders_total_sql")
