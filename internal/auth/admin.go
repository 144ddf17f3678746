package auth

import (
	"context"
	"fmt"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/apikey"
	"sscgraph/ent/organization"
	"sscgraph/internal/validate"
	"sscgraph/internal/viewer"
)

// CreateOptions describe a new key.
type CreateOptions struct {
	Role           string
	Name           string
	OrganizationID int           // required for MEMBER, refused otherwise
	ExpiresIn      time.Duration // 0: never
}

// Create stores a new key and returns it with the key itself, which is not
// stored and cannot be shown again.
func Create(ctx context.Context, client *ent.Client, opts CreateOptions) (*ent.APIKey, string, error) {
	var rec *ent.APIKey
	var key string
	err := inTx(ctx, client, func(c *ent.Client) (err error) {
		rec, key, err = CreateAs(operator(ctx), c, opts)
		return err
	})
	return rec, key, err
}

// CreateAs is Create on behalf of the caller in ctx: the schema's privacy
// rules decide whether the caller may (only ADMIN keys may).
func CreateAs(ctx context.Context, client *ent.Client, opts CreateOptions) (*ent.APIKey, string, error) {
	switch opts.Role {
	case RoleAdmin, RoleEditor:
		if opts.OrganizationID != 0 {
			return nil, "", validate.Errorf("organizationID", "only MEMBER keys belong to an organization")
		}
	case RoleMember:
		if opts.OrganizationID == 0 {
			return nil, "", validate.Errorf("organizationID", "a MEMBER key needs the organization it acts for")
		}
		exists, err := client.Organization.Query().Where(organization.ID(opts.OrganizationID)).Exist(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("checking organization: %w", err)
		}
		if !exists {
			return nil, "", validate.Errorf("organizationID", "no organization has that ID")
		}
	default:
		return nil, "", validate.Errorf("role", "role must be ADMIN, EDITOR or MEMBER, got %q", opts.Role)
	}
	if opts.ExpiresIn < 0 {
		return nil, "", validate.Errorf("expiresInSeconds", "expiry must be in the future")
	}
	key, hash, hint, err := NewKey()
	if err != nil {
		return nil, "", err
	}
	c := client.APIKey.Create().SetRole(apikey.Role(opts.Role)).SetHash(hash).SetHint(hint)
	if opts.Name != "" {
		c.SetName(opts.Name)
	}
	if opts.OrganizationID != 0 {
		c.SetOrganizationID(opts.OrganizationID)
	}
	if opts.ExpiresIn > 0 {
		c.SetExpiresAt(time.Now().Add(opts.ExpiresIn).UTC())
	}
	rec, err := c.Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("storing key: %w", err)
	}
	return rec, key, nil
}

// List returns every key, newest first.
func List(ctx context.Context, client *ent.Client) ([]*ent.APIKey, error) {
	ctx = viewer.WithSystem(ctx, viewer.System{Name: "CLI"})
	keys, err := client.APIKey.Query().WithOrganization().Order(ent.Desc(apikey.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing keys: %w", err)
	}
	return keys, nil
}

// Revoke ends a key now. Revoking a revoked key is an error, so that a
// mistyped ID does not pass unnoticed.
func Revoke(ctx context.Context, client *ent.Client, id int) error {
	return inTx(ctx, client, func(c *ent.Client) error { return RevokeAs(operator(ctx), c, id) })
}

// RevokeAs is Revoke on behalf of the caller in ctx (ADMIN keys only). It
// is a change of one row, so that the audit hook records it.
func RevokeAs(ctx context.Context, client *ent.Client, id int) error {
	err := client.APIKey.UpdateOneID(id).
		Where(apikey.RevokedAtIsNil()).
		SetRevokedAt(time.Now().UTC()).
		Exec(ctx)
	switch {
	case ent.IsNotFound(err):
		return validate.Errorf("id", "no unrevoked key has that ID")
	case err != nil:
		return fmt.Errorf("revoking key: %w", err)
	}
	return nil
}

// operator marks ctx as sscgraph's command line acting for the operator:
// the schema's rules let it through and the audit trail records it as CLI.
func operator(ctx context.Context) context.Context {
	return viewer.WithSystem(ctx, viewer.System{Name: "CLI", Audited: true})
}

// inTx runs f in a transaction of client's, so that a key and its audit
// event are written together or not at all.
func inTx(ctx context.Context, client *ent.Client, f func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("starting transaction: %w", err)
	}
	if err := f(tx.Client()); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rolling back: %v)", err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// NewAPIKey is a key just made: the secret, shown once, and its record.
type NewAPIKey struct {
	Key    string
	APIKey *ent.APIKey
}

// CreateAPIKeyInput is the GraphQL input of createAPIKey.
type CreateAPIKeyInput struct {
	Role             apikey.Role
	OrganizationID   *int
	Name             *string
	ExpiresInSeconds *int
}
