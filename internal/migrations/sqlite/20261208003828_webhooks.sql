-- +goose Up
-- create "webhooks" table
CREATE TABLE `webhooks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `url` text NOT NULL, `events` json NOT NULL, `secret` text NOT NULL, `created_at` datetime NOT NULL, `paused_at` datetime NULL, `paused_reason` text NULL, `consecutive_failures` integer NOT NULL DEFAULT (0), `failing_since` datetime NULL, `organization_id` integer NOT NULL, CONSTRAINT `webhooks_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE CASCADE);
-- set sequence for "webhooks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhooks", 107374182400);
-- create index "webhook_organization_id" to table: "webhooks"
CREATE INDEX `webhook_organization_id` ON `webhooks` (`organization_id`);
-- create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `event_id` text NOT NULL, `event` text NOT NULL, `subject` text NULL, `payload` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NOT NULL, `locked_until` datetime NULL, `last_error` text NULL, `response_code` integer NULL, `created_at` datetime NOT NULL, `delivered_at` datetime NULL, `webhook_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhooks_deliveries` FOREIGN KEY (`webhook_id`) REFERENCES `webhooks` (`id`) ON DELETE CASCADE);
-- set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 111669149696);
-- create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_status_next_attempt_at` ON `webhook_deliveries` (`status`, `next_attempt_at`);
-- create index "webhookdelivery_webhook_id_subject" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_webhook_id_subject` ON `webhook_deliveries` (`webhook_id`, `subject`);

-- +goose Down
-- reverse: create index "webhookdelivery_webhook_id_subject" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_webhook_id_subject`;
-- reverse: create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_status_next_attempt_at`;
-- reverse: set sequence for "webhook_deliveries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_deliveries";
-- reverse: create "webhook_deliveries" table
DROP TABLE `webhook_deliveries`;
-- reverse: create index "webhook_organization_id" to table: "webhooks"
DROP INDEX `webhook_organization_id`;
-- reverse: set sequence for "webhooks" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhooks";
-- reverse: create "webhooks" table
DROP TABLE `webhooks`;
