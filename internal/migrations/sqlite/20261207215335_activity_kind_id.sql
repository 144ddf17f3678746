-- +goose Up
-- create index "activity_kind_id" to table: "activities"
CREATE INDEX `activity_kind_id` ON `activities` (`kind`, `id`);

-- +goose Down
-- reverse: create index "activity_kind_id" to table: "activities"
DROP INDEX `activity_kind_id`;
