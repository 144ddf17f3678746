-- +goose Up
-- Rate-limit buckets are written by every request and worth nothing after
-- a crash (an empty bucket table only means full buckets): unlogged, their
-- writes skip the write-ahead log, and a request's take commits without
-- waiting for a disk flush. Hand-written: Atlas does not model UNLOGGED.
ALTER TABLE "rate_buckets" SET UNLOGGED;

-- +goose Down
ALTER TABLE "rate_buckets" SET LOGGED;
