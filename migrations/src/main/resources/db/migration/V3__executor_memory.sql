-- Heartbeats also carry the memory left free by running jobs.
ALTER TABLE executors ADD COLUMN free_memory_mb BIGINT NOT NULL DEFAULT 0;
