-- The attempt whose events set a job's state. jobs.attempt is the latest attempt published or
-- reported, which runs ahead of it after a restart's re-publish: until the new attempt reports,
-- events of the old one (still running where the scheduler survived) must still apply.
ALTER TABLE jobs ADD COLUMN state_attempt INTEGER NOT NULL DEFAULT 1;
