-- +goose Up
-- create "activities" table
CREATE TABLE `activities` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `title` text NOT NULL, `description` text NULL, `kind` text NOT NULL, `type` text NOT NULL, `status` text NOT NULL, `start_date` datetime NOT NULL, `end_date` datetime NOT NULL, `venue_city` text NULL, `language` text NULL, `participants` integer NOT NULL DEFAULT (0), `budget` real NULL, `venue_country_id` integer NULL, `project_id` integer NULL, CONSTRAINT `activities_countries_hosted_activities` FOREIGN KEY (`venue_country_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL, CONSTRAINT `activities_projects_activities` FOREIGN KEY (`project_id`) REFERENCES `projects` (`id`) ON DELETE SET NULL);
-- create index "activity_project_id" to table: "activities"
CREATE INDEX `activity_project_id` ON `activities` (`project_id`);
-- create index "activity_venue_country_id" to table: "activities"
CREATE INDEX `activity_venue_country_id` ON `activities` (`venue_country_id`);
-- create index "activity_start_date" to table: "activities"
CREATE INDEX `activity_start_date` ON `activities` (`start_date`);
-- create index "activity_kind_start_date" to table: "activities"
CREATE INDEX `activity_kind_start_date` ON `activities` (`kind`, `start_date`);
-- create index "activity_status" to table: "activities"
CREATE INDEX `activity_status` ON `activities` (`status`);
-- create "consultants" table
CREATE TABLE `consultants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `name` text NOT NULL, `languages` json NULL, `bio` text NULL, `available` bool NOT NULL DEFAULT (true), `email` text NULL, `nationality_id` integer NULL, CONSTRAINT `consultants_countries_consultants` FOREIGN KEY (`nationality_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL);
-- set sequence for "consultants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("consultants", 4294967296);
-- create index "consultant_nationality_id" to table: "consultants"
CREATE INDEX `consultant_nationality_id` ON `consultants` (`nationality_id`);
-- create index "consultant_name" to table: "consultants"
CREATE INDEX `consultant_name` ON `consultants` (`name`);
-- create "countries" table
CREATE TABLE `countries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `iso3` text NOT NULL, `name` text NOT NULL, `official_name` text NULL, `ldc` bool NOT NULL DEFAULT (false), `sovereign` bool NOT NULL DEFAULT (true), `latitude` real NOT NULL, `longitude` real NOT NULL, `note` text NULL, `region_id` integer NOT NULL, CONSTRAINT `countries_regions_countries` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE NO ACTION);
-- set sequence for "countries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("countries", 8589934592);
-- create index "countries_code_key" to table: "countries"
CREATE UNIQUE INDEX `countries_code_key` ON `countries` (`code`);
-- create index "countries_iso3_key" to table: "countries"
CREATE UNIQUE INDEX `countries_iso3_key` ON `countries` (`iso3`);
-- create index "country_region_id" to table: "countries"
CREATE INDEX `country_region_id` ON `countries` (`region_id`);
-- create index "country_name" to table: "countries"
CREATE INDEX `country_name` ON `countries` (`name`);
-- create "matches" table
CREATE TABLE `matches` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `status` text NOT NULL, `score` real NOT NULL, `created_at` datetime NOT NULL, `cooperation` text NOT NULL, `need_id` integer NOT NULL, `offer_id` integer NOT NULL, CONSTRAINT `matches_match_needs_matches` FOREIGN KEY (`need_id`) REFERENCES `match_needs` (`id`) ON DELETE NO ACTION, CONSTRAINT `matches_match_offers_matches` FOREIGN KEY (`offer_id`) REFERENCES `match_offers` (`id`) ON DELETE NO ACTION);
-- set sequence for "matches" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("matches", 12884901888);
-- create index "match_offer_id_need_id" to table: "matches"
CREATE UNIQUE INDEX `match_offer_id_need_id` ON `matches` (`offer_id`, `need_id`);
-- create index "match_need_id" to table: "matches"
CREATE INDEX `match_need_id` ON `matches` (`need_id`);
-- create "match_needs" table
CREATE TABLE `match_needs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `title` text NOT NULL, `description` text NULL, `kind` text NOT NULL, `status` text NOT NULL, `posted_at` datetime NOT NULL, `country_id` integer NOT NULL, `seeker_id` integer NOT NULL, CONSTRAINT `match_needs_countries_needs` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE NO ACTION, CONSTRAINT `match_needs_organizations_needs` FOREIGN KEY (`seeker_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "match_needs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("match_needs", 17179869184);
-- create index "matchneed_seeker_id" to table: "match_needs"
CREATE INDEX `matchneed_seeker_id` ON `match_needs` (`seeker_id`);
-- create index "matchneed_country_id" to table: "match_needs"
CREATE INDEX `matchneed_country_id` ON `match_needs` (`country_id`);
-- create index "matchneed_status_posted_at" to table: "match_needs"
CREATE INDEX `matchneed_status_posted_at` ON `match_needs` (`status`, `posted_at`);
-- create "match_offers" table
CREATE TABLE `match_offers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `title` text NOT NULL, `description` text NULL, `kind` text NOT NULL, `status` text NOT NULL, `posted_at` datetime NOT NULL, `expires_at` datetime NULL, `languages` json NULL, `provider_id` integer NOT NULL, CONSTRAINT `match_offers_organizations_offers` FOREIGN KEY (`provider_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- set sequence for "match_offers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("match_offers", 21474836480);
-- create index "matchoffer_provider_id" to table: "match_offers"
CREATE INDEX `matchoffer_provider_id` ON `match_offers` (`provider_id`);
-- create index "matchoffer_status_posted_at" to table: "match_offers"
CREATE INDEX `matchoffer_status_posted_at` ON `match_offers` (`status`, `posted_at`);
-- create index "matchoffer_posted_at" to table: "match_offers"
CREATE INDEX `matchoffer_posted_at` ON `match_offers` (`posted_at`);
-- create "organizations" table
CREATE TABLE `organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `name` text NOT NULL, `kind` text NOT NULL, `website` text NULL, `country_id` integer NULL, CONSTRAINT `organizations_countries_organizations` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL);
-- set sequence for "organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organizations", 25769803776);
-- create index "organization_country_id" to table: "organizations"
CREATE INDEX `organization_country_id` ON `organizations` (`country_id`);
-- create index "organization_name" to table: "organizations"
CREATE INDEX `organization_name` ON `organizations` (`name`);
-- create "projects" table
CREATE TABLE `projects` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `title` text NOT NULL, `summary` text NULL, `status` text NOT NULL, `start_date` datetime NULL, `end_date` datetime NULL, `budget` real NULL, `documents` json NULL, `note` text NULL, `demo` bool NOT NULL DEFAULT (false));
-- set sequence for "projects" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("projects", 30064771072);
-- create index "projects_code_key" to table: "projects"
CREATE UNIQUE INDEX `projects_code_key` ON `projects` (`code`);
-- create index "project_status" to table: "projects"
CREATE INDEX `project_status` ON `projects` (`status`);
-- create index "project_start_date" to table: "projects"
CREATE INDEX `project_start_date` ON `projects` (`start_date`);
-- create "recommendations" table
CREATE TABLE `recommendations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `number` integer NOT NULL, `cluster` text NOT NULL, `title` text NOT NULL);
-- set sequence for "recommendations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("recommendations", 34359738368);
-- create index "recommendations_number_key" to table: "recommendations"
CREATE UNIQUE INDEX `recommendations_number_key` ON `recommendations` (`number`);
-- create "regions" table
CREATE TABLE `regions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `name` text NOT NULL, `description` text NULL);
-- set sequence for "regions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("regions", 38654705664);
-- create index "regions_code_key" to table: "regions"
CREATE UNIQUE INDEX `regions_code_key` ON `regions` (`code`);
-- create "topics" table
CREATE TABLE `topics` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `description` text NULL);
-- set sequence for "topics" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("topics", 42949672960);
-- create index "topics_code_key" to table: "topics"
CREATE UNIQUE INDEX `topics_code_key` ON `topics` (`code`);
-- create "activity_beneficiary_countries" table
CREATE TABLE `activity_beneficiary_countries` (`activity_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `country_id`), CONSTRAINT `activity_beneficiary_countries_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_beneficiary_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- create index "activity_beneficiary_countries_country_id_activity_id" to table: "activity_beneficiary_countries"
CREATE INDEX `activity_beneficiary_countries_country_id_activity_id` ON `activity_beneficiary_countries` (`country_id`, `activity_id`);
-- create "activity_provider_countries" table
CREATE TABLE `activity_provider_countries` (`activity_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `country_id`), CONSTRAINT `activity_provider_countries_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_provider_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- create index "activity_provider_countries_country_id_activity_id" to table: "activity_provider_countries"
CREATE INDEX `activity_provider_countries_country_id_activity_id` ON `activity_provider_countries` (`country_id`, `activity_id`);
-- create "activity_consultants" table
CREATE TABLE `activity_consultants` (`activity_id` integer NOT NULL, `consultant_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `consultant_id`), CONSTRAINT `activity_consultants_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_consultants_consultant_id` FOREIGN KEY (`consultant_id`) REFERENCES `consultants` (`id`) ON DELETE CASCADE);
-- create index "activity_consultants_consultant_id_activity_id" to table: "activity_consultants"
CREATE INDEX `activity_consultants_consultant_id_activity_id` ON `activity_consultants` (`consultant_id`, `activity_id`);
-- create "activity_partners" table
CREATE TABLE `activity_partners` (`activity_id` integer NOT NULL, `organization_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `organization_id`), CONSTRAINT `activity_partners_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_partners_organization_id` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE CASCADE);
-- create index "activity_partners_organization_id_activity_id" to table: "activity_partners"
CREATE INDEX `activity_partners_organization_id_activity_id` ON `activity_partners` (`organization_id`, `activity_id`);
-- create "activity_topics" table
CREATE TABLE `activity_topics` (`activity_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `topic_id`), CONSTRAINT `activity_topics_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- create index "activity_topics_topic_id_activity_id" to table: "activity_topics"
CREATE INDEX `activity_topics_topic_id_activity_id` ON `activity_topics` (`topic_id`, `activity_id`);
-- create "consultant_expertise" table
CREATE TABLE `consultant_expertise` (`consultant_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`consultant_id`, `topic_id`), CONSTRAINT `consultant_expertise_consultant_id` FOREIGN KEY (`consultant_id`) REFERENCES `consultants` (`id`) ON DELETE CASCADE, CONSTRAINT `consultant_expertise_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- create index "consultant_expertise_topic_id_consultant_id" to table: "consultant_expertise"
CREATE INDEX `consultant_expertise_topic_id_consultant_id` ON `consultant_expertise` (`topic_id`, `consultant_id`);
-- create "match_need_topics" table
CREATE TABLE `match_need_topics` (`match_need_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`match_need_id`, `topic_id`), CONSTRAINT `match_need_topics_match_need_id` FOREIGN KEY (`match_need_id`) REFERENCES `match_needs` (`id`) ON DELETE CASCADE, CONSTRAINT `match_need_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- create index "match_need_topics_topic_id_match_need_id" to table: "match_need_topics"
CREATE INDEX `match_need_topics_topic_id_match_need_id` ON `match_need_topics` (`topic_id`, `match_need_id`);
-- create "match_offer_topics" table
CREATE TABLE `match_offer_topics` (`match_offer_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `topic_id`), CONSTRAINT `match_offer_topics_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- create index "match_offer_topics_topic_id_match_offer_id" to table: "match_offer_topics"
CREATE INDEX `match_offer_topics_topic_id_match_offer_id` ON `match_offer_topics` (`topic_id`, `match_offer_id`);
-- create "match_offer_target_regions" table
CREATE TABLE `match_offer_target_regions` (`match_offer_id` integer NOT NULL, `region_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `region_id`), CONSTRAINT `match_offer_target_regions_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_target_regions_region_id` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE CASCADE);
-- create index "match_offer_target_regions_region_id_match_offer_id" to table: "match_offer_target_regions"
CREATE INDEX `match_offer_target_regions_region_id_match_offer_id` ON `match_offer_target_regions` (`region_id`, `match_offer_id`);
-- create "match_offer_target_countries" table
CREATE TABLE `match_offer_target_countries` (`match_offer_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`match_offer_id`, `country_id`), CONSTRAINT `match_offer_target_countries_match_offer_id` FOREIGN KEY (`match_offer_id`) REFERENCES `match_offers` (`id`) ON DELETE CASCADE, CONSTRAINT `match_offer_target_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- create index "match_offer_target_countries_country_id_match_offer_id" to table: "match_offer_target_countries"
CREATE INDEX `match_offer_target_countries_country_id_match_offer_id` ON `match_offer_target_countries` (`country_id`, `match_offer_id`);
-- create "project_recommendations" table
CREATE TABLE `project_recommendations` (`project_id` integer NOT NULL, `recommendation_id` integer NOT NULL, PRIMARY KEY (`project_id`, `recommendation_id`), CONSTRAINT `project_recommendations_project_id` FOREIGN KEY (`project_id`) REFERENCES `projects` (`id`) ON DELETE CASCADE, CONSTRAINT `project_recommendations_recommendation_id` FOREIGN KEY (`recommendation_id`) REFERENCES `recommendations` (`id`) ON DELETE CASCADE);
-- create index "project_recommendations_recommendation_id_project_id" to table: "project_recommendations"
CREATE INDEX `project_recommendations_recommendation_id_project_id` ON `project_recommendations` (`recommendation_id`, `project_id`);
-- create "project_countries" table
CREATE TABLE `project_countries` (`project_id` integer NOT NULL, `country_id` integer NOT NULL, PRIMARY KEY (`project_id`, `country_id`), CONSTRAINT `project_countries_project_id` FOREIGN KEY (`project_id`) REFERENCES `projects` (`id`) ON DELETE CASCADE, CONSTRAINT `project_countries_country_id` FOREIGN KEY (`country_id`) REFERENCES `countries` (`id`) ON DELETE CASCADE);
-- create index "project_countries_country_id_project_id" to table: "project_countries"
CREATE INDEX `project_countries_country_id_project_id` ON `project_countries` (`country_id`, `project_id`);
-- create "project_topics" table
CREATE TABLE `project_topics` (`project_id` integer NOT NULL, `topic_id` integer NOT NULL, PRIMARY KEY (`project_id`, `topic_id`), CONSTRAINT `project_topics_project_id` FOREIGN KEY (`project_id`) REFERENCES `projects` (`id`) ON DELETE CASCADE, CONSTRAINT `project_topics_topic_id` FOREIGN KEY (`topic_id`) REFERENCES `topics` (`id`) ON DELETE CASCADE);
-- create index "project_topics_topic_id_project_id" to table: "project_topics"
CREATE INDEX `project_topics_topic_id_project_id` ON `project_topics` (`topic_id`, `project_id`);

-- +goose Down
-- reverse: create index "project_topics_topic_id_project_id" to table: "project_topics"
DROP INDEX `project_topics_topic_id_project_id`;
-- reverse: create "project_topics" table
DROP TABLE `project_topics`;
-- reverse: create index "project_countries_country_id_project_id" to table: "project_countries"
DROP INDEX `project_countries_country_id_project_id`;
-- reverse: create "project_countries" table
DROP TABLE `project_countries`;
-- reverse: create index "project_recommendations_recommendation_id_project_id" to table: "project_recommendations"
DROP INDEX `project_recommendations_recommendation_id_project_id`;
-- reverse: create "project_recommendations" table
DROP TABLE `project_recommendations`;
-- reverse: create index "match_offer_target_countries_country_id_match_offer_id" to table: "match_offer_target_countries"
DROP INDEX `match_offer_target_countries_country_id_match_offer_id`;
-- reverse: create "match_offer_target_countries" table
DROP TABLE `match_offer_target_countries`;
-- reverse: create index "match_offer_target_regions_region_id_match_offer_id" to table: "match_offer_target_regions"
DROP INDEX `match_offer_target_regions_region_id_match_offer_id`;
-- reverse: create "match_offer_target_regions" table
DROP TABLE `match_offer_target_regions`;
-- reverse: create index "match_offer_topics_topic_id_match_offer_id" to table: "match_offer_topics"
DROP INDEX `match_offer_topics_topic_id_match_offer_id`;
-- reverse: create "match_offer_topics" table
DROP TABLE `match_offer_topics`;
-- reverse: create index "match_need_topics_topic_id_match_need_id" to table: "match_need_topics"
DROP INDEX `match_need_topics_topic_id_match_need_id`;
-- reverse: create "match_need_topics" table
DROP TABLE `match_need_topics`;
-- reverse: create index "consultant_expertise_topic_id_consultant_id" to table: "consultant_expertise"
DROP INDEX `consultant_expertise_topic_id_consultant_id`;
-- reverse: create "consultant_expertise" table
DROP TABLE `consultant_expertise`;
-- reverse: create index "activity_topics_topic_id_activity_id" to table: "activity_topics"
DROP INDEX `activity_topics_topic_id_activity_id`;
-- reverse: create "activity_topics" table
DROP TABLE `activity_topics`;
-- reverse: create index "activity_partners_organization_id_activity_id" to table: "activity_partners"
DROP INDEX `activity_partners_organization_id_activity_id`;
-- reverse: create "activity_partners" table
DROP TABLE `activity_partners`;
-- reverse: create index "activity_consultants_consultant_id_activity_id" to table: "activity_consultants"
DROP INDEX `activity_consultants_consultant_id_activity_id`;
-- reverse: create "activity_consultants" table
DROP TABLE `activity_consultants`;
-- reverse: create index "activity_provider_countries_country_id_activity_id" to table: "activity_provider_countries"
DROP INDEX `activity_provider_countries_country_id_activity_id`;
-- reverse: create "activity_provider_countries" table
DROP TABLE `activity_provider_countries`;
-- reverse: create index "activity_beneficiary_countries_country_id_activity_id" to table: "activity_beneficiary_countries"
DROP INDEX `activity_beneficiary_countries_country_id_activity_id`;
-- reverse: create "activity_beneficiary_countries" table
DROP TABLE `activity_beneficiary_countries`;
-- reverse: create index "topics_code_key" to table: "topics"
DROP INDEX `topics_code_key`;
-- reverse: set sequence for "topics" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "topics";
-- reverse: create "topics" table
DROP TABLE `topics`;
-- reverse: create index "regions_code_key" to table: "regions"
DROP INDEX `regions_code_key`;
-- reverse: set sequence for "regions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "regions";
-- reverse: create "regions" table
DROP TABLE `regions`;
-- reverse: create index "recommendations_number_key" to table: "recommendations"
DROP INDEX `recommendations_number_key`;
-- reverse: set sequence for "recommendations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "recommendations";
-- reverse: create "recommendations" table
DROP TABLE `recommendations`;
-- reverse: create index "project_start_date" to table: "projects"
DROP INDEX `project_start_date`;
-- reverse: create index "project_status" to table: "projects"
DROP INDEX `project_status`;
-- reverse: create index "projects_code_key" to table: "projects"
DROP INDEX `projects_code_key`;
-- reverse: set sequence for "projects" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "projects";
-- reverse: create "projects" table
DROP TABLE `projects`;
-- reverse: create index "organization_name" to table: "organizations"
DROP INDEX `organization_name`;
-- reverse: create index "organization_country_id" to table: "organizations"
DROP INDEX `organization_country_id`;
-- reverse: set sequence for "organizations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "organizations";
-- reverse: create "organizations" table
DROP TABLE `organizations`;
-- reverse: create index "matchoffer_posted_at" to table: "match_offers"
DROP INDEX `matchoffer_posted_at`;
-- reverse: create index "matchoffer_status_posted_at" to table: "match_offers"
DROP INDEX `matchoffer_status_posted_at`;
-- reverse: create index "matchoffer_provider_id" to table: "match_offers"
DROP INDEX `matchoffer_provider_id`;
-- reverse: set sequence for "match_offers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "match_offers";
-- reverse: create "match_offers" table
DROP TABLE `match_offers`;
-- reverse: create index "matchneed_status_posted_at" to table: "match_needs"
DROP INDEX `matchneed_status_posted_at`;
-- reverse: create index "matchneed_country_id" to table: "match_needs"
DROP INDEX `matchneed_country_id`;
-- reverse: create index "matchneed_seeker_id" to table: "match_needs"
DROP INDEX `matchneed_seeker_id`;
-- reverse: set sequence for "match_needs" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "match_needs";
-- reverse: create "match_needs" table
DROP TABLE `match_needs`;
-- reverse: create index "match_need_id" to table: "matches"
DROP INDEX `match_need_id`;
-- reverse: create index "match_offer_id_need_id" to table: "matches"
DROP INDEX `match_offer_id_need_id`;
-- reverse: set sequence for "matches" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "matches";
-- reverse: create "matches" table
DROP TABLE `matches`;
-- reverse: create index "country_name" to table: "countries"
DROP INDEX `country_name`;
-- reverse: create index "country_region_id" to table: "countries"
DROP INDEX `country_region_id`;
-- reverse: create index "countries_iso3_key" to table: "countries"
DROP INDEX `countries_iso3_key`;
-- reverse: create index "countries_code_key" to table: "countries"
DROP INDEX `countries_code_key`;
-- reverse: set sequence for "countries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "countries";
-- reverse: create "countries" table
DROP TABLE `countries`;
-- reverse: create index "consultant_name" to table: "consultants"
DROP INDEX `consultant_name`;
-- reverse: create index "consultant_nationality_id" to table: "consultants"
DROP INDEX `consultant_nationality_id`;
-- reverse: set sequence for "consultants" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "consultants";
-- reverse: create "consultants" table
DROP TABLE `consultants`;
-- reverse: create index "activity_status" to table: "activities"
DROP INDEX `activity_status`;
-- reverse: create index "activity_kind_start_date" to table: "activities"
DROP INDEX `activity_kind_start_date`;
-- reverse: create index "activity_start_date" to table: "activities"
DROP INDEX `activity_start_date`;
-- reverse: create index "activity_venue_country_id" to table: "activities"
DROP INDEX `activity_venue_country_id`;
-- reverse: create index "activity_project_id" to table: "activities"
DROP INDEX `activity_project_id`;
-- reverse: create "activities" table
DROP TABLE `activities`;
