-- Attempts of a job lost so far: the scheduler's (an executor lost) and the api's reconciliation's
-- (no executor reported running it). Both count toward trainyard.jobs.max-attempts.
ALTER TABLE jobs ADD COLUMN lost_attempts INTEGER NOT NULL DEFAULT 0;

-- The GPUs a job holds while it is not ended: resources.gpus × resources.executors of its spec, so
-- that the gpus quota is one sum instead of a parse of every unfinished job's spec on each submit.
ALTER TABLE jobs ADD COLUMN gpus INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET gpus = COALESCE((spec_json::jsonb #>> '{resources,gpus}')::int, 0)
    * COALESCE((spec_json::jsonb #>> '{resources,executors}')::int, 1);
