-- Attempts of a job lost so far: the scheduler's (an executor lost) and the api's reconciliation's
-- (no executor reported running it). Both count toward trainyard.jobs.max-attempts.
ALTER TABLE jobs ADD COLUMN lost_attempts INTEGER NOT NULL DEFAULT 0;
