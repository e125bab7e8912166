-- A client may declare the file's SHA-256 when it completes the upload instead of when it
-- starts it, so that it need not read the whole file before the first byte travels.
ALTER TABLE uploads ALTER COLUMN sha256 DROP NOT NULL;
