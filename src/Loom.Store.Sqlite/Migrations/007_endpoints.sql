-- Online endpoints. traffic is a JSON object of deployment weights; the keys are sealed by the server's SecretBox (AES-GCM under DATA/master.key).
CREATE TABLE endpoints (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    auth_mode TEXT NOT NULL,
    description TEXT,
    tags TEXT NOT NULL,
    traffic TEXT NOT NULL,
    primary_key TEXT NOT NULL,
    secondary_key TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
-- A deployment: spec is its latest generation (JSON), serving_spec the generation last proven, which serves and is restarted with the server.
CREATE TABLE deployments (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    endpoint_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    generation INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT,
    init_log TEXT,
    serving_spec TEXT,
    serving_generation INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    UNIQUE (endpoint_id, name)
);
CREATE INDEX deployments_by_workspace ON deployments (workspace_id);
-- Scoring requests, written in batches; deployment is null when none was picked (refused or unroutable calls).
CREATE TABLE endpoint_requests (
    workspace_id INTEGER NOT NULL,
    endpoint_id INTEGER NOT NULL,
    deployment TEXT,
    time_ms INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    status INTEGER NOT NULL,
    request_bytes INTEGER NOT NULL,
    response_bytes INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX endpoint_requests_by_time ON endpoint_requests (endpoint_id, time_ms);
CREATE INDEX endpoint_requests_by_age ON endpoint_requests (time_ms);
