-- The GPUs of each executor as its last heartbeat listed them, with the job holding each: a JSON
-- array of {ordinal, name, memoryMb, computeCapability, jobId} (the api's ExecutorResource.GpuView).
ALTER TABLE executors ADD COLUMN gpu_devices TEXT NOT NULL DEFAULT '[]';

-- The GPU ordinals each member of a job holds on its executor, as the placement gave them: a JSON
-- array of integers, [] for a job on CPU.
ALTER TABLE job_members ADD COLUMN gpus TEXT NOT NULL DEFAULT '[]';
