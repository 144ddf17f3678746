-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_activity_beneficiary_countries" table
CREATE TABLE `new_activity_beneficiary_countries` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `country_id`), CONSTRAINT `activity_beneficiary_countries_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_beneficiary_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- set sequence for "new_activity_beneficiary_countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_activity_beneficiary_countries", 55834574848);
-- copy rows from old table "activity_beneficiary_countries" to new temporary table "new_activity_beneficiary_countries"
INSERT INTO `new_activity_beneficiary_countries` (`activity_id`, `country_id`) SELECT `activity_id`, `country_id` FROM `activity_beneficiary_countries`;
-- drop "activity_beneficiary_countries" table after copying rows
DROP TABLE `activity_beneficiary_countries`;
-- rename temporary table "new_activity_beneficiary_countries" to "activity_beneficiary_countries"
ALTER TABLE `new_activity_beneficiary_countries` RENAME TO `activity_beneficiary_countries`;
-- create index "activity_beneficiary_countries_country_id_activity_id" to table: "activity_beneficiary_countries"
CREATE INDEX `activity_beneficiary_countries_country_id_activity_id` ON `activity_beneficiary_countries` (`country_id`, `activity_id`);
-- create index "activity_beneficiary_countries_country_id_start_date" to table: "activity_beneficiary_countries"
CREATE INDEX `activity_beneficiary_countries_country_id_start_date` ON `activity_beneficiary_countries` (`country_id`, `start_date` DESC, `activity_id`);
-- create "new_activity_provider_countries" table
CREATE TABLE `new_activity_provider_countries` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `country_id`), CONSTRAINT `activity_provider_countries_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_provider_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- set sequence for "new_activity_provider_countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_activity_provider_countries", 68719476736);
-- copy rows from old table "activity_provider_countries" to new temporary table "new_activity_provider_countries"
INSERT INTO `new_activity_provider_countries` (`activity_id`, `country_id`) SELECT `activity_id`, `country_id` FROM `activity_provider_countries`;
-- drop "activity_provider_countries" table after copying rows
DROP TABLE `activity_provider_countries`;
-- rename temporary table "new_activity_provider_countries" to "activity_provider_countries"
ALTER TABLE `new_activity_provider_countries` RENAME TO `activity_provider_countries`;
-- create index "activity_provider_countries_country_id_activity_id" to table: "activity_provider_countries"
CREATE INDEX `activity_provider_countries_country_id_activity_id` ON `activity_provider_countries` (`country_id`, `activity_id`);
-- create index "activity_provider_countries_country_id_start_date" to table: "activity_provider_countries"
CREATE INDEX `activity_provider_countries_country_id_start_date` ON `activity_provider_countries` (`country_id`, `start_date` DESC, `activity_id`);
-- create "new_activity_consultants" table
CREATE TABLE `new_activity_consultants` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `consultant_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `consultant_id`), CONSTRAINT `activity_consultants_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_consultants_consultant_id` FOREIGN KEY (`consultant_id`) REFERENCES `consultants` (`id`) ON DELETE CASCADE);
-- set sequence for "new_activity_consultants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_activity_consultants", 60129542144);
-- copy rows from old table "activity_consultants" to new temporary table "new_activity_consultants"
INSERT INTO `new_activity_consultants` (`activity_id`, `consultant_id`) SELECT `activity_id`, `consultant_id` FROM `activity_consultants`;
-- drop "activity_consultants" table after copying rows
DROP TABLE `activity_consultants`;
-- rename temporary table "new_activity_consultants" to "activity_consultants"
ALTER TABLE `new_activity_consultants` RENAME TO `activity_consultants`;
-- create index "activity_consultants_consultant_id_activity_id" to table: "activity_consultants"
CREATE INDEX `activity_consultants_consultant_id_activity_id` ON `activity_consultants` (`consultant_id`, `activity_id`);
-- create index "activity_consultants_consultant_id_start_date" to table: "activity_consultants"
CREATE INDEX `activity_consultants_consultant_id_start_date` ON `activity_consultants` (`consultant_id`, `start_date` DESC, `activity_id`);
-- create "new_activity_partners" table
CREATE TABLE `new_activity_partners` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `organization_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `organization_id`), CONSTRAINT `activity_partners_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_partners_organization_id` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE CASCADE);
-- set sequence for "new_activity_partners" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_activity_partners", 64424509440);
-- copy rows from old table "activity_partners" to new temporary table "new_activity_partners"
INSERT INTO `new_activity_partners` (`activity_id`, `organization_id`) SELECT `activity_id`, `organization_id` FROM `activity_partners`;
-- drop "activity_partners" table after copying rows
DROP TABLE `activity_partners`;
-- rename temporary table "new_activity_partners" to "activity_partners"
ALTER TABLE `new_activity_partners` RENAME TO `activity_partners`;
-- create index "activity_partners_organization_id_activity_id" to table: "activity_partners"
CREATE INDEX `activity_partners_organization_id_activity_id` ON `activity_partners` (`organization_id`, `activity_id`);
-- create index "activity_partners_organization_id_start_date" to table: "activity_partners"
CREATE INDEX `activity_partners_organization_id_start_date` ON `activity_partners` (`organization_id`, `start_date` DESC, `activity_id`);
-- create "new_activity_topics" table
CREATE TABLE `new_activity_topics` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `topic_id`), CONSTRAINT `activity_topics_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- set sequence for "new_activity_topics" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_activity_topics", 73014444032);
-- copy rows from old table "activity_topics" to new temporary table "new_activity_topics"
INSERT INTO `new_activity_topics` (`activity_id`, `topic_id`) SELECT `activity_id`, `topic_id` FROM `activity_topics`;
-- drop "activity_topics" table after copying rows
DROP TABLE `activity_topics`;
-- rename temporary table "new_activity_topics" to "activity_topics"
ALTER TABLE `new_activity_topics` RENAME TO `activity_topics`;
-- create index "activity_topics_topic_id_activity_id" to table: "activity_topics"
CREATE INDEX `activity_topics_topic_id_activity_id` ON `activity_topics` (`topic_id`, `activity_id`);
-- create index "activity_topics_topic_id_start_date" to table: "activity_topics"
CREATE INDEX `activity_topics_topic_id_start_date` ON `activity_topics` (`topic_id`, `start_date` DESC, `activity_id`);
-- create "new_match_offer_topics" table
CREATE TABLE `new_match_offer_topics` (`posted_at` datetime NULL, `match_offer_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `topic_id`), CONSTRAINT `match_offer_topics_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- set sequence for "new_match_offer_topics" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_match_offer_topics", 85899345920);
-- copy rows from old table "match_offer_topics" to new temporary table "new_match_offer_topics"
INSERT INTO `new_match_offer_topics` (`match_offer_id`, `topic_id`) SELECT `match_offer_id`, `topic_id` FROM `match_offer_topics`;
-- drop "match_offer_topics" table after copying rows
DROP TABLE `match_offer_topics`;
-- rename temporary table "new_match_offer_topics" to "match_offer_topics"
ALTER TABLE `new_match_offer_topics` RENAME TO `match_offer_topics`;
-- create index "match_offer_topics_topic_id_match_offer_id" to table: "match_offer_topics"
CREATE INDEX `match_offer_topics_topic_id_match_offer_id` ON `match_offer_topics` (`topic_id`, `match_offer_id`);
-- create index "match_offer_topics_topic_id_posted_at" to table: "match_offer_topics"
CREATE INDEX `match_offer_topics_topic_id_posted_at` ON `match_offer_topics` (`topic_id`, `posted_at` DESC, `match_offer_id`);
-- create "new_match_offer_target_regions" table
CREATE TABLE `new_match_offer_target_regions` (`posted_at` datetime NULL, `match_offer_id` integer NOT NULL, `region_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `region_id`), CONSTRAINT `match_offer_target_regions_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_target_regions_region_id` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE CASCADE);
-- set sequence for "new_match_offer_target_regions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_match_offer_target_regions", 81604378624);
-- copy rows from old table "match_offer_target_regions" to new temporary table "new_match_offer_target_regions"
INSERT INTO `new_match_offer_target_regions` (`match_offer_id`, `region_id`) SELECT `match_offer_id`, `region_id` FROM `match_offer_target_regions`;
-- drop "match_offer_target_regions" table after copying rows
DROP TABLE `match_offer_target_regions`;
-- rename temporary table "new_match_offer_target_regions" to "match_offer_target_regions"
ALTER TABLE `new_match_offer_target_regions` RENAME TO `match_offer_target_regions`;
-- create index "match_offer_target_regions_region_id_match_offer_id" to table: "match_offer_target_regions"
CREATE INDEX `match_offer_target_regions_region_id_match_offer_id` ON `match_offer_target_regions` (`region_id`, `match_offer_id`);
-- create index "match_offer_target_regions_region_id_posted_at" to table: "match_offer_target_regions"
CREATE INDEX `match_offer_target_regions_region_id_posted_at` ON `match_offer_target_regions` (`region_id`, `posted_at` DESC, `match_offer_id`);
-- create "new_match_offer_target_countries" table
CREATE TABLE `new_match_offer_target_countries` (`posted_at` datetime NULL, `match_offer_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `country_id`), CONSTRAINT `match_offer_target_countries_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_target_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- set sequence for "new_match_offer_target_countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_match_offer_target_countries", 77309411328);
-- copy rows from old table "match_offer_target_countries" to new temporary table "new_match_offer_target_countries"
INSERT INTO `new_match_offer_target_countries` (`match_offer_id`, `country_id`) SELECT `match_offer_id`, `country_id` FROM `match_offer_target_countries`;
-- drop "match_offer_target_countries" table after copying rows
DROP TABLE `match_offer_target_countries`;
-- rename temporary table "new_match_offer_target_countries" to "match_offer_target_countries"
ALTER TABLE `new_match_offer_target_countries` RENAME TO `match_offer_target_countries`;
-- create index "match_offer_target_countries_country_id_match_offer_id" to table: "match_offer_target_countries"
CREATE INDEX `match_offer_target_countries_country_id_match_offer_id` ON `match_offer_target_countries` (`country_id`, `match_offer_id`);
-- create index "match_offer_target_countries_country_id_posted_at" to table: "match_offer_target_countries"
CREATE INDEX `match_offer_target_countries_country_id_posted_at` ON `match_offer_target_countries` (`country_id`, `posted_at` DESC, `match_offer_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "match_offer_target_countries_country_id_posted_at" to table: "match_offer_target_countries"
DROP INDEX `match_offer_target_countries_country_id_posted_at`;
-- reverse: create index "match_offer_target_countries_country_id_match_offer_id" to table: "match_offer_target_countries"
DROP INDEX `match_offer_target_countries_country_id_match_offer_id`;
-- reverse: set sequence for "new_match_offer_target_countries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_match_offer_target_countries";
-- reverse: create "new_match_offer_target_countries" table
DROP TABLE `new_match_offer_target_countries`;
-- reverse: create index "match_offer_target_regions_region_id_posted_at" to table: "match_offer_target_regions"
DROP INDEX `match_offer_target_regions_region_id_posted_at`;
-- reverse: create index "match_offer_target_regions_region_id_match_offer_id" to table: "match_offer_target_regions"
DROP INDEX `match_offer_target_regions_region_id_match_offer_id`;
-- reverse: set sequence for "new_match_offer_target_regions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_match_offer_target_regions";
-- reverse: create "new_match_offer_target_regions" table
DROP TABLE `new_match_offer_target_regions`;
-- reverse: create index "match_offer_topics_topic_id_posted_at" to table: "match_offer_topics"
DROP INDEX `match_offer_topics_topic_id_posted_at`;
-- reverse: create index "match_offer_topics_topic_id_match_offer_id" to table: "match_offer_topics"
DROP INDEX `match_offer_topics_topic_id_match_offer_id`;
-- reverse: set sequence for "new_match_offer_topics" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_match_offer_topics";
-- reverse: create "new_match_offer_topics" table
DROP TABLE `new_match_offer_topics`;
-- reverse: create index "activity_topics_topic_id_start_date" to table: "activity_topics"
DROP INDEX `activity_topics_topic_id_start_date`;
-- reverse: create index "activity_topics_topic_id_activity_id" to table: "activity_topics"
DROP INDEX `activity_topics_topic_id_activity_id`;
-- reverse: set sequence for "new_activity_topics" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_activity_topics";
-- reverse: create "new_activity_topics" table
DROP TABLE `new_activity_topics`;
-- reverse: create index "activity_partners_organization_id_start_date" to table: "activity_partners"
DROP INDEX `activity_partners_organization_id_start_date`;
-- reverse: create index "activity_partners_organization_id_activity_id" to table: "activity_partners"
DROP INDEX `activity_partners_organization_id_activity_id`;
-- reverse: set sequence for "new_activity_partners" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_activity_partners";
-- reverse: create "new_activity_partners" table
DROP TABLE `new_activity_partners`;
-- reverse: create index "activity_consultants_consultant_id_start_date" to table: "activity_consultants"
DROP INDEX `activity_consultants_consultant_id_start_date`;
-- reverse: create index "activity_consultants_consultant_id_activity_id" to table: "activity_consultants"
DROP INDEX `activity_consultants_consultant_id_activity_id`;
-- reverse: set sequence for "new_activity_consultants" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_activity_consultants";
-- reverse: create "new_activity_consultants" table
DROP TABLE `new_activity_consultants`;
-- reverse: create index "activity_provider_countries_country_id_start_date" to table: "activity_provider_countries"
DROP INDEX `activity_provider_countries_country_id_start_date`;
-- reverse: create index "activity_provider_countries_country_id_activity_id" to table: "activity_provider_countries"
DROP INDEX `activity_provider_countries_country_id_activity_id`;
-- reverse: set sequence for "new_activity_provider_countries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_activity_provider_countries";
-- reverse: create "new_activity_provider_countries" table
DROP TABLE `new_activity_provider_countries`;
-- reverse: create index "activity_beneficiary_countries_country_id_start_date" to table: "activity_beneficiary_countries"
DROP INDEX `activity_beneficiary_countries_country_id_start_date`;
-- reverse: create index "activity_beneficiary_countries_country_id_activity_id" to table: "activity_beneficiary_countries"
DROP INDEX `activity_beneficiary_countries_country_id_activity_id`;
-- reverse: set sequence for "new_activity_beneficiary_countries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_activity_beneficiary_countries";
-- reverse: create "new_activity_beneficiary_countries" table
DROP TABLE `new_activity_beneficiary_countries`;
