-- Datasources: connection settings of users' databases. Passwords are stored sealed (AES-256-GCM).
CREATE TABLE datasources (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    host          TEXT NOT NULL,
    port          INTEGER NOT NULL,
    database_name TEXT NOT NULL,
    username      TEXT NOT NULL,
    password_enc  TEXT,
    ssl           BOOLEAN NOT NULL,
    timezone      TEXT,
    pool_size     INTEGER NOT NULL,
    timeout_ms    BIGINT NOT NULL,
    max_retries   INTEGER NOT NULL,
    is_default    BOOLEAN NOT NULL DEFAULT FALSE,
    read_only     BOOLEAN NOT NULL DEFAULT FALSE,
    allowed_roles TEXT NOT NULL DEFAULT '[]',
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX datasources_code_key ON datasources (lower(code));
CREATE UNIQUE INDEX datasources_name_key ON datasources (lower(name));
CREATE UNIQUE INDEX datasources_one_default ON datasources (is_default) WHERE is_default;
