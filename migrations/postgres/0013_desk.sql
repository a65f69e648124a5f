-- Issue 12: the service desk. Tickets from every channel, their events (messages, notes, status
-- moves, transfers, escalations: the SLA clocks and the KPIs are computed from these), the
-- workspace's desk settings and SLA policies (JSON targets per priority in business minutes),
-- categories (a tree), canned replies, and the full-text index over subjects and messages.
CREATE TABLE desk_settings (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    next_number BIGINT NOT NULL,
    unknown_senders TEXT NOT NULL,
    policy TEXT NOT NULL,
    warn_minutes BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id)
);
CREATE TABLE desk_client_policies (
    workspace_id UUID NOT NULL,
    client_id UUID NOT NULL,
    policy TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE TABLE desk_categories (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    parent_id UUID,
    name TEXT NOT NULL,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE desk_canned_replies (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    archived_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
-- due_at: the earliest deadline of a running SLA clock (9223372036854775807 when none runs), so
-- "breaching soon" and the due sort read one indexed column.
CREATE TABLE desk_tickets (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    number BIGINT NOT NULL,
    client_id UUID NOT NULL,
    contact_id UUID,
    requester TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    category_id UUID,
    feature TEXT,
    invoice_id UUID,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    tier TEXT NOT NULL,
    channel TEXT NOT NULL,
    assignee_id UUID,
    merged_into BIGINT,
    follows BIGINT,
    created_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    first_response_minutes BIGINT,
    resolution_minutes BIGINT,
    public_replies INTEGER NOT NULL,
    reopens INTEGER NOT NULL,
    transfers INTEGER NOT NULL,
    escalated BOOLEAN NOT NULL,
    first_response_due BIGINT,
    resolution_due BIGINT,
    due_at BIGINT NOT NULL,
    breached BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE UNIQUE INDEX desk_tickets_number ON desk_tickets (workspace_id, number);
CREATE INDEX desk_tickets_created ON desk_tickets (workspace_id, created_at);
CREATE INDEX desk_tickets_status ON desk_tickets (workspace_id, status, created_at);
CREATE INDEX desk_tickets_assignee ON desk_tickets (workspace_id, assignee_id, created_at);
CREATE INDEX desk_tickets_client ON desk_tickets (workspace_id, client_id, created_at);
CREATE INDEX desk_tickets_due ON desk_tickets (workspace_id, due_at);
CREATE TABLE desk_events (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    ticket_id UUID NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor_id UUID,
    customer BOOLEAN NOT NULL,
    body TEXT,
    from_value TEXT,
    to_value TEXT,
    reason TEXT,
    message_id TEXT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES desk_tickets (workspace_id, id)
);
CREATE INDEX desk_events_ticket ON desk_events (workspace_id, ticket_id, at);
CREATE INDEX desk_events_at ON desk_events (workspace_id, at);
CREATE INDEX desk_tickets_resolved ON desk_tickets (workspace_id, resolved_at);
-- Calls and chats left before an answer (abandonment rate: abandoned / offered contacts, offered
-- being these plus the phone and chat tickets of the period).
CREATE TABLE desk_abandoned (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    channel TEXT NOT NULL,
    client_id UUID,
    at BIGINT NOT NULL,
    waited_seconds BIGINT,
    note TEXT,
    created_by UUID,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX desk_abandoned_at ON desk_abandoned (workspace_id, at);
-- Time logged on a ticket: an ordinary time entry on one of the client's projects (so it counts
-- in the radar and on a retainer's balance), linked to its ticket.
CREATE TABLE desk_ticket_time (
    workspace_id UUID NOT NULL,
    entry_id UUID NOT NULL,
    ticket_id UUID NOT NULL,
    PRIMARY KEY (workspace_id, entry_id),
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES desk_tickets (workspace_id, id)
);
CREATE INDEX desk_ticket_time_ticket ON desk_ticket_time (workspace_id, ticket_id);
-- One satisfaction question per ticket, sent on its first resolution to its contact: a score of
-- 1 to 5 and an optional comment, answered once by the e-mailed link or in the portal.
CREATE TABLE desk_csat (
    workspace_id UUID NOT NULL,
    ticket_id UUID NOT NULL,
    contact_id UUID,
    token_hash TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    score INTEGER,
    comment TEXT,
    answered_at BIGINT,
    PRIMARY KEY (workspace_id, ticket_id),
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES desk_tickets (workspace_id, id)
);
CREATE UNIQUE INDEX desk_csat_token ON desk_csat (token_hash);
CREATE INDEX desk_csat_sent ON desk_csat (workspace_id, sent_at);
CREATE INDEX desk_csat_answered ON desk_csat (workspace_id, answered_at);
-- The full-text index of subjects and messages (tables named fts_* are each engine's own search
-- structure, outside the shared shape): an FTS5 table on SQLite, a table with a GIN index on
-- PostgreSQL ('simple' configuration: French and English words alike, no stemming).
-- postgres-only begin
CREATE TABLE fts_desk (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    ticket_id UUID NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX fts_desk_body ON fts_desk USING GIN (to_tsvector('simple', body));
-- postgres-only end
