-- A snapshot's manifest is a blob named by the snapshot id; this row says which workspace holds it.
CREATE TABLE snapshots (
    workspace_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
