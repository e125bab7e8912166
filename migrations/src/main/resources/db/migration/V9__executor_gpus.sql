-- The GPUs of each executor as its last heartbeat listed them, with the job holding each: a JSON
-- array of {ordinal, name, memoryMb, computeCapability, jobId} (the api's ExecutorResource.GpuView).
ALTER TABLE executors ADD COLUMN gpu_devices TEXT NOT NULL DEFAULT '[]';
