-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_audit_events" table
CREATE TABLE `new_audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `key_id` integer NULL, `role` text NOT NULL, `via` text NOT NULL DEFAULT ('API'), `type` text NOT NULL, `node_id` integer NOT NULL, `operation` text NOT NULL, `changes` json NULL);
-- set sequence for "new_audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_audit_events", 51539607552);
-- copy rows from old table "audit_events" to new temporary table "new_audit_events"
INSERT INTO `new_audit_events` (`id`, `at`, `key_id`, `role`, `type`, `node_id`, `operation`, `changes`) SELECT `id`, `at`, `key_id`, `role`, `type`, `node_id`, `operation`, `changes` FROM `audit_events`;
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
-- create "persisted_queries" table
CREATE TABLE `persisted_queries` (`id` text NOT NULL, `query` text NOT NULL, `used_at` datetime NOT NULL, PRIMARY KEY (`id`));
-- set sequence for "persisted_queries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("persisted_queries", 90194313216);
-- create index "persistedquery_used_at" to table: "persisted_queries"
CREATE INDEX `persistedquery_used_at` ON `persisted_queries` (`used_at`);
-- create "rate_buckets" table
CREATE TABLE `rate_buckets` (`id` text NOT NULL, `tokens` real NOT NULL, `updated_at` datetime NOT NULL, `granted` bool NOT NULL DEFAULT (true), PRIMARY KEY (`id`));
-- set sequence for "rate_buckets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("rate_buckets", 94489280512);
-- create index "ratebucket_updated_at" to table: "rate_buckets"
CREATE INDEX `ratebucket_updated_at` ON `rate_buckets` (`updated_at`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "ratebucket_updated_at" to table: "rate_buckets"
DROP INDEX `ratebucket_updated_at`;
-- reverse: set sequence for "rate_buckets" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "rate_buckets";
-- reverse: create "rate_buckets" table
DROP TABLE `rate_buckets`;
-- reverse: create index "persistedquery_used_at" to table: "persisted_queries"
DROP INDEX `persistedquery_used_at`;
-- reverse: set sequence for "persisted_queries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "persisted_queries";
-- reverse: create "persisted_queries" table
DROP TABLE `persisted_queries`;
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
