-- Why a job is being cancelled when its user did not ask (a study stopping a poor trial early):
-- the job's statusReason once it ends CANCELLED, so the job itself says what stopped it.
ALTER TABLE jobs ADD COLUMN cancel_reason TEXT;
