-- The safe form: alone in its file, Flyway runs it outside a transaction.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_created_at_idx ON accounts (created_at);
