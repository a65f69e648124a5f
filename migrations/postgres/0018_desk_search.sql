-- Issue 12: the ticket search finds a page of a common word without reading the ticket of every
-- match; the list then walks tickets newest first (store/src/desk/mod.rs). SQLite: each ticket
-- gets a number of its own in the full-text index (fts_desk_tickets.seq) and each of its texts
-- the FTS rowid seq * 2^20 + k, so the matches' tickets come from the word lists alone
-- (rowid >> 20), never from the index's stored columns. PostgreSQL: a ticket's texts by an index.
-- postgres-only begin
CREATE INDEX fts_desk_ticket ON fts_desk (workspace_id, ticket_id);
-- postgres-only end
