-- Issue 11: the client portal. What staff choose a project's portal shows (its time detail, the
-- notes of its entries) and which deliverables stay off the portal; a project without a row
-- shows its time and notes, and every deliverable.
CREATE TABLE portal_projects (
    workspace_id UUID NOT NULL,
    project_id UUID NOT NULL,
    show_time BOOLEAN NOT NULL,
    show_notes BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, project_id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id) ON DELETE CASCADE
);
CREATE TABLE portal_hidden_deliverables (
    workspace_id UUID NOT NULL,
    deliverable_id UUID NOT NULL,
    project_id UUID NOT NULL,
    PRIMARY KEY (workspace_id, deliverable_id),
    FOREIGN KEY (workspace_id, deliverable_id) REFERENCES deliverables (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX portal_hidden_deliverables_project ON portal_hidden_deliverables (workspace_id, project_id);
-- Questions a contact asks on an invoice, an invoice line, a deliverable, a change request or a
-- project, answered by staff in a thread; the first response time counts business minutes of
-- the workspace's calendar.
CREATE TABLE questions (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    client_id UUID NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id UUID NOT NULL,
    invoice_id UUID,
    project_id UUID,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    asked_by UUID NOT NULL,
    created_at BIGINT NOT NULL,
    first_response_at BIGINT,
    first_response_minutes BIGINT,
    resolved_at BIGINT,
    credit_note_id UUID,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE INDEX questions_client ON questions (workspace_id, client_id, created_at);
CREATE INDEX questions_invoice ON questions (workspace_id, invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX questions_open ON questions (workspace_id, status, created_at);
CREATE TABLE question_messages (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    question_id UUID NOT NULL,
    author_id UUID NOT NULL,
    from_staff BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, question_id) REFERENCES questions (workspace_id, id)
);
CREATE INDEX question_messages_question ON question_messages (workspace_id, question_id, created_at);
-- A workspace's business calendar (the default French office week until set): working ranges
-- per weekday as JSON ([[540, 750], [840, 1080]] minutes from midnight, Monday first), custom
-- days off as JSON dates.
CREATE TABLE business_calendars (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    time_zone TEXT NOT NULL,
    week TEXT NOT NULL,
    french_holidays BOOLEAN NOT NULL,
    days_off TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id)
);
