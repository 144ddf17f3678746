-- +goose Up
-- modify "match_needs" table
ALTER TABLE "match_needs" ADD COLUMN "languages" jsonb NULL;
-- modify "match_offers" table
ALTER TABLE "match_offers" ADD COLUMN "capacity" bigint NOT NULL DEFAULT 1;
-- create index "matchoffer_status_expires_at" to table: "match_offers"
CREATE INDEX "matchoffer_status_expires_at" ON "match_offers" ("status", "expires_at");
-- drop index "match_offer_id_need_id" from table: "matches"
DROP INDEX "match_offer_id_need_id";
-- modify "matches" table
ALTER TABLE "matches" ADD COLUMN "responded_at" timestamptz NULL, ADD COLUMN "completed_at" timestamptz NULL, ADD COLUMN "live_pair" character varying NULL, ADD COLUMN "message" character varying NULL, ADD COLUMN "response" character varying NULL, ADD COLUMN "proposed_by_id" bigint NULL, ADD CONSTRAINT "matches_organizations_proposed_by" FOREIGN KEY ("proposed_by_id") REFERENCES "organizations" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "match_offer_id_need_id" to table: "matches"
CREATE INDEX "match_offer_id_need_id" ON "matches" ("offer_id", "need_id");
-- create index "matches_live_pair_key" to table: "matches"
CREATE UNIQUE INDEX "matches_live_pair_key" ON "matches" ("live_pair");

-- +goose Down
-- reverse: create index "matches_live_pair_key" to table: "matches"
DROP INDEX "matches_live_pair_key";
-- reverse: create index "match_offer_id_need_id" to table: "matches"
DROP INDEX "match_offer_id_need_id";
-- reverse: modify "matches" table
ALTER TABLE "matches" DROP CONSTRAINT "matches_organizations_proposed_by", DROP COLUMN "proposed_by_id", DROP COLUMN "response", DROP COLUMN "message", DROP COLUMN "live_pair", DROP COLUMN "completed_at", DROP COLUMN "responded_at";
-- reverse: drop index "match_offer_id_need_id" from table: "matches"
CREATE UNIQUE INDEX "match_offer_id_need_id" ON "matches" ("offer_id", "need_id");
-- reverse: create index "matchoffer_status_expires_at" to table: "match_offers"
DROP INDEX "matchoffer_status_expires_at";
-- reverse: modify "match_offers" table
ALTER TABLE "match_offers" DROP COLUMN "capacity";
-- reverse: modify "match_needs" table
ALTER TABLE "match_needs" DROP COLUMN "languages";
