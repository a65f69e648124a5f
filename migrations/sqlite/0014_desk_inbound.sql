-- Issue 12: inbound e-mail for the service desk. Each message received (IMAP or HTTP) is kept
-- raw (base64, as logos are: one text column on both engines) until it is processed, once per
-- Message-ID; its outcome (ticket, reply, follow-up, held, refused, ignored) stays. Files that
-- came with a message are kept on its ticket. The desk's own address (Reply-To of its mail, and
-- the loop guard) is a setting, as is the key of the public request form's link (none: no form).
ALTER TABLE desk_settings ADD COLUMN address TEXT;
ALTER TABLE desk_settings ADD COLUMN form_key TEXT;
CREATE UNIQUE INDEX desk_settings_form_key ON desk_settings (form_key);
CREATE TABLE desk_inbound (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    message_id TEXT NOT NULL,
    source TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sender TEXT,
    subject TEXT,
    raw TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    ticket_id BLOB,
    processed_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX desk_inbound_message ON desk_inbound (workspace_id, message_id);
CREATE INDEX desk_inbound_status ON desk_inbound (workspace_id, status, received_at);
CREATE INDEX desk_inbound_received ON desk_inbound (workspace_id, received_at);
CREATE INDEX desk_inbound_sender ON desk_inbound (workspace_id, sender, received_at);
CREATE TABLE desk_attachments (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    ticket_id BLOB NOT NULL,
    event_id BLOB NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    data TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES desk_tickets (workspace_id, id)
);
CREATE INDEX desk_attachments_ticket ON desk_attachments (workspace_id, ticket_id);
CREATE INDEX desk_events_message ON desk_events (workspace_id, message_id);
CREATE INDEX contacts_email ON contacts (workspace_id, email);
