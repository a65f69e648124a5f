-- Issue 12: the service dashboard's running totals, kept on every ticket write by the
-- difference between the ticket's old and new contribution (store/src/desk/totals.rs), per UTC
-- day and per UTC month (grain 0 and 1; period: days since 1970-01-01, or year * 12 + month - 1).
-- A period in the workspace's zone is read as whole months, whole days and short raw ranges of
-- tickets at its edges (domain/src/desk/cover.rs). Keys that may be absent (no category, no
-- assignee) hold the nil UUID. `mesure check --totals` recomputes every row from the tickets.
CREATE TABLE desk_totals_created (
    workspace_id UUID NOT NULL,
    grain INTEGER NOT NULL,
    period BIGINT NOT NULL,
    kind TEXT NOT NULL,
    category_id UUID NOT NULL,
    n BIGINT NOT NULL,
    transferred BIGINT NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, grain, period, kind, category_id)
);
CREATE TABLE desk_totals_resolved (
    workspace_id UUID NOT NULL,
    grain INTEGER NOT NULL,
    period BIGINT NOT NULL,
    client_id UUID NOT NULL,
    priority TEXT NOT NULL,
    n BIGINT NOT NULL,
    first_contact BIGINT NOT NULL,
    first_line BIGINT NOT NULL,
    reopened BIGINT NOT NULL,
    within_sla BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, grain, period, client_id, priority)
);
CREATE TABLE desk_totals_agents (
    workspace_id UUID NOT NULL,
    grain INTEGER NOT NULL,
    period BIGINT NOT NULL,
    assignee_id UUID NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, grain, period, assignee_id)
);
CREATE TABLE desk_totals_minutes (
    workspace_id UUID NOT NULL,
    measure TEXT NOT NULL,
    grain INTEGER NOT NULL,
    period BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, measure, grain, period, minutes)
);
-- populate: the totals of the tickets already there (bench/desk.sh runs the statements below
-- again after it generates tickets in SQL).
-- postgres-only begin
INSERT INTO desk_totals_created (workspace_id, grain, period, kind, category_id, n, transferred, calls) SELECT workspace_id, 0, created_at / 86400000000, kind, COALESCE(category_id, '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*), SUM(CASE WHEN transfers > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN channel IN ('phone', 'chat') THEN 1 ELSE 0 END) FROM desk_tickets WHERE merged_into IS NULL GROUP BY workspace_id, created_at / 86400000000, kind, COALESCE(category_id, '00000000-0000-0000-0000-000000000000'::uuid);
INSERT INTO desk_totals_minutes (workspace_id, measure, grain, period, minutes, n) SELECT workspace_id, 'first_response', 0, created_at / 86400000000, first_response_minutes, COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND first_response_minutes IS NOT NULL GROUP BY workspace_id, created_at / 86400000000, first_response_minutes;
INSERT INTO desk_totals_resolved (workspace_id, grain, period, client_id, priority, n, first_contact, first_line, reopened, within_sla) SELECT workspace_id, 0, resolved_at / 86400000000, client_id, priority, COUNT(*), SUM(CASE WHEN public_replies = 1 AND reopens = 0 AND transfers = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN escalated THEN 0 ELSE 1 END), SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN breached THEN 0 ELSE 1 END) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL GROUP BY workspace_id, resolved_at / 86400000000, client_id, priority;
INSERT INTO desk_totals_agents (workspace_id, grain, period, assignee_id, n) SELECT workspace_id, 0, resolved_at / 86400000000, COALESCE(assignee_id, '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL GROUP BY workspace_id, resolved_at / 86400000000, COALESCE(assignee_id, '00000000-0000-0000-0000-000000000000'::uuid);
INSERT INTO desk_totals_minutes (workspace_id, measure, grain, period, minutes, n) SELECT workspace_id, 'resolution', 0, resolved_at / 86400000000, resolution_minutes, COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL AND resolution_minutes IS NOT NULL GROUP BY workspace_id, resolved_at / 86400000000, resolution_minutes;
INSERT INTO desk_totals_created (workspace_id, grain, period, kind, category_id, n, transferred, calls) SELECT workspace_id, 1, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), kind, COALESCE(category_id, '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*), SUM(CASE WHEN transfers > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN channel IN ('phone', 'chat') THEN 1 ELSE 0 END) FROM desk_tickets WHERE merged_into IS NULL GROUP BY workspace_id, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), kind, COALESCE(category_id, '00000000-0000-0000-0000-000000000000'::uuid);
INSERT INTO desk_totals_minutes (workspace_id, measure, grain, period, minutes, n) SELECT workspace_id, 'first_response', 1, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), first_response_minutes, COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND first_response_minutes IS NOT NULL GROUP BY workspace_id, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(created_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), first_response_minutes;
INSERT INTO desk_totals_resolved (workspace_id, grain, period, client_id, priority, n, first_contact, first_line, reopened, within_sla) SELECT workspace_id, 1, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), client_id, priority, COUNT(*), SUM(CASE WHEN public_replies = 1 AND reopens = 0 AND transfers = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN escalated THEN 0 ELSE 1 END), SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN breached THEN 0 ELSE 1 END) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL GROUP BY workspace_id, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), client_id, priority;
INSERT INTO desk_totals_agents (workspace_id, grain, period, assignee_id, n) SELECT workspace_id, 1, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), COALESCE(assignee_id, '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL GROUP BY workspace_id, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), COALESCE(assignee_id, '00000000-0000-0000-0000-000000000000'::uuid);
INSERT INTO desk_totals_minutes (workspace_id, measure, grain, period, minutes, n) SELECT workspace_id, 'resolution', 1, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), resolution_minutes, COUNT(*) FROM desk_tickets WHERE merged_into IS NULL AND status IN ('resolved', 'closed') AND resolved_at IS NOT NULL AND resolution_minutes IS NOT NULL GROUP BY workspace_id, CAST(EXTRACT(YEAR FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(resolved_at / 1000000) AT TIME ZONE 'UTC') - 1 AS BIGINT), resolution_minutes;
-- postgres-only end
