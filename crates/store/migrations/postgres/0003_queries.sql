-- Query history (per user) and saved query templates.
CREATE TABLE query_history (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    datasource_id TEXT NOT NULL,
    query         TEXT NOT NULL,
    sql_text      TEXT NOT NULL,
    status        TEXT NOT NULL,
    row_count     BIGINT NOT NULL,
    duration_ms   BIGINT NOT NULL,
    error         TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX query_history_user ON query_history (user_id, created_at);

CREATE TABLE query_templates (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT,
    category      TEXT,
    tags          TEXT NOT NULL,
    query         TEXT NOT NULL,
    datasource_id TEXT,
    is_public     BOOLEAN NOT NULL,
    usage_count   BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX query_templates_owner ON query_templates (owner_id);
