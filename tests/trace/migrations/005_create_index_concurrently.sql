CREATE INDEX CONCURRENTLY ix_orders_total ON orders (total);
