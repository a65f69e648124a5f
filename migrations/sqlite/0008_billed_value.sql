-- Issue 10: billed value on the radar. Every issued document's net attributed to the projects and
-- work months it bills (credit notes negative), and its running sum on the project and client
-- months beside earned revenue, so realisation (billed / billable value at standard rates) and
-- unbilled work in progress (earned revenue - billed value) read from the month rows.
CREATE TABLE billed_shares (
    workspace_id BLOB NOT NULL,
    document_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, document_id, project_id, month)
);
CREATE INDEX billed_shares_project ON billed_shares (workspace_id, project_id, month);
ALTER TABLE project_months ADD COLUMN billed_value BIGINT NOT NULL DEFAULT 0;
ALTER TABLE client_months ADD COLUMN billed_value BIGINT NOT NULL DEFAULT 0;
