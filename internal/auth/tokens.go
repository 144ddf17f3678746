package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"sscgraph/ent"
	"sscgraph/ent/organization"
	"sscgraph/internal/viewer"
)

// tokens is the OpenID Connect side of Keys: the verifier, and what it
// remembers so that a browser sending the same token with every request
// costs one signature check and one organization look-up per cacheTTL.
type tokens struct {
	oidc *OIDC
	// known maps a token's hash to the viewer it named, for cacheTTL
	// (and never past the token's expiry).
	known *expirable.LRU[string, cachedToken]
}

type cachedToken struct {
	viewer  *viewer.Viewer
	fetched time.Time
}

// UseOIDC makes k accept the tokens o verifies, beside API keys: a Bearer
// value that does not start like an sscgraph key is read as a token.
func (k *Keys) UseOIDC(o *OIDC) {
	k.tokens = &tokens{oidc: o, known: expirable.NewLRU[string, cachedToken](cacheSize, nil, cacheTTL)}
}

// bearerToken returns the token of a Bearer Authorization header whose
// value is not an sscgraph key, when k accepts tokens.
func (k *Keys) bearerToken(header string) (string, bool) {
	if k.tokens == nil {
		return "", false
	}
	scheme, value, ok := strings.Cut(header, " ")
	value = strings.TrimSpace(value)
	if !ok || !strings.EqualFold(scheme, "Bearer") || value == "" || strings.HasPrefix(value, keyPrefix) {
		return "", false
	}
	return value, true
}

// cachedToken reports the viewer of a token verified within cacheTTL
// that has not expired since.
func (k *Keys) cachedToken(raw string, get bool) (*viewer.Viewer, bool) {
	lookup := k.tokens.known.Peek
	if get {
		lookup = k.tokens.known.Get
	}
	c, ok := lookup(Hash(raw))
	now := k.now()
	if !ok || now.Sub(c.fetched) >= cacheTTL || !now.Before(c.viewer.Expires) {
		return nil, false
	}
	return c.viewer, true
}

// authenticateToken verifies a token and resolves its organization's ref.
// Every refusal is an ErrInvalidToken saying why.
func (k *Keys) authenticateToken(ctx context.Context, raw string) (*viewer.Viewer, error) {
	if v, ok := k.cachedToken(raw, true); ok {
		cp := *v // each request its own viewer, as for keys
		return &cp, nil
	}
	id, err := k.tokens.oidc.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	v := &viewer.Viewer{Role: id.Role, Issuer: id.Issuer, Subject: id.Subject, Expires: id.Expires}
	if id.OrgRef != "" {
		// Organizations are named by ref, never by global ID, which
		// changes with the ID secret.
		org, err := k.client.Organization.Query().Where(organization.Ref(id.OrgRef)).
			Only(viewer.WithSystem(ctx, viewer.System{Name: "AUTH"}))
		switch {
		case ent.IsNotFound(err):
			return nil, refuseToken("its organization %q (claim %s) is not known: no organization has that ref", id.OrgRef, k.tokens.oidc.cfg.OrgClaim)
		case err != nil:
			return nil, fmt.Errorf("looking up the token's organization: %w", err)
		}
		v.OrganizationID = org.ID
	}
	k.tokens.known.Add(Hash(raw), cachedToken{viewer: v, fetched: k.now()})
	return v, nil
}
