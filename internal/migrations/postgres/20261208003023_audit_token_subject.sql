-- +goose Up
-- modify "audit_events" table
ALTER TABLE "audit_events" ADD COLUMN "token_issuer" character varying NULL, ADD COLUMN "token_subject" character varying NULL;

-- +goose Down
-- reverse: modify "audit_events" table
ALTER TABLE "audit_events" DROP COLUMN "token_subject", DROP COLUMN "token_issuer";
