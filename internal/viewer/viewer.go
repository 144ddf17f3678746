// Package viewer carries who is asking through a request's context. It
// depends on nothing else in sscgraph, so that every layer (the HTTP
// middleware, the resolvers, the ent schema's rules) can read it.
package viewer

import (
	"context"
	"errors"
	"time"
)

// Roles a caller can have. Anonymous callers have no key and no role.
const (
	RoleAdmin  = "ADMIN"
	RoleEditor = "EDITOR"
	RoleMember = "MEMBER"
)

// Viewer is the caller of a request: an API key, a person signed in
// through the OpenID Connect provider (a token), or anonymous. A token's
// caller has the same Role and OrganizationID as a key's would, so the
// row rules and private fields treat both alike.
type Viewer struct {
	KeyID          int    // 0 for anonymous callers and tokens
	Role           string // "" for anonymous callers
	OrganizationID int    // for MEMBER keys and tokens

	// Issuer and Subject name the person of a token (its iss and sub
	// claims); "" for keys and anonymous callers.
	Issuer, Subject string
	// Expires is when the token stops being valid: a stream opened with
	// it ends then. Zero for keys (whose ends are watched in the
	// database) and anonymous callers.
	Expires time.Time
}

// Anonymous reports whether the viewer has neither a key nor a token.
func (v *Viewer) Anonymous() bool { return v == nil || (v.KeyID == 0 && v.Subject == "") }

// Token reports whether the viewer signed in with a token.
func (v *Viewer) Token() bool { return v != nil && v.Subject != "" }

type key struct{}

// With returns ctx carrying v.
func With(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, key{}, v)
}

// From returns the request's viewer; an anonymous one when there is none.
func From(ctx context.Context) *Viewer {
	if v, ok := ctx.Value(key{}).(*Viewer); ok && v != nil {
		return v
	}
	return &Viewer{}
}

// System is sscgraph's own code writing without a key: the dataset
// loader, the key commands, imports. It is the one marker of such writes:
// the schema's privacy rules let them through and the audit hook records
// them under Name, unless Audited is false (the dataset loader writes the
// initial data, which is not a change anyone made).
type System struct {
	Name    string // the tool, as the audit trail names it: "cli", …
	Audited bool
}

type systemKey struct{}

// WithSystem returns ctx marked as sscgraph's own code acting as s.
func WithSystem(ctx context.Context, s System) context.Context {
	return context.WithValue(ctx, systemKey{}, s)
}

// SystemFrom returns the marker WithSystem put in ctx, if any.
func SystemFrom(ctx context.Context) (System, bool) {
	s, ok := ctx.Value(systemKey{}).(System)
	return s, ok
}

type lookupKey struct{}

// AsLookup marks ctx as a look-up by ID (node, nodes): rows the viewer may
// not read are then answered as rows that do not exist, not refused, so
// that made-up IDs cannot tell which rows exist.
func AsLookup(ctx context.Context) context.Context {
	return context.WithValue(ctx, lookupKey{}, true)
}

// IsLookup reports whether ctx is a look-up by ID (see AsLookup).
func IsLookup(ctx context.Context) bool {
	b, _ := ctx.Value(lookupKey{}).(bool)
	return b
}

// Reasons a request is refused, which the API answers as UNAUTHENTICATED
// and FORBIDDEN.
var (
	ErrUnauthenticated = errors.New("this change needs an API key: send Authorization: Bearer <key>")
	ErrForbidden       = errors.New("the API key's role may not make this change")
	// ErrReadForbidden refuses a read of data only ADMIN keys see (API keys,
	// the audit trail).
	ErrReadForbidden = errors.New("only ADMIN keys may read this")
)
