-- +goose Up
-- Hand-written: the full-text index of search (internal/search), which the
-- database keeps in step with the searchable tables in the writing
-- transaction. FTS4 rather than FTS5: go-sqlite3 compiles FTS4 in by
-- default, FTS5 only under a build tag every command would have to carry.
-- A row's docid is its key: keys are unique across tables (each type owns
-- a range), so the index needs no type column. Consultants' e-mail
-- addresses are never indexed.
CREATE VIRTUAL TABLE `search_fts` USING fts4(title, body, tokenize=unicode61 "remove_diacritics=2", prefix="2,3");
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `title`, coalesce(`summary`, '') FROM `projects`;
-- +goose StatementBegin
CREATE TRIGGER `projects_search_insert` AFTER INSERT ON `projects` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`summary`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `projects_search_update` AFTER UPDATE OF `title`, `summary` ON `projects` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`summary`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `projects_search_delete` AFTER DELETE ON `projects` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `title`, coalesce(`description`, '') FROM `activities`;
-- +goose StatementBegin
CREATE TRIGGER `activities_search_insert` AFTER INSERT ON `activities` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_search_update` AFTER UPDATE OF `title`, `description` ON `activities` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `activities_search_delete` AFTER DELETE ON `activities` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `name`, coalesce(`bio`, '') FROM `consultants`;
-- +goose StatementBegin
CREATE TRIGGER `consultants_search_insert` AFTER INSERT ON `consultants` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`name`, coalesce(NEW.`bio`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `consultants_search_update` AFTER UPDATE OF `name`, `bio` ON `consultants` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`name`, coalesce(NEW.`bio`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `consultants_search_delete` AFTER DELETE ON `consultants` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `name`, '' FROM `organizations`;
-- +goose StatementBegin
CREATE TRIGGER `organizations_search_insert` AFTER INSERT ON `organizations` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`name`, '');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `organizations_search_update` AFTER UPDATE OF `name` ON `organizations` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`name`, '');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `organizations_search_delete` AFTER DELETE ON `organizations` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `title`, coalesce(`description`, '') FROM `match_offers`;
-- +goose StatementBegin
CREATE TRIGGER `match_offers_search_insert` AFTER INSERT ON `match_offers` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_offers_search_update` AFTER UPDATE OF `title`, `description` ON `match_offers` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_offers_search_delete` AFTER DELETE ON `match_offers` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd
INSERT INTO `search_fts` (docid, title, body) SELECT `id`, `title`, coalesce(`description`, '') FROM `match_needs`;
-- +goose StatementBegin
CREATE TRIGGER `match_needs_search_insert` AFTER INSERT ON `match_needs` BEGIN
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_needs_search_update` AFTER UPDATE OF `title`, `description` ON `match_needs` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
  INSERT INTO `search_fts` (docid, title, body) VALUES (NEW.`id`, NEW.`title`, coalesce(NEW.`description`, ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `match_needs_search_delete` AFTER DELETE ON `match_needs` BEGIN
  DELETE FROM `search_fts` WHERE docid = OLD.`id`;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER `projects_search_insert`;
DROP TRIGGER `projects_search_update`;
DROP TRIGGER `projects_search_delete`;
DROP TRIGGER `activities_search_insert`;
DROP TRIGGER `activities_search_update`;
DROP TRIGGER `activities_search_delete`;
DROP TRIGGER `consultants_search_insert`;
DROP TRIGGER `consultants_search_update`;
DROP TRIGGER `consultants_search_delete`;
DROP TRIGGER `organizations_search_insert`;
DROP TRIGGER `organizations_search_update`;
DROP TRIGGER `organizations_search_delete`;
DROP TRIGGER `match_offers_search_insert`;
DROP TRIGGER `match_offers_search_update`;
DROP TRIGGER `match_offers_search_delete`;
DROP TRIGGER `match_needs_search_insert`;
DROP TRIGGER `match_needs_search_update`;
DROP TRIGGER `match_needs_search_delete`;
DROP TABLE `search_fts`;
