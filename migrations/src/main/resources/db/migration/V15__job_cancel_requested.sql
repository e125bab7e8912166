-- When the user asked to cancel a job that was already placed (ASSIGNED or RUNNING): its executor
-- reports CANCELLED. If no executor reports running it any more (its executor or the CANCELLED
-- state was lost), the api's reconciliation ends it CANCELLED instead of requeuing it.
ALTER TABLE jobs ADD COLUMN cancel_requested_at TIMESTAMPTZ;
