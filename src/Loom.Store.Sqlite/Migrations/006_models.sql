-- One row per model name: registrations of a name queue on it. latest_version only grows, so a deleted version's number is never given again.
CREATE TABLE model_names (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
-- A model version; manifest is the canonical text of its files (a snapshot's format), manifest_id its SHA-256.
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT,
    properties TEXT NOT NULL,
    framework TEXT,
    framework_version TEXT,
    run_id TEXT,
    run_path TEXT,
    manifest_id TEXT NOT NULL,
    manifest TEXT NOT NULL,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (workspace_id, name, version)
);
CREATE INDEX models_by_run ON models (workspace_id, run_id);
-- Tags are mutable and searched on, so they get a row each (as run tags do).
CREATE TABLE model_tags (
    model_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
);
CREATE INDEX model_tags_by_key ON model_tags (key, value);
