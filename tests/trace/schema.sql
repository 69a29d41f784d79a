-- The schema every trace test migration runs against (loaded with --schema, or by psql into the
-- test's own database). Tables have rows so that rewrites produce non-empty files.
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  balance integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL,
  total numeric(10, 2)
);
INSERT INTO accounts SELECT g, 'user' || g || '@example.com', g, now() FROM generate_series(1, 1000) g;
INSERT INTO orders SELECT g, (g % 1000) + 1, g FROM generate_series(1, 2000) g;
