-- Resumable uploads (docs/UPLOAD-PROTOCOL.md): a file sent as ordered, checksummed chunks.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    format      TEXT NOT NULL,
    hash_bits   INTEGER NOT NULL DEFAULT 0,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    received    BIGINT NOT NULL DEFAULT 0,   -- bytes durably accepted, from the start
    status      TEXT NOT NULL,               -- OPEN, COMPLETED, FAILED
    dataset_id  TEXT REFERENCES datasets (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX uploads_tenant ON uploads (tenant_id, id DESC);
