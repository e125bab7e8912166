-- What a dense (mlp) job needs to know of a dataset before it runs, counted at ingestion
-- (DatasetStats.maxFeatureId, .classes): the largest feature id (-1: no entry) and the label
-- classes when every label is a class index 0..9999 (the largest + 1; 0 when some label is not).
-- Null for datasets ingested before: their jobs are checked when they run.
ALTER TABLE datasets ADD COLUMN max_feature_id BIGINT;
ALTER TABLE datasets ADD COLUMN classes INTEGER;
