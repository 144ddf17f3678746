-- +goose Up
-- modify "audit_events" table
ALTER TABLE "audit_events" ALTER COLUMN "key_id" DROP NOT NULL, ADD COLUMN "via" character varying NOT NULL DEFAULT 'API';
-- create "persisted_queries" table
CREATE TABLE "persisted_queries" ("id" character varying NOT NULL, "query" text NOT NULL, "used_at" timestamptz NOT NULL, PRIMARY KEY ("id"));
-- create index "persistedquery_used_at" to table: "persisted_queries"
CREATE INDEX "persistedquery_used_at" ON "persisted_queries" ("used_at");
-- create "rate_buckets" table
CREATE TABLE "rate_buckets" ("id" character varying NOT NULL, "tokens" double precision NOT NULL, "updated_at" timestamptz NOT NULL, "granted" boolean NOT NULL DEFAULT true, PRIMARY KEY ("id"));
-- create index "ratebucket_updated_at" to table: "rate_buckets"
CREATE INDEX "ratebucket_updated_at" ON "rate_buckets" ("updated_at");

-- +goose Down
-- reverse: create index "ratebucket_updated_at" to table: "rate_buckets"
DROP INDEX "ratebucket_updated_at";
-- reverse: create "rate_buckets" table
DROP TABLE "rate_buckets";
-- reverse: create index "persistedquery_used_at" to table: "persisted_queries"
DROP INDEX "persistedquery_used_at";
-- reverse: create "persisted_queries" table
DROP TABLE "persisted_queries";
-- reverse: modify "audit_events" table
ALTER TABLE "audit_events" DROP COLUMN "via", ALTER COLUMN "key_id" SET NOT NULL;
