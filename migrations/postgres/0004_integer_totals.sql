-- Issue 8: an integer column that overflows must fail, never become a floating-point value.
-- PostgreSQL raises `bigint out of range` by itself; SQLite stores `a + b` past 2^63 as REAL,
-- so on SQLite each running total and money column gets a check before every write.
-- Issue 8: a revoked API token is deleted, never kept to come back; older revoked rows go.
DELETE FROM api_tokens WHERE revoked_at IS NOT NULL;
