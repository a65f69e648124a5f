-- Issue 12: the ticket search finds a page of a common word without reading the ticket of every
-- match; the list then walks tickets newest first (store/src/desk/mod.rs). SQLite: each ticket
-- gets a number of its own in the full-text index (fts_desk_tickets.seq) and each of its texts
-- the FTS rowid seq * 2^20 + k, so the matches' tickets come from the word lists alone
-- (rowid >> 20), never from the index's stored columns. PostgreSQL: a ticket's texts by an index.
-- sqlite-only begin
CREATE TABLE fts_desk_tickets (
    seq INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    ticket_id BLOB NOT NULL
);
CREATE UNIQUE INDEX fts_desk_tickets_ticket ON fts_desk_tickets (workspace_id, ticket_id);
INSERT INTO fts_desk_tickets (workspace_id, ticket_id) SELECT workspace_id, id FROM desk_tickets ORDER BY created_at, id;
CREATE VIRTUAL TABLE fts_desk_keyed USING fts5 (workspace_id UNINDEXED, id UNINDEXED, ticket_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO fts_desk_keyed (rowid, workspace_id, id, ticket_id, body) SELECT (s.seq << 20) + ROW_NUMBER() OVER (PARTITION BY f.workspace_id, f.ticket_id ORDER BY f.rowid) - 1, f.workspace_id, f.id, f.ticket_id, f.body FROM fts_desk f JOIN fts_desk_tickets s ON s.workspace_id = f.workspace_id AND s.ticket_id = f.ticket_id;
DROP TABLE fts_desk;
ALTER TABLE fts_desk_keyed RENAME TO fts_desk;
-- sqlite-only end
-- postgres-only begin
CREATE INDEX fts_desk_ticket ON fts_desk (workspace_id, ticket_id);
-- postgres-only end
