-- +goose Up
-- create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `key_id` integer NOT NULL, `role` text NOT NULL, `type` text NOT NULL, `node_id` integer NOT NULL, `operation` text NOT NULL, `changes` json NULL);
-- set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 51539607552);
-- create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- create index "auditevent_type_at" to table: "audit_events"
CREATE INDEX `auditevent_type_at` ON `audit_events` (`type`, `at`);
-- create index "auditevent_node_id_at" to table: "audit_events"
CREATE INDEX `auditevent_node_id_at` ON `audit_events` (`node_id`, `at`);
-- create index "auditevent_key_id_at" to table: "audit_events"
CREATE INDEX `auditevent_key_id_at` ON `audit_events` (`key_id`, `at`);

-- +goose Down
-- reverse: create index "auditevent_key_id_at" to table: "audit_events"
DROP INDEX `auditevent_key_id_at`;
-- reverse: create index "auditevent_node_id_at" to table: "audit_events"
DROP INDEX `auditevent_node_id_at`;
-- reverse: create index "auditevent_type_at" to table: "audit_events"
DROP INDEX `auditevent_type_at`;
-- reverse: create index "auditevent_at" to table: "audit_events"
DROP INDEX `auditevent_at`;
-- reverse: set sequence for "audit_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "audit_events";
-- reverse: create "audit_events" table
DROP TABLE `audit_events`;
