-- +goose Up
-- drop index "activity_project_id" from table: "activities"
DROP INDEX `activity_project_id`;
-- drop index "activity_venue_country_id" from table: "activities"
DROP INDEX `activity_venue_country_id`;
-- create index "activity_project_id_start_date" to table: "activities"
CREATE INDEX `activity_project_id_start_date` ON `activities` (`project_id`, `start_date` DESC);
-- create index "activity_venue_country_id_start_date" to table: "activities"
CREATE INDEX `activity_venue_country_id_start_date` ON `activities` (`venue_country_id`, `start_date` DESC);
-- drop index "matchneed_seeker_id" from table: "match_needs"
DROP INDEX `matchneed_seeker_id`;
-- drop index "matchneed_country_id" from table: "match_needs"
DROP INDEX `matchneed_country_id`;
-- create index "matchneed_seeker_id_posted_at" to table: "match_needs"
CREATE INDEX `matchneed_seeker_id_posted_at` ON `match_needs` (`seeker_id`, `posted_at` DESC);
-- create index "matchneed_country_id_posted_at" to table: "match_needs"
CREATE INDEX `matchneed_country_id_posted_at` ON `match_needs` (`country_id`, `posted_at` DESC);
-- drop index "matchoffer_provider_id" from table: "match_offers"
DROP INDEX `matchoffer_provider_id`;
-- create index "matchoffer_provider_id_posted_at" to table: "match_offers"
CREATE INDEX `matchoffer_provider_id_posted_at` ON `match_offers` (`provider_id`, `posted_at` DESC);

-- +goose Down
-- reverse: create index "matchoffer_provider_id_posted_at" to table: "match_offers"
DROP INDEX `matchoffer_provider_id_posted_at`;
-- reverse: drop index "matchoffer_provider_id" from table: "match_offers"
CREATE INDEX `matchoffer_provider_id` ON `match_offers` (`provider_id`);
-- reverse: create index "matchneed_country_id_posted_at" to table: "match_needs"
DROP INDEX `matchneed_country_id_posted_at`;
-- reverse: create index "matchneed_seeker_id_posted_at" to table: "match_needs"
DROP INDEX `matchneed_seeker_id_posted_at`;
-- reverse: drop index "matchneed_country_id" from table: "match_needs"
CREATE INDEX `matchneed_country_id` ON `match_needs` (`country_id`);
-- reverse: drop index "matchneed_seeker_id" from table: "match_needs"
CREATE INDEX `matchneed_seeker_id` ON `match_needs` (`seeker_id`);
-- reverse: create index "activity_venue_country_id_start_date" to table: "activities"
DROP INDEX `activity_venue_country_id_start_date`;
-- reverse: create index "activity_project_id_start_date" to table: "activities"
DROP INDEX `activity_project_id_start_date`;
-- reverse: drop index "activity_venue_country_id" from table: "activities"
CREATE INDEX `activity_venue_country_id` ON `activities` (`venue_country_id`);
-- reverse: drop index "activity_project_id" from table: "activities"
CREATE INDEX `activity_project_id` ON `activities` (`project_id`);
