-- Per-tenant quotas an admin set (PUT /api/v1/tenants/{tenant}/quota). A NULL limit is the
-- configured default, trainyard.quota.* (unlimited when unset).
CREATE TABLE tenant_quotas (
    tenant_id        TEXT PRIMARY KEY REFERENCES tenants (id),
    storage_bytes    BIGINT,
    concurrent_jobs  INTEGER,
    open_uploads     INTEGER,
    gpus             INTEGER,
    updated_at       TIMESTAMPTZ NOT NULL
);
