-- Issue 8: an integer column that overflows must fail, never become a floating-point value.
-- PostgreSQL raises `bigint out of range` by itself; SQLite stores `a + b` past 2^63 as REAL,
-- so on SQLite each running total and money column gets a check before every write.
SELECT 1;
