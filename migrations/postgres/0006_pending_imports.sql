-- Issue 8: an import writes its rows in short transactions, hidden from every reader until one
-- short transaction publishes them, or deleted when it fails. `imports.state` says where an
-- import is: `running` (rows being written, hidden), `published` (visible), `failed` (rows being
-- deleted, hidden). The rows an import makes (entries, and the people, clients and projects it
-- creates) keep its id: a row is visible when it has none or its import is published. A running
-- import proves it is alive through `heartbeat_at`; one silent for minutes is failed and cleaned.
ALTER TABLE imports ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
ALTER TABLE imports ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX imports_state ON imports (workspace_id, state);
CREATE UNIQUE INDEX imports_running ON imports (workspace_id) WHERE state = 'running';
ALTER TABLE time_entries ADD COLUMN import_id UUID;
CREATE INDEX time_entries_import ON time_entries (workspace_id, import_id) WHERE import_id IS NOT NULL;
ALTER TABLE users ADD COLUMN import_id UUID;
ALTER TABLE clients ADD COLUMN import_id UUID;
ALTER TABLE projects ADD COLUMN import_id UUID;
-- A person an import makes without an e-mail address has none (an empty one), not a made-up
-- undeliverable address: the address must be unique only when there is one.
UPDATE users SET email = '' WHERE email LIKE '%@import.invalid';
DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_email_key ON users (email) WHERE email <> '';
