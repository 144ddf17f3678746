-- +goose Up
-- Hand-edited: Atlas rebuilt activities, consultants, match_needs,
-- match_offers and organizations to place "ref" after "demo", which would
-- drop their triggers (sort keys, search index). A column added at the end
-- holds the same data; SQLite cannot add a UNIQUE column, so the unique
-- index comes separately, as Atlas creates it.
ALTER TABLE `activities` ADD COLUMN `ref` text NULL;
CREATE UNIQUE INDEX `activities_ref_key` ON `activities` (`ref`);
ALTER TABLE `consultants` ADD COLUMN `ref` text NULL;
CREATE UNIQUE INDEX `consultants_ref_key` ON `consultants` (`ref`);
ALTER TABLE `match_needs` ADD COLUMN `ref` text NULL;
CREATE UNIQUE INDEX `match_needs_ref_key` ON `match_needs` (`ref`);
ALTER TABLE `match_offers` ADD COLUMN `ref` text NULL;
CREATE UNIQUE INDEX `match_offers_ref_key` ON `match_offers` (`ref`);
ALTER TABLE `organizations` ADD COLUMN `ref` text NULL;
CREATE UNIQUE INDEX `organizations_ref_key` ON `organizations` (`ref`);
-- add column "name_ar" to table: "countries"
ALTER TABLE `countries` ADD COLUMN `name_ar` text NULL;
-- add column "name_es" to table: "countries"
ALTER TABLE `countries` ADD COLUMN `name_es` text NULL;
-- add column "name_fr" to table: "countries"
ALTER TABLE `countries` ADD COLUMN `name_fr` text NULL;
-- add column "name_ru" to table: "countries"
ALTER TABLE `countries` ADD COLUMN `name_ru` text NULL;
-- add column "name_zh" to table: "countries"
ALTER TABLE `countries` ADD COLUMN `name_zh` text NULL;
-- add column "sources" to table: "projects"
ALTER TABLE `projects` ADD COLUMN `sources` json NOT NULL DEFAULT '[]';
-- add column "participants" to table: "activity_beneficiary_countries"
ALTER TABLE `activity_beneficiary_countries` ADD COLUMN `participants` integer NULL;

-- +goose Down
ALTER TABLE `activity_beneficiary_countries` DROP COLUMN `participants`;
ALTER TABLE `projects` DROP COLUMN `sources`;
ALTER TABLE `countries` DROP COLUMN `name_zh`;
ALTER TABLE `countries` DROP COLUMN `name_ru`;
ALTER TABLE `countries` DROP COLUMN `name_fr`;
ALTER TABLE `countries` DROP COLUMN `name_es`;
ALTER TABLE `countries` DROP COLUMN `name_ar`;
DROP INDEX `organizations_ref_key`;
ALTER TABLE `organizations` DROP COLUMN `ref`;
DROP INDEX `match_offers_ref_key`;
ALTER TABLE `match_offers` DROP COLUMN `ref`;
DROP INDEX `match_needs_ref_key`;
ALTER TABLE `match_needs` DROP COLUMN `ref`;
DROP INDEX `consultants_ref_key`;
ALTER TABLE `consultants` DROP COLUMN `ref`;
DROP INDEX `activities_ref_key`;
ALTER TABLE `activities` DROP COLUMN `ref`;
