-- +goose Up
-- modify "activities" table
ALTER TABLE "activities" ADD COLUMN "ref" character varying NULL;
-- create index "activities_ref_key" to table: "activities"
CREATE UNIQUE INDEX "activities_ref_key" ON "activities" ("ref");
-- modify "activity_beneficiary_countries" table
ALTER TABLE "activity_beneficiary_countries" ADD COLUMN "participants" bigint NULL;
-- modify "consultants" table
ALTER TABLE "consultants" ADD COLUMN "ref" character varying NULL;
-- create index "consultants_ref_key" to table: "consultants"
CREATE UNIQUE INDEX "consultants_ref_key" ON "consultants" ("ref");
-- modify "countries" table
ALTER TABLE "countries" ADD COLUMN "name_ar" character varying NULL, ADD COLUMN "name_es" character varying NULL, ADD COLUMN "name_fr" character varying NULL, ADD COLUMN "name_ru" character varying NULL, ADD COLUMN "name_zh" character varying NULL;
-- modify "match_needs" table
ALTER TABLE "match_needs" ADD COLUMN "ref" character varying NULL;
-- create index "match_needs_ref_key" to table: "match_needs"
CREATE UNIQUE INDEX "match_needs_ref_key" ON "match_needs" ("ref");
-- modify "match_offers" table
ALTER TABLE "match_offers" ADD COLUMN "ref" character varying NULL;
-- create index "match_offers_ref_key" to table: "match_offers"
CREATE UNIQUE INDEX "match_offers_ref_key" ON "match_offers" ("ref");
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "ref" character varying NULL;
-- create index "organizations_ref_key" to table: "organizations"
CREATE UNIQUE INDEX "organizations_ref_key" ON "organizations" ("ref");
-- modify "projects" table
ALTER TABLE "projects" ADD COLUMN "sources" jsonb NOT NULL DEFAULT '[]';

-- +goose Down
-- reverse: modify "projects" table
ALTER TABLE "projects" DROP COLUMN "sources";
-- reverse: create index "organizations_ref_key" to table: "organizations"
DROP INDEX "organizations_ref_key";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "ref";
-- reverse: create index "match_offers_ref_key" to table: "match_offers"
DROP INDEX "match_offers_ref_key";
-- reverse: modify "match_offers" table
ALTER TABLE "match_offers" DROP COLUMN "ref";
-- reverse: create index "match_needs_ref_key" to table: "match_needs"
DROP INDEX "match_needs_ref_key";
-- reverse: modify "match_needs" table
ALTER TABLE "match_needs" DROP COLUMN "ref";
-- reverse: modify "countries" table
ALTER TABLE "countries" DROP COLUMN "name_zh", DROP COLUMN "name_ru", DROP COLUMN "name_fr", DROP COLUMN "name_es", DROP COLUMN "name_ar";
-- reverse: create index "consultants_ref_key" to table: "consultants"
DROP INDEX "consultants_ref_key";
-- reverse: modify "consultants" table
ALTER TABLE "consultants" DROP COLUMN "ref";
-- reverse: modify "activity_beneficiary_countries" table
ALTER TABLE "activity_beneficiary_countries" DROP COLUMN "participants";
-- reverse: create index "activities_ref_key" to table: "activities"
DROP INDEX "activities_ref_key";
-- reverse: modify "activities" table
ALTER TABLE "activities" DROP COLUMN "ref";
