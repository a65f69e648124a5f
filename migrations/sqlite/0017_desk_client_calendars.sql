-- Issue 12: a client's own business calendar for its tickets' SLA clocks and service times (its
-- contract's hours, zone and days off), else the workspace's (business_calendars). Same shape as
-- the workspace's calendar.
CREATE TABLE desk_client_calendars (
    workspace_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    time_zone TEXT NOT NULL,
    week TEXT NOT NULL,
    french_holidays BOOLEAN NOT NULL,
    days_off TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
