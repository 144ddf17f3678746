-- +goose Up
-- Hand-written: the copies of the children's dates in the join tables
-- (ent/schema/sortkeys.go), which the database keeps: filled for the rows
-- there are, set on every new row, and changed with the child's date.

UPDATE `activity_beneficiary_countries` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `activities`.`id` = `activity_beneficiary_countries`.`activity_id`);
UPDATE `activity_provider_countries` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `activities`.`id` = `activity_provider_countries`.`activity_id`);
UPDATE `activity_topics` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `activities`.`id` = `activity_topics`.`activity_id`);
UPDATE `activity_consultants` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `activities`.`id` = `activity_consultants`.`activity_id`);
UPDATE `activity_partners` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `activities`.`id` = `activity_partners`.`activity_id`);
-- +goose StatementBegin
CREATE TRIGGER `activity_beneficiary_countries_start_date` AFTER INSERT ON `activity_beneficiary_countries` BEGIN
  UPDATE `activity_beneficiary_countries` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `country_id` = NEW.`country_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activity_provider_countries_start_date` AFTER INSERT ON `activity_provider_countries` BEGIN
  UPDATE `activity_provider_countries` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `country_id` = NEW.`country_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activity_topics_start_date` AFTER INSERT ON `activity_topics` BEGIN
  UPDATE `activity_topics` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `topic_id` = NEW.`topic_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activity_consultants_start_date` AFTER INSERT ON `activity_consultants` BEGIN
  UPDATE `activity_consultants` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `consultant_id` = NEW.`consultant_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activity_partners_start_date` AFTER INSERT ON `activity_partners` BEGIN
  UPDATE `activity_partners` SET `start_date` = (SELECT `start_date` FROM `activities` WHERE `id` = NEW.`activity_id`) WHERE `activity_id` = NEW.`activity_id` AND `organization_id` = NEW.`organization_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_start_date_copies` AFTER UPDATE OF `start_date` ON `activities` BEGIN
  UPDATE `activity_beneficiary_countries` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_provider_countries` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_topics` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_consultants` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
  UPDATE `activity_partners` SET `start_date` = NEW.`start_date` WHERE `activity_id` = NEW.`id`;
END;
-- +goose StatementEnd

UPDATE `match_offer_topics` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `match_offers`.`id` = `match_offer_topics`.`match_offer_id`);
UPDATE `match_offer_target_countries` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `match_offers`.`id` = `match_offer_target_countries`.`match_offer_id`);
UPDATE `match_offer_target_regions` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `match_offers`.`id` = `match_offer_target_regions`.`match_offer_id`);
-- +goose StatementBegin
CREATE TRIGGER `match_offer_topics_posted_at` AFTER INSERT ON `match_offer_topics` BEGIN
  UPDATE `match_offer_topics` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `id` = NEW.`match_offer_id`) WHERE `match_offer_id` = NEW.`match_offer_id` AND `topic_id` = NEW.`topic_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_offer_target_countries_posted_at` AFTER INSERT ON `match_offer_target_countries` BEGIN
  UPDATE `match_offer_target_countries` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `id` = NEW.`match_offer_id`) WHERE `match_offer_id` = NEW.`match_offer_id` AND `country_id` = NEW.`country_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_offer_target_regions_posted_at` AFTER INSERT ON `match_offer_target_regions` BEGIN
  UPDATE `match_offer_target_regions` SET `posted_at` = (SELECT `posted_at` FROM `match_offers` WHERE `id` = NEW.`match_offer_id`) WHERE `match_offer_id` = NEW.`match_offer_id` AND `region_id` = NEW.`region_id`;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_offers_posted_at_copies` AFTER UPDATE OF `posted_at` ON `match_offers` BEGIN
  UPDATE `match_offer_topics` SET `posted_at` = NEW.`posted_at` WHERE `match_offer_id` = NEW.`id`;
  UPDATE `match_offer_target_countries` SET `posted_at` = NEW.`posted_at` WHERE `match_offer_id` = NEW.`id`;
  UPDATE `match_offer_target_regions` SET `posted_at` = NEW.`posted_at` WHERE `match_offer_id` = NEW.`id`;
END;
-- +goose StatementEnd


-- +goose Down
DROP TRIGGER `activity_beneficiary_countries_start_date`;
DROP TRIGGER `activity_provider_countries_start_date`;
DROP TRIGGER `activity_topics_start_date`;
DROP TRIGGER `activity_consultants_start_date`;
DROP TRIGGER `activity_partners_start_date`;
DROP TRIGGER `activities_start_date_copies`;
DROP TRIGGER `match_offer_topics_posted_at`;
DROP TRIGGER `match_offer_target_countries_posted_at`;
DROP TRIGGER `match_offer_target_regions_posted_at`;
DROP TRIGGER `match_offers_posted_at_copies`;
