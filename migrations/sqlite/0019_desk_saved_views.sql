-- Issue 12: a person's own ticket views (the list's filters, sort and search as a query string
-- of its known fields), beside the built-in ones; a manager may share one with the whole desk.
CREATE TABLE desk_saved_views (
    workspace_id BLOB NOT NULL,
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX desk_saved_views_name ON desk_saved_views (workspace_id, user_id, name);
