-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_audit_events" table
CREATE TABLE `new_audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `key_id` integer NULL, `role` text NOT NULL, `via` text NOT NULL DEFAULT ('API'), `type` text NOT NULL, `node_id` integer NOT NULL, `operation` text NOT NULL, `changes` json NULL, `request_id` text NULL);
-- set sequence for "new_audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_audit_events", 51539607552);
-- copy rows from old table "audit_events" to new temporary table "new_audit_events"
INSERT INTO `new_audit_events` (`id`, `at`, `key_id`, `role`, `via`, `type`, `node_id`, `operation`, `changes`) SELECT `id`, `at`, `key_id`, `role`, `via`, `type`, `node_id`, `operation`, `changes` FROM `audit_events`;
-- drop "audit_events" table after copying rows
DROP TABLE `audit_events`;
-- rename temporary table "new_audit_events" to "audit_events"
ALTER TABLE `new_audit_events` RENAME TO `audit_events`;
-- create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- create index "auditevent_type_at" to table: "audit_events"
CREATE INDEX `auditevent_type_at` ON `audit_events` (`type`, `at`);
-- create index "auditevent_node_id_at" to table: "audit_events"
CREATE INDEX `auditevent_node_id_at` ON `audit_events` (`node_id`, `at`);
-- create index "auditevent_key_id_at" to table: "audit_events"
CREATE INDEX `auditevent_key_id_at` ON `audit_events` (`key_id`, `at`);
-- create index "auditevent_request_id" to table: "audit_events"
CREATE INDEX `auditevent_request_id` ON `audit_events` (`request_id`);
-- create "idempotency_records" table
CREATE TABLE `idempotency_records` (`id` text NOT NULL, `request_hash` text NOT NULL, `request_id` text NOT NULL, `response` text NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, PRIMARY KEY (`id`));
-- set sequence for "idempotency_records" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("idempotency_records", 98784247808);
-- create index "idempotencyrecord_expires_at" to table: "idempotency_records"
CREATE INDEX `idempotencyrecord_expires_at` ON `idempotency_records` (`expires_at`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "idempotencyrecord_expires_at" to table: "idempotency_records"
DROP INDEX `idempotencyrecord_expires_at`;
-- reverse: set sequence for "idempotency_records" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "idempotency_records";
-- reverse: create "idempotency_records" table
DROP TABLE `idempotency_records`;
-- reverse: create index "auditevent_request_id" to table: "audit_events"
DROP INDEX `auditevent_request_id`;
-- reverse: create index "auditevent_key_id_at" to table: "audit_events"
DROP INDEX `auditevent_key_id_at`;
-- reverse: create index "auditevent_node_id_at" to table: "audit_events"
DROP INDEX `auditevent_node_id_at`;
-- reverse: create index "auditevent_type_at" to table: "audit_events"
DROP INDEX `auditevent_type_at`;
-- reverse: create index "auditevent_at" to table: "audit_events"
DROP INDEX `auditevent_at`;
-- reverse: set sequence for "new_audit_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_audit_events";
-- reverse: create "new_audit_events" table
DROP TABLE `new_audit_events`;
