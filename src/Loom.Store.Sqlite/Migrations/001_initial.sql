CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_ms INTEGER NOT NULL
);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    workspace TEXT NOT NULL,
    role TEXT NOT NULL,
    admin INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    last_used_ms INTEGER,
    revoked_ms INTEGER
);
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_activity_ms INTEGER NOT NULL,
    run_count INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    experiment_id INTEGER NOT NULL,
    experiment TEXT NOT NULL,
    parent_seq INTEGER,
    parent_id TEXT,
    root_id TEXT NOT NULL,
    display_name TEXT,
    description TEXT,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    start_ms INTEGER,
    end_ms INTEGER,
    error TEXT,
    status_history TEXT NOT NULL,
    UNIQUE (workspace_id, id)
);
CREATE INDEX runs_by_created ON runs (workspace_id, created_ms);
CREATE INDEX runs_by_experiment ON runs (workspace_id, experiment, created_ms);
CREATE INDEX runs_by_parent ON runs (parent_id);
CREATE TABLE run_values (
    run_seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_seq, kind, key)
);
CREATE INDEX run_values_by_key ON run_values (kind, key, value);
CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    run_seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    count INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    last_value REAL,
    last_json TEXT NOT NULL,
    block_count INTEGER NOT NULL DEFAULT 0,
    partial_tail INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_seq, name)
);
CREATE INDEX metrics_by_value ON metrics (name, last_value);
CREATE TABLE metric_blocks (
    metric_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    first_step INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    min_value REAL,
    min_step INTEGER NOT NULL,
    min_ms INTEGER NOT NULL,
    min_index INTEGER NOT NULL,
    max_value REAL,
    max_step INTEGER NOT NULL,
    max_ms INTEGER NOT NULL,
    max_index INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (metric_id, seq)
) WITHOUT ROWID;
CREATE TABLE metric_rows (
    metric_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (metric_id, seq)
);
CREATE TABLE artifacts (
    run_seq INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (run_seq, path)
);
CREATE TABLE log_files (
    run_seq INTEGER NOT NULL,
    file TEXT NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (run_seq, file)
);
CREATE TABLE log_chunks (
    run_seq INTEGER NOT NULL,
    file TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_seq, file, start_offset)
);
CREATE TABLE idempotency (
    workspace_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
