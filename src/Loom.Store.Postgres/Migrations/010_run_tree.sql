-- The Studio's child-run tab reads a run's whole tree at once: every run of a tree carries its root's id, and the links
-- give the tree's shape from the index alone, without reading the runs themselves.
CREATE INDEX runs_by_root ON runs (workspace_id, root_id, parent_seq, seq);
