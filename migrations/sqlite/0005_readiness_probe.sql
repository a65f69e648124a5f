-- Issue 8: one row that /readyz rewrites to prove the database still accepts writes (a full disk,
-- a read-only file or mount, a read-only PostgreSQL make that write fail). Not tenant data.
CREATE TABLE readiness_probe (
    id BIGINT NOT NULL PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
