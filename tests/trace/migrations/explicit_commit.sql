BEGIN;
CREATE TABLE trace_commit_probe (id int);
CREATE INDEX ix_accounts_created ON accounts (created_at);
COMMIT;
