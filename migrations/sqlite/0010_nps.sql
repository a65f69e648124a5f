-- Issue 11: relationship NPS. A client's survey schedule (every n months, the next day a round
-- is sent) and the contacts it goes to; one invitation per contact and round, reached by a
-- single-use link (only the token's SHA-256 is kept) or in the portal, answered once (0–10 and
-- a comment), editable for 24 hours after the answer; the workspace's optimal band.
CREATE TABLE nps_schedules (
    workspace_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    every_months INTEGER NOT NULL,
    next_on INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE INDEX nps_schedules_due ON nps_schedules (workspace_id, next_on);
CREATE TABLE nps_recipients (
    workspace_id BLOB NOT NULL,
    contact_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    PRIMARY KEY (workspace_id, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX nps_recipients_client ON nps_recipients (workspace_id, client_id);
CREATE TABLE nps_invitations (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    contact_id BLOB NOT NULL,
    round_on INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reminded_at BIGINT,
    answered_at BIGINT,
    score INTEGER,
    comment TEXT,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE UNIQUE INDEX nps_invitations_token ON nps_invitations (token_hash);
-- One invitation per contact and round, even with two servers sending.
CREATE UNIQUE INDEX nps_invitations_round ON nps_invitations (workspace_id, contact_id, round_on);
-- NPS and participation per client over any period: one pass in client order, no sort.
CREATE INDEX nps_invitations_client ON nps_invitations (workspace_id, client_id, sent_at, answered_at, score);
CREATE TABLE nps_bands (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    nps_low INTEGER NOT NULL,
    nps_high INTEGER NOT NULL,
    margin_min INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id)
);
