-- Workflows: definitions with their versions, durable executions (queued in the store, leased
-- by the instance that runs them), per-node results, logs, webhook replay protection and
-- schedule fires.
CREATE TABLE workflows (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    description       TEXT,
    category          TEXT,
    status            TEXT NOT NULL,
    version           BIGINT NOT NULL,
    published_version BIGINT,
    published_at      TIMESTAMPTZ,
    max_concurrency   BIGINT NOT NULL,
    signing_secret    TEXT NOT NULL,
    created_by        TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX workflows_category ON workflows (category);

CREATE TABLE workflow_versions (
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    definition  TEXT NOT NULL,
    created_by  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE workflow_hooks (
    path        TEXT PRIMARY KEY,
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE
);
CREATE INDEX workflow_hooks_workflow ON workflow_hooks (workflow_id);

CREATE TABLE workflow_executions (
    id               TEXT PRIMARY KEY,
    workflow_id      TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version          BIGINT NOT NULL,
    status           TEXT NOT NULL,
    trigger_kind     TEXT NOT NULL,
    input            TEXT NOT NULL,
    options          TEXT NOT NULL,
    output           TEXT,
    error            TEXT,
    started_by       TEXT,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    callback_state   TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ
);
CREATE INDEX workflow_executions_queue ON workflow_executions (status, created_at);
CREATE INDEX workflow_executions_workflow ON workflow_executions (workflow_id, created_at);

CREATE TABLE workflow_node_runs (
    execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
    node_id      TEXT NOT NULL,
    status       TEXT NOT NULL,
    outcome      TEXT,
    input        TEXT,
    output       TEXT,
    error        TEXT,
    attempts     BIGINT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    PRIMARY KEY (execution_id, node_id)
);

CREATE TABLE workflow_logs (
    id           TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
    node_id      TEXT,
    level        TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX workflow_logs_execution ON workflow_logs (execution_id, id);

CREATE TABLE webhook_signatures (
    workflow_id TEXT NOT NULL,
    signature   TEXT NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workflow_id, signature)
);
CREATE INDEX webhook_signatures_seen ON webhook_signatures (seen_at);

CREATE TABLE workflow_schedule_fires (
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    trigger_id   TEXT NOT NULL,
    fire_at      TIMESTAMPTZ NOT NULL,
    execution_id TEXT,
    PRIMARY KEY (workflow_id, trigger_id, fire_at)
);
