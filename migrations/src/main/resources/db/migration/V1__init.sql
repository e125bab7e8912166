-- Trainyard schema, version 1. PostgreSQL is the source of truth for state;
-- Kafka carries work and events (docs/ARCHITECTURE.md).

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    name        TEXT NOT NULL,
    admin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

CREATE TABLE datasets (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    name           TEXT NOT NULL,
    format         TEXT NOT NULL,
    status         TEXT NOT NULL,
    status_reason  TEXT,
    bad_lines      TEXT,             -- JSON array of {line, column, reason}
    upload_bytes   BIGINT NOT NULL DEFAULT 0,
    gzip           BOOLEAN NOT NULL DEFAULT FALSE,
    rows           BIGINT,
    features       BIGINT,
    non_zeros      BIGINT,
    positives      BIGINT,
    negatives      BIGINT,
    bytes          BIGINT,
    shards         INTEGER,
    hash_bits      INTEGER,
    has_fields     BOOLEAN,
    checksum       TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    ready_at       TIMESTAMPTZ
);
CREATE INDEX datasets_tenant_id ON datasets (tenant_id, id DESC);

CREATE TABLE jobs (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT NOT NULL REFERENCES tenants (id),
    name                   TEXT NOT NULL,
    algorithm              TEXT NOT NULL,
    dataset_id             TEXT NOT NULL REFERENCES datasets (id),
    validation_dataset_id  TEXT REFERENCES datasets (id),
    spec_json              TEXT NOT NULL,
    priority               INTEGER NOT NULL,
    status                 TEXT NOT NULL,
    status_reason          TEXT,
    progress               DOUBLE PRECISION NOT NULL DEFAULT 0,
    epoch                  INTEGER,
    attempt                INTEGER NOT NULL DEFAULT 1,
    executor_id            TEXT,
    final_metrics          TEXT,     -- JSON object, the latest value of each metric
    model_id               TEXT,
    idempotency_key        TEXT,
    created_at             TIMESTAMPTZ NOT NULL,
    assigned_at            TIMESTAMPTZ,
    started_at             TIMESTAMPTZ,
    finished_at            TIMESTAMPTZ,
    updated_at             TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX jobs_tenant_id ON jobs (tenant_id, id DESC);
CREATE INDEX jobs_status ON jobs (status);

-- event_id is the idempotency key of the event consumer: a redelivered event is ignored.
CREATE TABLE job_events (
    event_id     TEXT PRIMARY KEY,
    seq          BIGSERIAL NOT NULL UNIQUE,
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    type         TEXT NOT NULL,
    state        TEXT,
    reason       TEXT,
    message      TEXT,
    progress     DOUBLE PRECISION,
    epoch        INTEGER,
    step         BIGINT,
    metrics      TEXT,               -- JSON object {name: value}
    model_path   TEXT,
    executor_id  TEXT,
    time         TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_events_job_seq ON job_events (job_id, seq);

CREATE TABLE metrics (
    id        BIGSERIAL PRIMARY KEY,
    event_id  TEXT NOT NULL REFERENCES job_events (event_id),
    job_id    TEXT NOT NULL REFERENCES jobs (id),
    epoch     INTEGER,
    step      BIGINT,
    name      TEXT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    time      TIMESTAMPTZ NOT NULL
);
CREATE INDEX metrics_job ON metrics (job_id, id);

CREATE TABLE models (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    job_id      TEXT NOT NULL UNIQUE REFERENCES jobs (id),
    path        TEXT NOT NULL,
    algorithm   TEXT NOT NULL,
    hash_bits   INTEGER NOT NULL,
    keys        BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    info_json   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX models_tenant_id ON models (tenant_id, id DESC);

-- The last heartbeat of each executor.
CREATE TABLE executors (
    id            TEXT PRIMARY KEY,
    cores         INTEGER NOT NULL,
    gpus          INTEGER NOT NULL,
    memory_mb     BIGINT NOT NULL,
    free_cores    INTEGER NOT NULL,
    free_gpus     INTEGER NOT NULL,
    running_jobs  INTEGER NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL
);
