-- A snapshot's manifest is a blob named by the snapshot id; this row says which workspace holds it.
-- Numbered 004: 002 is uncompressed_blocks and 003 is taken by environments on PostgreSQL.
CREATE TABLE snapshots (
    workspace_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    files BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
