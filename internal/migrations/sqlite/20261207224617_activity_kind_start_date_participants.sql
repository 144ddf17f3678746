-- +goose Up
-- drop index "activity_kind_start_date" from table: "activities"
DROP INDEX `activity_kind_start_date`;
-- create index "activity_kind_start_date_participants" to table: "activities"
CREATE INDEX `activity_kind_start_date_participants` ON `activities` (`kind`, `start_date`, `participants`);

-- +goose Down
-- reverse: create index "activity_kind_start_date_participants" to table: "activities"
DROP INDEX `activity_kind_start_date_participants`;
-- reverse: drop index "activity_kind_start_date" from table: "activities"
CREATE INDEX `activity_kind_start_date` ON `activities` (`kind`, `start_date`);
