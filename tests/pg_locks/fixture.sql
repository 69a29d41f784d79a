-- Fixture schema for the PostgreSQL lock catalogue (tests/pg_locks/catalogue.sql).
-- Loaded once into a template database; every catalogue statement runs against a copy of it.
-- Every table has rows, so a rewrite is visible as a new, non-empty relfilenode.
-- Relation names are distinct from column names so a statement "names" a relation only when it
-- refers to it (see tests/pg_locks/README.md, "comparison rule").

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zl_reader') THEN CREATE ROLE zl_reader; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zl_owner') THEN CREATE ROLE zl_owner; END IF;
END $$;

CREATE SCHEMA app;

CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE SEQUENCE invoice_numbers;

CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  name varchar(50),
  nickname text,
  balance numeric(10, 2) NOT NULL DEFAULT 0,
  score integer,
  created_at timestamp NOT NULL DEFAULT now(),
  note text,
  code char(4),
  tags text[],
  CONSTRAINT accounts_email_key UNIQUE (email),
  CONSTRAINT accounts_balance_check CHECK (balance >= 0),
  CONSTRAINT accounts_nickname_not_null CHECK (nickname IS NOT NULL)
);
CREATE INDEX accounts_created_at_idx ON accounts (created_at);
CREATE INDEX accounts_lower_email_idx ON accounts (lower(email));
CREATE INDEX accounts_score_partial_idx ON accounts (score) WHERE score > 10;
INSERT INTO accounts (email, name, nickname, balance, score, note, code, tags)
  SELECT 'user' || g || '@example.com', 'name ' || g, 'nick' || g, g, g % 100, 'note ' || g, 'C' || (g % 100), ARRAY['a', 'b']
  FROM generate_series(1, 500) g;

CREATE TABLE coupons (
  id integer PRIMARY KEY,
  code text NOT NULL,
  percent integer NOT NULL
);
CREATE UNIQUE INDEX coupons_code_uidx ON coupons (code);
INSERT INTO coupons SELECT g, 'COUPON' || g, g % 50 FROM generate_series(1, 100) g;

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL CONSTRAINT orders_account_id_fkey REFERENCES accounts (id),
  coupon_id integer,
  status order_status NOT NULL DEFAULT 'new',
  amount numeric(12, 2),
  placed_at timestamptz NOT NULL DEFAULT now(),
  comment varchar(100)
);
CREATE INDEX orders_account_id_idx ON orders (account_id);
INSERT INTO orders SELECT g, 1 + g % 500, 1 + g % 100, 'paid', g * 1.5, now(), 'c' || g FROM generate_series(1, 2000) g;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;

CREATE TABLE items (
  id integer PRIMARY KEY,
  order_id bigint NOT NULL,
  sku varchar(20) NOT NULL,
  title varchar(200),
  body text,
  qty integer NOT NULL DEFAULT 1,
  price numeric(10, 2),
  weight real,
  measured_at timestamp,
  data json,
  payload jsonb,
  flag boolean,
  small smallint,
  label varchar
);
CREATE INDEX items_sku_idx ON items (sku);
CREATE INDEX items_order_id_idx ON items (order_id);
INSERT INTO items SELECT g, 1 + g % 2000, 'SKU' || g, 'title ' || g, 'body ' || g, 1 + g % 5, g * 0.25, g * 0.5,
  '2024-01-01'::timestamp + g * interval '1 minute', '{"a": 1}', '{"a": 1}', g % 2 = 0, g % 100, 'l' || g
  FROM generate_series(1, 3000) g;

-- No primary key yet: ADD PRIMARY KEY, ADD PRIMARY KEY USING INDEX, exclusion constraints.
CREATE TABLE settings (
  key text NOT NULL,
  value text,
  during int4range
);
CREATE UNIQUE INDEX settings_key_uidx ON settings (key);
INSERT INTO settings SELECT 'k' || g, 'v' || g, int4range(g * 10, g * 10 + 5) FROM generate_series(1, 200) g;

-- Range partitioned table with two partitions, a partitioned index, and tables ready to attach.
CREATE TABLE events (
  id bigint NOT NULL,
  created_at date NOT NULL,
  kind text
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_created_at_idx ON events (created_at);
INSERT INTO events SELECT g, '2023-01-01'::date + (g % 700), 'k' || (g % 7) FROM generate_series(1, 1400) g;
CREATE TABLE events_2025 (id bigint NOT NULL, created_at date NOT NULL, kind text);
INSERT INTO events_2025 SELECT g, '2025-01-01'::date + (g % 300), 'k' FROM generate_series(1, 300) g;
-- Carries a validated CHECK implying the partition bound, so ATTACH skips the scan.
CREATE TABLE events_2026 (id bigint NOT NULL, created_at date NOT NULL, kind text,
  CONSTRAINT events_2026_bound CHECK (created_at >= '2026-01-01' AND created_at < '2027-01-01'));
INSERT INTO events_2026 SELECT g, '2026-01-01'::date + (g % 300), 'k' FROM generate_series(1, 300) g;

-- Inheritance.
CREATE TABLE audit_log (id bigint, happened_at timestamptz DEFAULT now(), what text);
CREATE TABLE audit_log_old () INHERITS (audit_log);
CREATE TABLE audit_extra (id bigint, happened_at timestamptz, what text);
INSERT INTO audit_log SELECT g, now(), 'w' FROM generate_series(1, 100) g;
INSERT INTO audit_log_old SELECT g, now(), 'old' FROM generate_series(1, 100) g;
INSERT INTO audit_extra SELECT g, now(), 'x' FROM generate_series(1, 100) g;

-- Views and materialized views.
CREATE VIEW active_accounts AS SELECT id, email FROM accounts WHERE score > 0;
CREATE MATERIALIZED VIEW account_totals AS
  SELECT account_id, count(*) AS n, sum(amount) AS total FROM orders GROUP BY account_id;
CREATE UNIQUE INDEX account_totals_account_id_uidx ON account_totals (account_id);
CREATE MATERIALIZED VIEW order_stats AS SELECT status, count(*) AS n FROM orders GROUP BY status;

-- Triggers.
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch_row();

-- A schema-qualified table.
CREATE TABLE app.members (id integer PRIMARY KEY, handle varchar(30) NOT NULL, joined_at timestamptz);
CREATE INDEX members_handle_idx ON app.members (handle);
INSERT INTO app.members SELECT g, 'h' || g, now() FROM generate_series(1, 200) g;

-- A small table that catalogue statements may drop or truncate.
CREATE TABLE scratch_notes (id integer PRIMARY KEY, body text);
INSERT INTO scratch_notes SELECT g, 'b' || g FROM generate_series(1, 50) g;

ANALYZE;
