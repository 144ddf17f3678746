-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_matches" table
CREATE TABLE `new_matches` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `status` text NOT NULL, `score` real NOT NULL, `created_at` datetime NOT NULL, `responded_at` datetime NULL, `completed_at` datetime NULL, `live_pair` text NULL, `message` text NULL, `response` text NULL, `cooperation` text NOT NULL, `proposed_by_id` integer NULL, `need_id` integer NOT NULL, `offer_id` integer NOT NULL, CONSTRAINT `matches_organizations_proposed_by` FOREIGN KEY (`proposed_by_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL, CONSTRAINT `matches_match_needs_matches` FOREIGN KEY (`need_id`) REFERENCES `match_needs` (`id`) ON DELETE NO ACTION, CONSTRAINT `matches_match_offers_matches` FOREIGN KEY (`offer_id`) REFERENCES `match_offers` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_matches" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_matches", 12884901888);
-- copy rows from old table "matches" to new temporary table "new_matches"
INSERT INTO `new_matches` (`id`, `demo`, `status`, `score`, `created_at`, `cooperation`, `need_id`, `offer_id`) SELECT `id`, `demo`, `status`, `score`, `created_at`, `cooperation`, `need_id`, `offer_id` FROM `matches`;
-- drop "matches" table after copying rows
DROP TABLE `matches`;
-- rename temporary table "new_matches" to "matches"
ALTER TABLE `new_matches` RENAME TO `matches`;
-- create index "matches_live_pair_key" to table: "matches"
CREATE UNIQUE INDEX `matches_live_pair_key` ON `matches` (`live_pair`);
-- create index "match_offer_id_need_id" to table: "matches"
CREATE INDEX `match_offer_id_need_id` ON `matches` (`offer_id`, `need_id`);
-- create index "match_need_id" to table: "matches"
CREATE INDEX `match_need_id` ON `matches` (`need_id`);
-- add column "languages" to table: "match_needs"
ALTER TABLE `match_needs` ADD COLUMN `languages` json NULL;
-- add column "capacity" to table: "match_offers"
-- Hand-edited: Atlas rebuilt the table to put the column before the
-- foreign key, and a rebuild drops the table's triggers and breaks the join
-- tables' triggers that read it (20261128064500); SQLite adds it last.
ALTER TABLE `match_offers` ADD COLUMN `capacity` integer NOT NULL DEFAULT (1);
-- create index "matchoffer_status_expires_at" to table: "match_offers"
CREATE INDEX `matchoffer_status_expires_at` ON `match_offers` (`status`, `expires_at`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "matchoffer_status_expires_at" to table: "match_offers"
DROP INDEX `matchoffer_status_expires_at`;
-- reverse: add column "capacity" to table: "match_offers"
ALTER TABLE `match_offers` DROP COLUMN `capacity`;
-- reverse: add column "languages" to table: "match_needs"
ALTER TABLE `match_needs` DROP COLUMN `languages`;
-- reverse: create index "match_need_id" to table: "matches"
DROP INDEX `match_need_id`;
-- reverse: create index "match_offer_id_need_id" to table: "matches"
DROP INDEX `match_offer_id_need_id`;
-- reverse: create index "matches_live_pair_key" to table: "matches"
DROP INDEX `matches_live_pair_key`;
-- reverse: set sequence for "new_matches" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_matches";
-- reverse: create "new_matches" table
DROP TABLE `new_matches`;
