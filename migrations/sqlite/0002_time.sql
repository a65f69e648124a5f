-- Engagements, scope, time tracking and the over-servicing radar.
-- Civil dates are INTEGER YYYYMMDD, months INTEGER YYYYMM, weeks the YYYYMMDD of their Monday.
-- Money is BIGINT minor units in the project's currency; durations BIGINT minutes.

ALTER TABLE clients ADD COLUMN rounding TEXT NOT NULL DEFAULT 'none';

CREATE TABLE projects (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    manager_id BLOB,
    starts_on INTEGER,
    ends_on INTEGER,
    currency TEXT NOT NULL,
    billing_model TEXT NOT NULL,
    hourly_rate_minor BIGINT NOT NULL,
    cap_minor BIGINT,
    fixed_price_minor BIGINT,
    fixed_revenue TEXT NOT NULL,
    retainer_fee_minor BIGINT,
    retainer_included_minutes BIGINT,
    rollover TEXT NOT NULL,
    rollover_months INTEGER NOT NULL,
    budget_minutes BIGINT,
    budget_minor BIGINT,
    budget_monthly BOOLEAN NOT NULL,
    rounding TEXT,
    alert_thresholds TEXT NOT NULL,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, client_id) REFERENCES clients (workspace_id, id)
);
CREATE UNIQUE INDEX projects_name_key ON projects (workspace_id, client_id, name_key);
CREATE INDEX projects_name ON projects (workspace_id, name_key, id);

CREATE TABLE project_rates (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    project_id BLOB,
    user_id BLOB NOT NULL,
    rate_minor BIGINT NOT NULL,
    valid_from INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX project_rates_user ON project_rates (workspace_id, user_id, valid_from);

CREATE TABLE cost_rates (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    cost_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX cost_rates_user ON cost_rates (workspace_id, user_id, valid_from);

CREATE TABLE deliverables (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    estimate_minutes BIGINT NOT NULL,
    owner_id BLOB,
    status TEXT NOT NULL,
    accepted_on INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id)
);
CREATE UNIQUE INDEX deliverables_name_key ON deliverables (workspace_id, project_id, name_key);

CREATE TABLE milestones (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    name TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    due_on INTEGER NOT NULL,
    reached_on INTEGER,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id)
);
CREATE INDEX milestones_project ON milestones (workspace_id, project_id, due_on);

CREATE TABLE change_requests (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    extra_minutes BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    status TEXT NOT NULL,
    decided_on INTEGER,
    decided_by BLOB,
    logged_minutes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id)
);
CREATE INDEX change_requests_project ON change_requests (workspace_id, project_id, created_at);

CREATE TABLE time_entries (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    deliverable_id BLOB,
    change_request_id BLOB,
    work_date INTEGER NOT NULL,
    minutes BIGINT NOT NULL,
    billed_minutes BIGINT NOT NULL,
    note TEXT NOT NULL,
    billable BOOLEAN NOT NULL,
    scope TEXT NOT NULL,
    free_reason TEXT,
    free_note TEXT,
    free_approved_by BLOB,
    write_off_reason TEXT,
    write_off_note TEXT,
    write_off_by BLOB,
    rate_minor BIGINT NOT NULL,
    cost_minor BIGINT NOT NULL,
    locked BOOLEAN NOT NULL,
    invoiced_at BIGINT,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX time_entries_user_date ON time_entries (workspace_id, user_id, work_date);
CREATE INDEX time_entries_project_date ON time_entries (workspace_id, project_id, work_date);
CREATE INDEX time_entries_client_date ON time_entries (workspace_id, client_id, work_date);

CREATE TABLE timers (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    deliverable_id BLOB,
    note TEXT NOT NULL,
    billable BOOLEAN NOT NULL,
    started_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (workspace_id, project_id) REFERENCES projects (workspace_id, id)
);

CREATE TABLE timesheet_approvals (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    week_start INTEGER NOT NULL,
    approved_by BLOB NOT NULL,
    approved_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, week_start)
);

CREATE TABLE capacities (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    weekly_minutes BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE leave_days (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    day INTEGER NOT NULL,
    minutes BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, day)
);

-- Running aggregates, kept up to date in the transaction of every write that changes them.
CREATE TABLE project_months (
    workspace_id BLOB NOT NULL,
    project_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    client_id BLOB NOT NULL,
    minutes BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    billed_minutes BIGINT NOT NULL,
    value BIGINT NOT NULL,
    unplanned_minutes BIGINT NOT NULL,
    free_minutes BIGINT NOT NULL,
    written_off_minutes BIGINT NOT NULL,
    billable_value BIGINT NOT NULL,
    unplanned_value BIGINT NOT NULL,
    free_value BIGINT NOT NULL,
    written_off_value BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    over_servicing BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, project_id, month)
);
CREATE INDEX project_months_client ON project_months (workspace_id, client_id, month);

CREATE TABLE client_months (
    workspace_id BLOB NOT NULL,
    client_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    minutes BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    billed_minutes BIGINT NOT NULL,
    value BIGINT NOT NULL,
    unplanned_minutes BIGINT NOT NULL,
    free_minutes BIGINT NOT NULL,
    written_off_minutes BIGINT NOT NULL,
    billable_value BIGINT NOT NULL,
    unplanned_value BIGINT NOT NULL,
    free_value BIGINT NOT NULL,
    written_off_value BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    over_servicing BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, month)
);
CREATE INDEX client_months_month ON client_months (workspace_id, month);

CREATE TABLE person_months (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    minutes BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, month)
);

CREATE TABLE person_days (
    workspace_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    day INTEGER NOT NULL,
    minutes BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, day)
);

-- An alert mark exists while a subject is above a threshold: an alert fires when the mark is
-- created, and the mark is removed when the figure falls back below (re-arming the alert).
CREATE TABLE alert_marks (
    workspace_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    period INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, subject_id, kind, threshold, period)
);

CREATE TABLE notifications (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BLOB NOT NULL,
    subject_label TEXT NOT NULL,
    figure INTEGER NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, created_at);

CREATE TABLE imports (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    rows_imported BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    created_by BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
