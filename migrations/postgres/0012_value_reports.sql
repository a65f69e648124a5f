-- Issue 11: the monthly value report e-mailed to a client's contacts on the first working day of
-- the next month, once per client and month (the key: two servers cannot send it twice).
CREATE TABLE value_reports_sent (
    workspace_id UUID NOT NULL,
    client_id UUID NOT NULL,
    month INTEGER NOT NULL,
    recipients INTEGER NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, month),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
