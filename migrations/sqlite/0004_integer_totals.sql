-- Issue 8: an integer column that overflows must fail, never become a floating-point value.
-- PostgreSQL raises `bigint out of range` by itself; SQLite stores `a + b` past 2^63 as REAL,
-- so on SQLite each running total and money column gets a check before every write.
-- Issue 8: a revoked API token is deleted, never kept to come back; older revoked rows go.
DELETE FROM api_tokens WHERE revoked_at IS NOT NULL;
-- sqlite-only begin
CREATE TRIGGER project_months_integers_insert BEFORE INSERT ON project_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.value) <> 'integer' OR typeof(NEW.unplanned_minutes) <> 'integer' OR typeof(NEW.free_minutes) <> 'integer' OR typeof(NEW.written_off_minutes) <> 'integer' OR typeof(NEW.billable_value) <> 'integer' OR typeof(NEW.unplanned_value) <> 'integer' OR typeof(NEW.free_value) <> 'integer' OR typeof(NEW.written_off_value) <> 'integer' OR typeof(NEW.cost) <> 'integer' OR typeof(NEW.unbilled_scope_minutes) <> 'integer' OR typeof(NEW.unbilled_scope_value) <> 'integer' OR typeof(NEW.revenue) <> 'integer' OR typeof(NEW.over_servicing) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in project_months'); END;
CREATE TRIGGER project_months_integers_update BEFORE UPDATE ON project_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.value) <> 'integer' OR typeof(NEW.unplanned_minutes) <> 'integer' OR typeof(NEW.free_minutes) <> 'integer' OR typeof(NEW.written_off_minutes) <> 'integer' OR typeof(NEW.billable_value) <> 'integer' OR typeof(NEW.unplanned_value) <> 'integer' OR typeof(NEW.free_value) <> 'integer' OR typeof(NEW.written_off_value) <> 'integer' OR typeof(NEW.cost) <> 'integer' OR typeof(NEW.unbilled_scope_minutes) <> 'integer' OR typeof(NEW.unbilled_scope_value) <> 'integer' OR typeof(NEW.revenue) <> 'integer' OR typeof(NEW.over_servicing) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in project_months'); END;
CREATE TRIGGER client_months_integers_insert BEFORE INSERT ON client_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.value) <> 'integer' OR typeof(NEW.unplanned_minutes) <> 'integer' OR typeof(NEW.free_minutes) <> 'integer' OR typeof(NEW.written_off_minutes) <> 'integer' OR typeof(NEW.billable_value) <> 'integer' OR typeof(NEW.unplanned_value) <> 'integer' OR typeof(NEW.free_value) <> 'integer' OR typeof(NEW.written_off_value) <> 'integer' OR typeof(NEW.cost) <> 'integer' OR typeof(NEW.unbilled_scope_minutes) <> 'integer' OR typeof(NEW.unbilled_scope_value) <> 'integer' OR typeof(NEW.revenue) <> 'integer' OR typeof(NEW.over_servicing) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in client_months'); END;
CREATE TRIGGER client_months_integers_update BEFORE UPDATE ON client_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.value) <> 'integer' OR typeof(NEW.unplanned_minutes) <> 'integer' OR typeof(NEW.free_minutes) <> 'integer' OR typeof(NEW.written_off_minutes) <> 'integer' OR typeof(NEW.billable_value) <> 'integer' OR typeof(NEW.unplanned_value) <> 'integer' OR typeof(NEW.free_value) <> 'integer' OR typeof(NEW.written_off_value) <> 'integer' OR typeof(NEW.cost) <> 'integer' OR typeof(NEW.unbilled_scope_minutes) <> 'integer' OR typeof(NEW.unbilled_scope_value) <> 'integer' OR typeof(NEW.revenue) <> 'integer' OR typeof(NEW.over_servicing) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in client_months'); END;
CREATE TRIGGER person_months_integers_insert BEFORE INSERT ON person_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in person_months'); END;
CREATE TRIGGER person_months_integers_update BEFORE UPDATE ON person_months
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billable_minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in person_months'); END;
CREATE TRIGGER person_days_integers_insert BEFORE INSERT ON person_days
    WHEN typeof(NEW.minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in person_days'); END;
CREATE TRIGGER person_days_integers_update BEFORE UPDATE ON person_days
    WHEN typeof(NEW.minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in person_days'); END;
CREATE TRIGGER time_entries_integers_insert BEFORE INSERT ON time_entries
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.rate_minor) <> 'integer' OR typeof(NEW.cost_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in time_entries'); END;
CREATE TRIGGER time_entries_integers_update BEFORE UPDATE ON time_entries
    WHEN typeof(NEW.minutes) <> 'integer' OR typeof(NEW.billed_minutes) <> 'integer' OR typeof(NEW.rate_minor) <> 'integer' OR typeof(NEW.cost_minor) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in time_entries'); END;
CREATE TRIGGER deliverables_integers_insert BEFORE INSERT ON deliverables
    WHEN typeof(NEW.logged_minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in deliverables'); END;
CREATE TRIGGER deliverables_integers_update BEFORE UPDATE ON deliverables
    WHEN typeof(NEW.logged_minutes) <> 'integer'
    BEGIN SELECT RAISE(ABORT, 'integer overflow in deliverables'); END;
-- sqlite-only end
