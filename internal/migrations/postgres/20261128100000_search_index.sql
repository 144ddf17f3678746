-- +goose Up
-- Hand-written: the full-text index of search (internal/search), which the
-- database keeps in step with the searchable tables in the writing
-- transaction. A row's id is its key: keys are unique across tables (each
-- type owns a range). Accents are folded by sscgraph_fold, a translate()
-- of the accented Latin letters, because the unaccent extension cannot be
-- counted on where sscgraph is deployed; internal/search folds queries with
-- the same table. Titles weigh A, the rest B, so that ts_rank puts a title
-- match first. Consultants' e-mail addresses are never indexed.
-- +goose StatementBegin
CREATE FUNCTION sscgraph_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(translate(t, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŒœÆæß', 'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyyOoAas'))
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION sscgraph_search_doc(title text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple', sscgraph_fold(title)), 'A') || setweight(to_tsvector('simple', sscgraph_fold(body)), 'B')
$$;
-- +goose StatementEnd
CREATE TABLE "search_docs" ("id" bigint NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "doc" tsvector NOT NULL, PRIMARY KEY ("id"));
CREATE INDEX "search_docs_doc" ON "search_docs" USING gin ("doc");
-- +goose StatementBegin
-- The trigger's arguments name the title and body columns of the table
-- (an empty name: no body), so that one function serves every table.
CREATE FUNCTION sscgraph_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  t text;
  b text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_docs WHERE id = OLD.id;
    RETURN OLD;
  END IF;
  r := to_jsonb(NEW);
  t := coalesce(r->>TG_ARGV[0], '');
  b := coalesce(r->>TG_ARGV[1], '');
  INSERT INTO search_docs (id, title, body, doc) VALUES (NEW.id, t, b, sscgraph_search_doc(t, b))
    ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, doc = EXCLUDED.doc;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "title", coalesce("summary", ''), sscgraph_search_doc("title", coalesce("summary", '')) FROM "projects";
CREATE TRIGGER "projects_search_write" AFTER INSERT OR UPDATE OF "title", "summary" ON "projects" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'summary');
CREATE TRIGGER "projects_search_delete" AFTER DELETE ON "projects" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'summary');
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "title", coalesce("description", ''), sscgraph_search_doc("title", coalesce("description", '')) FROM "activities";
CREATE TRIGGER "activities_search_write" AFTER INSERT OR UPDATE OF "title", "description" ON "activities" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');
CREATE TRIGGER "activities_search_delete" AFTER DELETE ON "activities" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "name", coalesce("bio", ''), sscgraph_search_doc("name", coalesce("bio", '')) FROM "consultants";
CREATE TRIGGER "consultants_search_write" AFTER INSERT OR UPDATE OF "name", "bio" ON "consultants" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('name', 'bio');
CREATE TRIGGER "consultants_search_delete" AFTER DELETE ON "consultants" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('name', 'bio');
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "name", '', sscgraph_search_doc("name", '') FROM "organizations";
CREATE TRIGGER "organizations_search_write" AFTER INSERT OR UPDATE OF "name" ON "organizations" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('name', '');
CREATE TRIGGER "organizations_search_delete" AFTER DELETE ON "organizations" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('name', '');
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "title", coalesce("description", ''), sscgraph_search_doc("title", coalesce("description", '')) FROM "match_offers";
CREATE TRIGGER "match_offers_search_write" AFTER INSERT OR UPDATE OF "title", "description" ON "match_offers" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');
CREATE TRIGGER "match_offers_search_delete" AFTER DELETE ON "match_offers" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');
INSERT INTO "search_docs" ("id", "title", "body", "doc") SELECT "id", "title", coalesce("description", ''), sscgraph_search_doc("title", coalesce("description", '')) FROM "match_needs";
CREATE TRIGGER "match_needs_search_write" AFTER INSERT OR UPDATE OF "title", "description" ON "match_needs" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');
CREATE TRIGGER "match_needs_search_delete" AFTER DELETE ON "match_needs" FOR EACH ROW EXECUTE FUNCTION sscgraph_search_sync('title', 'description');

-- +goose Down
DROP TRIGGER "projects_search_write" ON "projects";
DROP TRIGGER "projects_search_delete" ON "projects";
DROP TRIGGER "activities_search_write" ON "activities";
DROP TRIGGER "activities_search_delete" ON "activities";
DROP TRIGGER "consultants_search_write" ON "consultants";
DROP TRIGGER "consultants_search_delete" ON "consultants";
DROP TRIGGER "organizations_search_write" ON "organizations";
DROP TRIGGER "organizations_search_delete" ON "organizations";
DROP TRIGGER "match_offers_search_write" ON "match_offers";
DROP TRIGGER "match_offers_search_delete" ON "match_offers";
DROP TRIGGER "match_needs_search_write" ON "match_needs";
DROP TRIGGER "match_needs_search_delete" ON "match_needs";
DROP FUNCTION sscgraph_search_sync();
DROP TABLE "search_docs";
DROP FUNCTION sscgraph_search_doc(text, text);
DROP FUNCTION sscgraph_fold(text);
