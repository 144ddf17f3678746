-- +goose Up
-- modify "audit_events" table
ALTER TABLE "audit_events" ADD COLUMN "request_id" character varying NULL;
-- create index "auditevent_request_id" to table: "audit_events"
CREATE INDEX "auditevent_request_id" ON "audit_events" ("request_id");
-- create "idempotency_records" table
CREATE TABLE "idempotency_records" ("id" character varying NOT NULL, "request_hash" character varying NOT NULL, "request_id" character varying NOT NULL, "response" text NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, PRIMARY KEY ("id"));
-- create index "idempotencyrecord_expires_at" to table: "idempotency_records"
CREATE INDEX "idempotencyrecord_expires_at" ON "idempotency_records" ("expires_at");

-- +goose Down
-- reverse: create index "idempotencyrecord_expires_at" to table: "idempotency_records"
DROP INDEX "idempotencyrecord_expires_at";
-- reverse: create "idempotency_records" table
DROP TABLE "idempotency_records";
-- reverse: create index "auditevent_request_id" to table: "audit_events"
DROP INDEX "auditevent_request_id";
-- reverse: modify "audit_events" table
ALTER TABLE "audit_events" DROP COLUMN "request_id";
