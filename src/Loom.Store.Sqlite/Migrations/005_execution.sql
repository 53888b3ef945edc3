-- Run submission: tokens gain a kind (user, agent, run) and the agent or run they are for; agents are the nodes of
-- compute targets; a job is a submitted run waiting in its target's queue, then placed on one node per rank.
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
ALTER TABLE tokens ADD COLUMN subject TEXT;
CREATE INDEX tokens_subject ON tokens (subject) WHERE subject IS NOT NULL;

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    compute_name TEXT NOT NULL,
    host TEXT NOT NULL,
    cores INTEGER,
    memory_bytes INTEGER,
    gpus INTEGER,
    state TEXT NOT NULL,
    current_run_id TEXT,
    provisioned INTEGER NOT NULL,
    registered_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    idle_since_ms INTEGER NOT NULL
);
CREATE INDEX agents_compute ON agents (workspace_id, compute_name);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    compute_name TEXT NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    node_count INTEGER NOT NULL,
    nodes_claimed INTEGER NOT NULL,
    nodes_ended INTEGER NOT NULL,
    cancel_requested INTEGER NOT NULL,
    master_address TEXT,
    master_port INTEGER,
    queued_ms INTEGER NOT NULL,
    UNIQUE (workspace_id, run_id)
);
CREATE INDEX jobs_queue ON jobs (workspace_id, compute_name, state, id);

CREATE TABLE job_nodes (
    job_id INTEGER NOT NULL,
    node_rank INTEGER NOT NULL,
    agent_id TEXT NOT NULL,
    host TEXT NOT NULL,
    state TEXT NOT NULL,
    exit_code INTEGER,
    error TEXT,
    PRIMARY KEY (job_id, node_rank)
);
CREATE INDEX job_nodes_agent ON job_nodes (agent_id);
