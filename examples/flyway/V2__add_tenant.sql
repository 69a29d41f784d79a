-- Typical first attempt at adding a tenant to a busy table.
ALTER TABLE accounts ADD COLUMN tenant_id bigint NOT NULL;
CREATE INDEX accounts_tenant_idx ON accounts (tenant_id);
ALTER TABLE accounts ADD CONSTRAINT accounts_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id);
