-- Packed doubles do not compress; trying on every write costs about 40% of ingest time.
ALTER TABLE metric_blocks ALTER COLUMN data SET STORAGE EXTERNAL;
