-- +goose Up
-- Hand-written: the copies of the children's dates in the join tables
-- (ent/schema/sortkeys.go), which the database keeps: filled for the rows
-- there are, set on every new row, and changed with the child's date.

UPDATE "activity_beneficiary_countries" SET "start_date" = s."start_date" FROM "activities" s WHERE s."id" = "activity_beneficiary_countries"."activity_id";
UPDATE "activity_provider_countries" SET "start_date" = s."start_date" FROM "activities" s WHERE s."id" = "activity_provider_countries"."activity_id";
UPDATE "activity_topics" SET "start_date" = s."start_date" FROM "activities" s WHERE s."id" = "activity_topics"."activity_id";
UPDATE "activity_consultants" SET "start_date" = s."start_date" FROM "activities" s WHERE s."id" = "activity_consultants"."activity_id";
UPDATE "activity_partners" SET "start_date" = s."start_date" FROM "activities" s WHERE s."id" = "activity_partners"."activity_id";
-- +goose StatementBegin
CREATE FUNCTION "sscgraph_copy_activities_start_date"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."start_date" := (SELECT "start_date" FROM "activities" WHERE "id" = NEW."activity_id");
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER "activity_beneficiary_countries_start_date" BEFORE INSERT ON "activity_beneficiary_countries" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
CREATE TRIGGER "activity_provider_countries_start_date" BEFORE INSERT ON "activity_provider_countries" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
CREATE TRIGGER "activity_topics_start_date" BEFORE INSERT ON "activity_topics" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
CREATE TRIGGER "activity_consultants_start_date" BEFORE INSERT ON "activity_consultants" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
CREATE TRIGGER "activity_partners_start_date" BEFORE INSERT ON "activity_partners" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
-- +goose StatementBegin
CREATE FUNCTION "sscgraph_activities_start_date_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "activity_beneficiary_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_provider_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_topics" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_consultants" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_partners" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER "activities_start_date_copies" AFTER UPDATE OF "start_date" ON "activities" FOR EACH ROW WHEN (OLD."start_date" IS DISTINCT FROM NEW."start_date") EXECUTE FUNCTION "sscgraph_activities_start_date_changed"();

UPDATE "match_offer_topics" SET "posted_at" = s."posted_at" FROM "match_offers" s WHERE s."id" = "match_offer_topics"."match_offer_id";
UPDATE "match_offer_target_countries" SET "posted_at" = s."posted_at" FROM "match_offers" s WHERE s."id" = "match_offer_target_countries"."match_offer_id";
UPDATE "match_offer_target_regions" SET "posted_at" = s."posted_at" FROM "match_offers" s WHERE s."id" = "match_offer_target_regions"."match_offer_id";
-- +goose StatementBegin
CREATE FUNCTION "sscgraph_copy_match_offers_posted_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."posted_at" := (SELECT "posted_at" FROM "match_offers" WHERE "id" = NEW."match_offer_id");
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER "match_offer_topics_posted_at" BEFORE INSERT ON "match_offer_topics" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_match_offers_posted_at"();
CREATE TRIGGER "match_offer_target_countries_posted_at" BEFORE INSERT ON "match_offer_target_countries" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_match_offers_posted_at"();
CREATE TRIGGER "match_offer_target_regions_posted_at" BEFORE INSERT ON "match_offer_target_regions" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_match_offers_posted_at"();
-- +goose StatementBegin
CREATE FUNCTION "sscgraph_match_offers_posted_at_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "match_offer_topics" SET "posted_at" = NEW."posted_at" WHERE "match_offer_id" = NEW."id";
  UPDATE "match_offer_target_countries" SET "posted_at" = NEW."posted_at" WHERE "match_offer_id" = NEW."id";
  UPDATE "match_offer_target_regions" SET "posted_at" = NEW."posted_at" WHERE "match_offer_id" = NEW."id";
  RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER "match_offers_posted_at_copies" AFTER UPDATE OF "posted_at" ON "match_offers" FOR EACH ROW WHEN (OLD."posted_at" IS DISTINCT FROM NEW."posted_at") EXECUTE FUNCTION "sscgraph_match_offers_posted_at_changed"();


-- +goose Down
DROP TRIGGER "activities_start_date_copies" ON "activities";
DROP FUNCTION "sscgraph_activities_start_date_changed";
DROP TRIGGER "activity_beneficiary_countries_start_date" ON "activity_beneficiary_countries";
DROP TRIGGER "activity_provider_countries_start_date" ON "activity_provider_countries";
DROP TRIGGER "activity_topics_start_date" ON "activity_topics";
DROP TRIGGER "activity_consultants_start_date" ON "activity_consultants";
DROP TRIGGER "activity_partners_start_date" ON "activity_partners";
DROP FUNCTION "sscgraph_copy_activities_start_date";
DROP TRIGGER "match_offers_posted_at_copies" ON "match_offers";
DROP FUNCTION "sscgraph_match_offers_posted_at_changed";
DROP TRIGGER "match_offer_topics_posted_at" ON "match_offer_topics";
DROP TRIGGER "match_offer_target_countries_posted_at" ON "match_offer_target_countries";
DROP TRIGGER "match_offer_target_regions_posted_at" ON "match_offer_target_regions";
DROP FUNCTION "sscgraph_copy_match_offers_posted_at";
