-- Bus messages the api's consumers set aside instead of applying: not decodable, refused by the
-- database (a time out of range), from an executor that does not hold the job's attempt, or naming
-- a model outside the blob store. Kept with their raw bytes and position for an operator to read.
CREATE TABLE dead_letters (
  id              BIGSERIAL PRIMARY KEY,
  topic           TEXT NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset    BIGINT NOT NULL,
  message_key     TEXT,
  payload         BYTEA NOT NULL,
  error           TEXT NOT NULL,
  received_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX dead_letters_received_at ON dead_letters (received_at);
