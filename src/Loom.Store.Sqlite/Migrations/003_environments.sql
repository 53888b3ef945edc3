-- One row per environment name: registrations of a name queue on it, and listings read the latest version from it.
CREATE TABLE environment_names (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE TABLE environments (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    hash TEXT NOT NULL,
    spec TEXT NOT NULL,
    description TEXT,
    tags TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (workspace_id, name, version)
);
CREATE INDEX environments_by_hash ON environments (workspace_id, hash);
