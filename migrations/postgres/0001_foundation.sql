-- Foundation: workspaces, people, sessions, tokens, clients, contacts, audit log, jobs, exports.
-- Timestamps are BIGINT microseconds since the Unix epoch (UTC) on both backends.
-- Every tenant-owned key and index leads with workspace_id; the few global lookups
-- (login e-mail, session and token hashes, the job queue's due index) are listed in
-- crates/store/src/schema_rules.rs.

CREATE TABLE workspaces (
    id UUID NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    language TEXT NOT NULL,
    mail_from TEXT,
    smtp_host TEXT,
    smtp_port INTEGER,
    smtp_tls TEXT NOT NULL,
    smtp_username TEXT,
    smtp_password TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    client_id UUID,
    contact_id UUID,
    password_hash TEXT,
    language TEXT,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    workspace_id UUID NOT NULL,
    user_id UUID NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (workspace_id, user_id);

CREATE TABLE api_tokens (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    user_id UUID NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (workspace_id, user_id);

CREATE TABLE login_throttle (
    key TEXT NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at BIGINT NOT NULL
);

CREATE TABLE clients (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_key TEXT NOT NULL,
    legal_name TEXT,
    siren TEXT,
    vat_number TEXT,
    billing_address TEXT,
    currency TEXT NOT NULL,
    language TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    segment TEXT,
    notes TEXT,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX clients_name_key ON clients (workspace_id, name_key);
CREATE INDEX clients_created ON clients (workspace_id, created_at, id);
-- Covers list pages by name and counts: filters read from the index, rows fetched only for a page.
CREATE INDEX clients_list ON clients (workspace_id, name_key, id, archived_at, search_key);

CREATE TABLE contacts (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    client_id UUID NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    search_key TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    job_title TEXT,
    contact_role TEXT NOT NULL,
    language TEXT NOT NULL,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE INDEX contacts_client ON contacts (workspace_id, client_id, sort_key);
CREATE INDEX contacts_sort ON contacts (workspace_id, sort_key, id, archived_at, search_key);

CREATE TABLE audit_log (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    at BIGINT NOT NULL,
    actor_id UUID,
    actor_label TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id UUID NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity_type, entity_id, at);
CREATE INDEX audit_log_at ON audit_log (workspace_id, at);

CREATE TABLE jobs (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_workspace ON jobs (workspace_id, status, created_at);

CREATE TABLE exports (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by UUID,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE password_resets (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    user_id UUID NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX password_resets_hash_key ON password_resets (token_hash);
