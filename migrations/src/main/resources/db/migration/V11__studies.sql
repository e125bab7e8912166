-- Studies: hyperparameter searches whose trials are ordinary jobs (jobs.study_id). The driver
-- re-derives its decisions from these rows after a restart, so every decision it acts on is here.
CREATE TABLE studies (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants (id),
  name             TEXT NOT NULL,
  request_json     TEXT NOT NULL,       -- the study as the server read it, every default filled
  method           TEXT NOT NULL,       -- random | grid | asha
  objective_metric TEXT NOT NULL,
  maximize         BOOLEAN NOT NULL,
  trials           INTEGER NOT NULL,    -- how many trials it runs in all
  max_parallel     INTEGER NOT NULL,
  status           TEXT NOT NULL,       -- QUEUED RUNNING SUCCEEDED FAILED CANCELLED
  status_reason    TEXT,
  best_job_id      TEXT REFERENCES jobs (id),
  model_id         TEXT,
  idempotency_key  TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  finished_at      TIMESTAMPTZ,
  updated_at       TIMESTAMPTZ NOT NULL,
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX studies_tenant_id ON studies (tenant_id, id DESC);
CREATE INDEX studies_status ON studies (status);

ALTER TABLE jobs ADD COLUMN study_id TEXT REFERENCES studies (id);
CREATE INDEX jobs_study_id ON jobs (study_id) WHERE study_id IS NOT NULL;

-- One row per trial: its place in the study, its values, ASHA's recorded decisions.
CREATE TABLE study_trials (
  job_id        TEXT PRIMARY KEY REFERENCES jobs (id),
  study_id      TEXT NOT NULL REFERENCES studies (id),
  trial_index   INTEGER NOT NULL,
  params_json   TEXT NOT NULL,
  rungs_passed  INTEGER NOT NULL DEFAULT 0,
  stopped_early BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (study_id, trial_index)
);
