CREATE INDEX ix_orders_account ON orders (account_id);
UPDATE accounts SET no_such_column = 1;
CREATE INDEX ix_never_built ON orders (total);
