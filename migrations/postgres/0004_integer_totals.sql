-- Issue 8: SQLite needs triggers so that an overflowing total fails instead of becoming REAL;
-- PostgreSQL raises `bigint out of range` by itself, so nothing changes here.
SELECT 1;
