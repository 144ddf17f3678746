-- +goose Up
-- modify "activity_beneficiary_countries" table
ALTER TABLE "activity_beneficiary_countries" ADD COLUMN "start_date" timestamptz NULL;
-- create index "activity_beneficiary_countries_country_id_start_date" to table: "activity_beneficiary_countries"
CREATE INDEX "activity_beneficiary_countries_country_id_start_date" ON "activity_beneficiary_countries" ("country_id", "start_date" DESC, "activity_id");
-- modify "activity_consultants" table
ALTER TABLE "activity_consultants" ADD COLUMN "start_date" timestamptz NULL;
-- create index "activity_consultants_consultant_id_start_date" to table: "activity_consultants"
CREATE INDEX "activity_consultants_consultant_id_start_date" ON "activity_consultants" ("consultant_id", "start_date" DESC, "activity_id");
-- modify "activity_partners" table
ALTER TABLE "activity_partners" ADD COLUMN "start_date" timestamptz NULL;
-- create index "activity_partners_organization_id_start_date" to table: "activity_partners"
CREATE INDEX "activity_partners_organization_id_start_date" ON "activity_partners" ("organization_id", "start_date" DESC, "activity_id");
-- modify "activity_provider_countries" table
ALTER TABLE "activity_provider_countries" ADD COLUMN "start_date" timestamptz NULL;
-- create index "activity_provider_countries_country_id_start_date" to table: "activity_provider_countries"
CREATE INDEX "activity_provider_countries_country_id_start_date" ON "activity_provider_countries" ("country_id", "start_date" DESC, "activity_id");
-- modify "activity_topics" table
ALTER TABLE "activity_topics" ADD COLUMN "start_date" timestamptz NULL;
-- create index "activity_topics_topic_id_start_date" to table: "activity_topics"
CREATE INDEX "activity_topics_topic_id_start_date" ON "activity_topics" ("topic_id", "start_date" DESC, "activity_id");
-- modify "match_offer_target_countries" table
ALTER TABLE "match_offer_target_countries" ADD COLUMN "posted_at" timestamptz NULL;
-- create index "match_offer_target_countries_country_id_posted_at" to table: "match_offer_target_countries"
CREATE INDEX "match_offer_target_countries_country_id_posted_at" ON "match_offer_target_countries" ("country_id", "posted_at" DESC, "match_offer_id");
-- modify "match_offer_target_regions" table
ALTER TABLE "match_offer_target_regions" ADD COLUMN "posted_at" timestamptz NULL;
-- create index "match_offer_target_regions_region_id_posted_at" to table: "match_offer_target_regions"
CREATE INDEX "match_offer_target_regions_region_id_posted_at" ON "match_offer_target_regions" ("region_id", "posted_at" DESC, "match_offer_id");
-- modify "match_offer_topics" table
ALTER TABLE "match_offer_topics" ADD COLUMN "posted_at" timestamptz NULL;
-- create index "match_offer_topics_topic_id_posted_at" to table: "match_offer_topics"
CREATE INDEX "match_offer_topics_topic_id_posted_at" ON "match_offer_topics" ("topic_id", "posted_at" DESC, "match_offer_id");

-- +goose Down
-- reverse: create index "match_offer_topics_topic_id_posted_at" to table: "match_offer_topics"
DROP INDEX "match_offer_topics_topic_id_posted_at";
-- reverse: modify "match_offer_topics" table
ALTER TABLE "match_offer_topics" DROP COLUMN "posted_at";
-- reverse: create index "match_offer_target_regions_region_id_posted_at" to table: "match_offer_target_regions"
DROP INDEX "match_offer_target_regions_region_id_posted_at";
-- reverse: modify "match_offer_target_regions" table
ALTER TABLE "match_offer_target_regions" DROP COLUMN "posted_at";
-- reverse: create index "match_offer_target_countries_country_id_posted_at" to table: "match_offer_target_countries"
DROP INDEX "match_offer_target_countries_country_id_posted_at";
-- reverse: modify "match_offer_target_countries" table
ALTER TABLE "match_offer_target_countries" DROP COLUMN "posted_at";
-- reverse: create index "activity_topics_topic_id_start_date" to table: "activity_topics"
DROP INDEX "activity_topics_topic_id_start_date";
-- reverse: modify "activity_topics" table
ALTER TABLE "activity_topics" DROP COLUMN "start_date";
-- reverse: create index "activity_provider_countries_country_id_start_date" to table: "activity_provider_countries"
DROP INDEX "activity_provider_countries_country_id_start_date";
-- reverse: modify "activity_provider_countries" table
ALTER TABLE "activity_provider_countries" DROP COLUMN "start_date";
-- reverse: create index "activity_partners_organization_id_start_date" to table: "activity_partners"
DROP INDEX "activity_partners_organization_id_start_date";
-- reverse: modify "activity_partners" table
ALTER TABLE "activity_partners" DROP COLUMN "start_date";
-- reverse: create index "activity_consultants_consultant_id_start_date" to table: "activity_consultants"
DROP INDEX "activity_consultants_consultant_id_start_date";
-- reverse: modify "activity_consultants" table
ALTER TABLE "activity_consultants" DROP COLUMN "start_date";
-- reverse: create index "activity_beneficiary_countries_country_id_start_date" to table: "activity_beneficiary_countries"
DROP INDEX "activity_beneficiary_countries_country_id_start_date";
-- reverse: modify "activity_beneficiary_countries" table
ALTER TABLE "activity_beneficiary_countries" DROP COLUMN "start_date";
