-- +goose Up
-- create index "matchoffer_status_posted_at_id" to table: "match_offers"
CREATE INDEX "matchoffer_status_posted_at_id" ON "match_offers" ("status", "posted_at" DESC, "id");

-- +goose Down
-- reverse: create index "matchoffer_status_posted_at_id" to table: "match_offers"
DROP INDEX "matchoffer_status_posted_at_id";
