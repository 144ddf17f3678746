-- +goose Up
-- Hand-edited from what Atlas wrote. SQLite cannot drop a NOT NULL, so
-- activities is rebuilt; goose runs this in a transaction, where
-- PRAGMA foreign_keys = off has no effect, so dropping the old table
-- would cascade to the join tables: their rows are kept aside and put
-- back. Dropping the table also drops its triggers (search index, date
-- copies), which are made again below; legacy_alter_table keeps the
-- rename from checking the join tables' triggers while activities is
-- missing.
PRAGMA legacy_alter_table = on;
CREATE TEMP TABLE `keep_activity_beneficiary_countries` AS SELECT `activity_id`, `country_id`, `participants` FROM `activity_beneficiary_countries`;
CREATE TEMP TABLE `keep_activity_provider_countries` AS SELECT `activity_id`, `country_id` FROM `activity_provider_countries`;
CREATE TEMP TABLE `keep_activity_topics` AS SELECT `activity_id`, `topic_id` FROM `activity_topics`;
CREATE TEMP TABLE `keep_activity_consultants` AS SELECT `activity_id`, `consultant_id` FROM `activity_consultants`;
CREATE TEMP TABLE `keep_activity_partners` AS SELECT `activity_id`, `organization_id` FROM `activity_partners`;
-- create "new_activities" table
CREATE TABLE `new_activities` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `demo` bool NOT NULL DEFAULT (false), `ref` text NULL, `title` text NOT NULL, `description` text NULL, `kind` text NOT NULL, `type` text NOT NULL, `status` text NOT NULL, `start_date` datetime NULL, `start_date_precision` text NOT NULL DEFAULT ('DAY'), `end_date` datetime NULL, `end_date_precision` text NOT NULL DEFAULT ('DAY'), `venue_city` text NULL, `language` text NULL, `participants` integer NULL, `participants_approximate` bool NOT NULL DEFAULT (false), `budget` real NULL, `note` text NULL, `quote` text NULL, `sources` json NOT NULL DEFAULT '[]', `venue_country_id` integer NULL, `requester_id` integer NULL, `project_id` integer NULL, CONSTRAINT `activities_countries_hosted_activities` FOREIGN KEY (`venue_country_id`) REFERENCES `countries` (`id`) ON DELETE SET NULL, CONSTRAINT `activities_organizations_requested_activities` FOREIGN KEY (`requester_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL, CONSTRAINT `activities_projects_activities` FOREIGN KEY (`project_id`) REFERENCES `projects` (`id`) ON DELETE SET NULL);
-- copy rows from old table "activities" to new temporary table "new_activities"
INSERT INTO `new_activities` (`id`, `demo`, `ref`, `title`, `description`, `kind`, `type`, `status`, `start_date`, `end_date`, `venue_city`, `language`, `participants`, `budget`, `venue_country_id`, `project_id`) SELECT `id`, `demo`, `ref`, `title`, `description`, `kind`, `type`, `status`, `start_date`, `end_date`, `venue_city`, `language`, `participants`, `budget`, `venue_country_id`, `project_id` FROM `activities`;
-- drop "activities" table after copying rows
DROP TABLE `activities`;
-- rename temporary table "new_activities" to "activities"
ALTER TABLE `new_activities` RENAME TO `activities`;
-- create index "activities_ref_key" to table: "activities"
CREATE UNIQUE INDEX `activities_ref_key` ON `activities` (`ref`);
-- create index "activity_project_id_start_date" to table: "activities"
CREATE INDEX `activity_project_id_start_date` ON `activities` (`project_id`, `start_date` DESC);
-- create index "activity_venue_country_id_start_date" to table: "activities"
CREATE INDEX `activity_venue_country_id_start_date` ON `activities` (`venue_country_id`, `start_date` DESC);
-- create index "activity_start_date" to table: "activities"
CREATE INDEX `activity_start_date` ON `activities` (`start_date`);
-- create index "activity_kind_start_date" to table: "activities"
CREATE INDEX `activity_kind_start_date` ON `activities` (`kind`, `start_date`);
-- create index "activity_status" to table: "activities"
CREATE INDEX `activity_status` ON `activities` (`status`);
-- create index "activity_requester_id" to table: "activities"
CREATE INDEX `activity_requester_id` ON `activities` (`requester_id`);
-- add column "sources" to table: "organizations"
ALTER TABLE `organizations` ADD COLUMN `sources` json NOT NULL DEFAULT '[]';
-- add column "facts" to table: "projects"
ALTER TABLE `projects` ADD COLUMN `facts` json NOT NULL DEFAULT '[]';
-- create "activity_organizers" table
CREATE TABLE `activity_organizers` (`start_date` datetime NULL, `activity_id` integer NOT NULL, `organization_id` integer NOT NULL, PRIMARY KEY (`activity_id`, `organization_id`), CONSTRAINT `activity_organizers_activity_id` FOREIGN KEY (`activity_id`) REFERENCES `activities` (`id`) ON DELETE CASCADE, CONSTRAINT `activity_organizers_organization_id` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE CASCADE);
-- set sequence for "activity_organizers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("activity_organizers", 103079215104);
-- create index "activity_organizers_organization_id_activity_id" to table: "activity_organizers"
CREATE INDEX `activity_organizers_organization_id_activity_id` ON `activity_organizers` (`organization_id`, `activity_id`);
-- create index "activity_organizers_organization_id_start_date" to table: "activity_organizers"
CREATE INDEX `activity_organizers_organization_id_start_date` ON `activity_organizers` (`organization_id`, `start_date` DESC, `activity_id`);
INSERT INTO `activity_beneficiary_countries` (`activity_id`, `country_id`, `participants`) SELECT `activity_id`, `country_id`, `participants` FROM `keep_activity_beneficiary_countries`;
DROP TABLE `keep_activity_beneficiary_countries`;
INSERT INTO `activity_provider_countries` (`activity_id`, `country_id`) SELECT `activity_id`, `country_id` FROM `keep_activity_provider_countries`;
DROP TABLE `keep_activity_provider_countries`;
INSERT INTO `activity_topics` (`activity_id`, `topic_id`) SELECT `activity_id`, `topic_id` FROM `keep_activity_topics`;
DROP TABLE `keep_activity_topics`;
INSERT INTO `activity_consultants` (`activity_id`, `consultant_id`) SELECT `activity_id`, `consultant_id` FROM `keep_activity_consultants`;
DROP TABLE `keep_activity_consultants`;
INSERT INTO `activity_partners` (`activity_id`, `organization_id`) SELECT `activity_id`, `organization_id` FROM `keep_activity_partners`;
DROP TABLE `keep_activity_partners`;
-- +goose StatementBegin
CREATE TRIGGER `activities_search_insert` AFTER INSERT ON `activities` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_search_update` AFTER UPDATE OF `title`, `description` ON `activities` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_search_delete` AFTER DELETE ON `activities` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activity_organizers_start_date` AFTER INSERT ON `activity_organizers` BEGIN
  UPDATE `activity_organizers` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `organization_id` = NEW.`organization_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_start_date_copies` AFTER UPDATE OF `start_date` ON `activities` BEGIN
  UPDATE `activity_beneficiary_countries` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_provider_countries` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_topics` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_consultants` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_partners` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_organizers` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
END;
-- +goose StatementEnd
PRAGMA legacy_alter_table = off;

-- +goose Down
-- Not reversible by a rebuild without losing the rows whose dates or
-- participants are unknown: restore a backup to go back.
