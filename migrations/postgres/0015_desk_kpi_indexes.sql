-- Issue 12: the service dashboard reads a period's tickets from these two indexes alone: each
-- covers every column the aggregates, the medians and the backlog of its statements use, so a
-- quarter of 125,000 tickets is one index range read and never a row lookup per ticket. They
-- replace the two-column indexes on the same leading columns (the ticket lists use them as
-- before).
DROP INDEX desk_tickets_created;
CREATE INDEX desk_tickets_created ON desk_tickets (workspace_id, created_at, merged_into, kind, category_id, transfers, channel, first_response_minutes);
DROP INDEX desk_tickets_resolved;
CREATE INDEX desk_tickets_resolved ON desk_tickets (workspace_id, resolved_at, merged_into, status, created_at, client_id, priority, assignee_id, public_replies, reopens, transfers, escalated, breached, resolution_minutes, updated_at, id);
