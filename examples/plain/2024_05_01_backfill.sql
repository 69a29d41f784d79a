BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
UPDATE orders SET archived = false;
DROP INDEX orders_legacy_idx;
COMMIT;
