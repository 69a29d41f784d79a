-- integer -> bigint is not binary compatible: the table and its indexes are rewritten
ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;
