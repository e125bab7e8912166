-- The engine's estimate of the memory each member of a job needs (MemoryEstimate.bytesPerMember),
-- in MiB, computed at submit from the spec and the dataset's statistics; null for jobs submitted
-- before the estimate existed.
ALTER TABLE jobs ADD COLUMN memory_mb BIGINT;
