-- A completed upload records the dataset it became; deleting that dataset deletes the record too
-- (it used to refuse the delete with a foreign-key error). A retried completion then answers 404.
ALTER TABLE uploads DROP CONSTRAINT uploads_dataset_id_fkey;
ALTER TABLE uploads ADD CONSTRAINT uploads_dataset_id_fkey
    FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE;
