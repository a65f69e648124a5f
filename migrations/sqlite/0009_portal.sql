-- Issue 11: the client portal. What staff choose a project's portal shows (its time detail, the
-- notes of its entries) and which deliverables stay off the portal; a project without a row
-- shows its time and notes, and every deliverable.
CREATE TABLE portal_projects (
    workspace_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    show_time BOOLEAN NOT NULL,
    show_notes BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, project_id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id) ON DELETE CASCADE
);
CREATE TABLE portal_hidden_deliverables (
    workspace_id BLOB NOT NULL,
    deliverable_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    PRIMARY KEY (workspace_id, deliverable_id),
    FOREIGN KEY (workspace_id, deliverable_id) REFERENCES deliverables (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX portal_hidden_deliverables_project ON portal_hidden_deliverables (workspace_id, project_id);
