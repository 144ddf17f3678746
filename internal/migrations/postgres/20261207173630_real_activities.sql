-- +goose Up
-- modify "organizations" table
ALTER TABLE "organizations" ADD COLUMN "sources" jsonb NOT NULL DEFAULT '[]';
-- modify "projects" table
ALTER TABLE "projects" ADD COLUMN "facts" jsonb NOT NULL DEFAULT '[]';
-- modify "activities" table
ALTER TABLE "activities" ALTER COLUMN "start_date" DROP NOT NULL, ALTER COLUMN "end_date" DROP NOT NULL, ALTER COLUMN "participants" DROP NOT NULL, ALTER COLUMN "participants" DROP DEFAULT, ADD COLUMN "start_date_precision" character varying NOT NULL DEFAULT 'DAY', ADD COLUMN "end_date_precision" character varying NOT NULL DEFAULT 'DAY', ADD COLUMN "participants_approximate" boolean NOT NULL DEFAULT false, ADD COLUMN "note" text NULL, ADD COLUMN "quote" text NULL, ADD COLUMN "sources" jsonb NOT NULL DEFAULT '[]', ADD COLUMN "requester_id" bigint NULL, ADD CONSTRAINT "activities_organizations_requested_activities" FOREIGN KEY ("requester_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "activity_requester_id" to table: "activities"
CREATE INDEX "activity_requester_id" ON "activities" ("requester_id");
-- create "activity_organizers" table
CREATE TABLE "activity_organizers" ("start_date" timestamptz NULL, "activity_id" bigint NOT NULL, "organization_id" bigint NOT NULL, PRIMARY KEY ("activity_id", "organization_id"), CONSTRAINT "activity_organizers_activity_id" FOREIGN KEY ("activity_id") REFERENCES "activities" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "activity_organizers_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- create index "activity_organizers_organization_id_activity_id" to table: "activity_organizers"
CREATE INDEX "activity_organizers_organization_id_activity_id" ON "activity_organizers" ("organization_id", "activity_id");
-- create index "activity_organizers_organization_id_start_date" to table: "activity_organizers"
CREATE INDEX "activity_organizers_organization_id_start_date" ON "activity_organizers" ("organization_id", "start_date" DESC, "activity_id");
-- Hand-written: the organizers' copy of the activity's start date, kept by
-- the database like the other join tables' (20261128064501).
CREATE TRIGGER "activity_organizers_start_date" BEFORE INSERT ON "activity_organizers" FOR EACH ROW EXECUTE FUNCTION "sscgraph_copy_activities_start_date"();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION "sscgraph_activities_start_date_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "activity_beneficiary_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_provider_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_topics" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_consultants" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_partners" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_organizers" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION "sscgraph_activities_start_date_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "activity_beneficiary_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_provider_countries" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_topics" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_consultants" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  UPDATE "activity_partners" SET "start_date" = NEW."start_date" WHERE "activity_id" = NEW."id";
  RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TRIGGER "activity_organizers_start_date" ON "activity_organizers";
-- reverse: create index "activity_organizers_organization_id_start_date" to table: "activity_organizers"
DROP INDEX "activity_organizers_organization_id_start_date";
-- reverse: create index "activity_organizers_organization_id_activity_id" to table: "activity_organizers"
DROP INDEX "activity_organizers_organization_id_activity_id";
-- reverse: create "activity_organizers" table
DROP TABLE "activity_organizers";
-- reverse: create index "activity_requester_id" to table: "activities"
DROP INDEX "activity_requester_id";
-- reverse: modify "activities" table
ALTER TABLE "activities" DROP CONSTRAINT "activities_organizations_requested_activities", DROP COLUMN "requester_id", DROP COLUMN "sources", DROP COLUMN "quote", DROP COLUMN "note", DROP COLUMN "participants_approximate", DROP COLUMN "end_date_precision", DROP COLUMN "start_date_precision", ALTER COLUMN "participants" SET NOT NULL, ALTER COLUMN "participants" SET DEFAULT 0, ALTER COLUMN "end_date" SET NOT NULL, ALTER COLUMN "start_date" SET NOT NULL;
-- reverse: modify "projects" table
ALTER TABLE "projects" DROP COLUMN "facts";
-- reverse: modify "organizations" table
ALTER TABLE "organizations" DROP COLUMN "sources";
