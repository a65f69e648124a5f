-- Issue 7: running totals the radar reads instead of scanning entries.
-- Minutes logged per deliverable (kept up to date by every time-entry write).
ALTER TABLE deliverables ADD COLUMN logged_minutes BIGINT NOT NULL DEFAULT 0;
UPDATE deliverables SET logged_minutes = COALESCE((SELECT CAST(SUM(t.minutes) AS BIGINT) FROM time_entries t WHERE t.workspace_id = deliverables.workspace_id AND t.deliverable_id = deliverables.id), 0);

-- Non-billable work outside the approved scope (neither deliverable nor change request, not free,
-- not written off): an over-servicing component of its own.
ALTER TABLE project_months ADD COLUMN unbilled_scope_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE project_months ADD COLUMN unbilled_scope_value BIGINT NOT NULL DEFAULT 0;
ALTER TABLE client_months ADD COLUMN unbilled_scope_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE client_months ADD COLUMN unbilled_scope_value BIGINT NOT NULL DEFAULT 0;
UPDATE project_months SET
    unbilled_scope_minutes = COALESCE((SELECT CAST(SUM(t.minutes) AS BIGINT) FROM time_entries t WHERE t.workspace_id = project_months.workspace_id AND t.project_id = project_months.project_id AND t.work_date / 100 = project_months.month AND t.billable = FALSE AND t.scope <> 'free' AND t.write_off_reason IS NULL AND t.deliverable_id IS NULL AND t.change_request_id IS NULL), 0),
    unbilled_scope_value = COALESCE((SELECT CAST(SUM((t.billed_minutes * t.rate_minor * 2 + 60) / 120) AS BIGINT) FROM time_entries t WHERE t.workspace_id = project_months.workspace_id AND t.project_id = project_months.project_id AND t.work_date / 100 = project_months.month AND t.billable = FALSE AND t.scope <> 'free' AND t.write_off_reason IS NULL AND t.deliverable_id IS NULL AND t.change_request_id IS NULL), 0);
-- Under time & materials and retainers that work is over-servicing (a fixed fee counts it already).
UPDATE project_months SET over_servicing = over_servicing + unbilled_scope_value
    WHERE unbilled_scope_value <> 0 AND EXISTS (SELECT 1 FROM projects p WHERE p.workspace_id = project_months.workspace_id AND p.id = project_months.project_id AND p.billing_model IN ('time_materials', 'retainer'));
UPDATE client_months SET
    unbilled_scope_minutes = COALESCE((SELECT CAST(SUM(m.unbilled_scope_minutes) AS BIGINT) FROM project_months m WHERE m.workspace_id = client_months.workspace_id AND m.client_id = client_months.client_id AND m.month = client_months.month), 0),
    unbilled_scope_value = COALESCE((SELECT CAST(SUM(m.unbilled_scope_value) AS BIGINT) FROM project_months m WHERE m.workspace_id = client_months.workspace_id AND m.client_id = client_months.client_id AND m.month = client_months.month), 0),
    over_servicing = over_servicing + COALESCE((SELECT CAST(SUM(m.unbilled_scope_value) AS BIGINT) FROM project_months m JOIN projects p ON p.workspace_id = m.workspace_id AND p.id = m.project_id WHERE m.workspace_id = client_months.workspace_id AND m.client_id = client_months.client_id AND m.month = client_months.month AND p.billing_model IN ('time_materials', 'retainer')), 0);
