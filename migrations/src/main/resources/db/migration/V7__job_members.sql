-- The members of a job (its part on each executor, gang-placed), one row per rank, as the
-- STATE ASSIGNED of the job's current attempt placed them: a newer attempt's ASSIGNED overwrites
-- them rank by rank and drops the ranks it no longer has. `attempt` says which attempt placed a
-- row; the api shows a job's members only while that is the attempt of its state (so a requeued
-- job shows none until it is placed again).
--
-- Each row also keeps its member's latest MEMBER event: examples/s and the bytes pushed and
-- pulled so far. MEMBER events come every few seconds from every member, so they are not stored
-- in job_events; stats_event_id makes a redelivered one harmless and stats_time (the sender's
-- clock) keeps an older one from overwriting a newer one.
CREATE TABLE job_members (
    job_id            TEXT NOT NULL REFERENCES jobs (id),
    rank              INTEGER NOT NULL,
    attempt           INTEGER NOT NULL,
    executor_id       TEXT NOT NULL,
    host              TEXT,
    port              INTEGER NOT NULL,
    first_worker      INTEGER NOT NULL,
    workers           INTEGER NOT NULL,
    first_server      INTEGER NOT NULL,
    servers           INTEGER NOT NULL,
    examples_per_sec  DOUBLE PRECISION,
    bytes_pushed      BIGINT,
    bytes_pulled      BIGINT,
    stats_event_id    TEXT,
    stats_time        TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, rank)
);
