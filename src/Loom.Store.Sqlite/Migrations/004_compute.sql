-- Compute targets: a named queue with a provisioning policy; nodes (agents) get their own table with the agent slice.
CREATE TABLE computes (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    min_nodes INTEGER NOT NULL,
    max_nodes INTEGER NOT NULL,
    idle_seconds INTEGER NOT NULL,
    description TEXT,
    tags TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
