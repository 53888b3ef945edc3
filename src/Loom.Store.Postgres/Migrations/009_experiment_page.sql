-- The Studio's experiment page reads one experiment's top-level runs: it counts them, lists them newest first (seq breaks
-- ties), and joins each to a metric to sort or filter by it. These indexes let those reads use index-only scans.
CREATE INDEX runs_top_level ON runs (workspace_id, experiment, parent_seq, created_ms, seq);
CREATE INDEX metrics_by_run_value ON metrics (run_seq, name, kind, last_value);
