-- +goose Up
-- add column "token_issuer" to table: "audit_events"
ALTER TABLE `audit_events` ADD COLUMN `token_issuer` text NULL;
-- add column "token_subject" to table: "audit_events"
ALTER TABLE `audit_events` ADD COLUMN `token_subject` text NULL;

-- +goose Down
-- reverse: add column "token_subject" to table: "audit_events"
ALTER TABLE `audit_events` DROP COLUMN `token_subject`;
-- reverse: add column "token_issuer" to table: "audit_events"
ALTER TABLE `audit_events` DROP COLUMN `token_issuer`;
