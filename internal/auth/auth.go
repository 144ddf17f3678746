// Package auth makes and checks API keys; package viewer carries the
// caller a key names through the request.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/apikey"
	"sscgraph/internal/viewer"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Roles a key can have (see package viewer).
const (
	RoleAdmin  = viewer.RoleAdmin
	RoleEditor = viewer.RoleEditor
	RoleMember = viewer.RoleMember
)

// keyPrefix starts every key, so that leaked keys are easy to recognise.
const keyPrefix = "sscg_"

// Reasons a key is refused. Each is a client's mistake, answered 401.
var (
	ErrMalformed = errors.New("the Authorization header must be \"Bearer <key>\" with an sscgraph key")
	ErrUnknown   = errors.New("the API key is not known")
	ErrExpired   = errors.New("the API key has expired")
	ErrRevoked   = errors.New("the API key has been revoked")
)

// NewKey makes a random key (256 bits) and returns it with the hash to
// store and a short hint for listings.
func NewKey() (key, hash, hint string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", "", fmt.Errorf("making a key: %w", err)
	}
	key = keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return key, Hash(key), key[:len(keyPrefix)+6], nil
}

// Hash is how keys are stored: SHA-256, hex. A key has 256 random bits,
// so a fast hash is as safe as a slow one and keeps checks cheap.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Keys checks keys against the database, remembering answers for a short
// while so that a request does not cost a look-up; a revocation therefore
// takes effect within cacheTTL.
//
// Known and unknown keys are remembered apart, each in an LRU of bounded
// size: a flood of made-up keys fills only the unknown side and cannot
// push valid keys out (each of those made-up keys is also charged to the
// client's address, by the server).
type Keys struct {
	client *ent.Client
	now    func() time.Time

	known   *expirable.LRU[string, cached]
	unknown *expirable.LRU[string, time.Time]

	tokens *tokens // nil unless OpenID Connect tokens are accepted (UseOIDC)
}

type cached struct {
	key     *ent.APIKey
	fetched time.Time
}

const (
	// cacheTTL bounds how long a revoked key may still be accepted.
	cacheTTL = 10 * time.Second
	// unknownTTL is how long "no such key" is remembered: long enough
	// that a client retrying a bad key does not cost a look-up each time,
	// short enough that a key just created elsewhere works at once.
	unknownTTL = 2 * time.Second
	// cacheSize bounds each side of the cache.
	cacheSize = 10_000
)

// NewKeys returns a key checker over client.
func NewKeys(client *ent.Client) *Keys { return newKeys(client, cacheSize) }

func newKeys(client *ent.Client, size int) *Keys {
	return &Keys{
		client: client,
		now:    time.Now,
		// The LRUs' own expiry frees memory; whether an entry is still
		// fresh is decided against k.now, which tests can set.
		known:   expirable.NewLRU[string, cached](size, nil, cacheTTL),
		unknown: expirable.NewLRU[string, time.Time](size, nil, unknownTTL),
	}
}

// Cached reports whether the Authorization header names a key whose
// answer is remembered, valid or not: checking it costs no look-up.
func (k *Keys) Cached(header string) bool {
	if raw, ok := k.bearerToken(header); ok {
		_, ok := k.cachedToken(raw, false)
		return ok
	}
	key, ok := bearer(header)
	if !ok {
		return true // malformed: refused without a look-up
	}
	hash := Hash(key)
	now := k.now()
	if c, ok := k.known.Peek(hash); ok && now.Sub(c.fetched) < cacheTTL {
		return true
	}
	at, ok := k.unknown.Peek(hash)
	return ok && now.Sub(at) < unknownTTL
}

// bearer returns the key of a Bearer Authorization header.
func bearer(header string) (string, bool) {
	scheme, key, ok := strings.Cut(header, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(key, keyPrefix) || len(key) > 128 {
		return "", false
	}
	return key, true
}

// Authenticate returns the viewer an Authorization header names. An empty
// header is an anonymous viewer; anything else must be a valid key, or,
// with UseOIDC, a valid token of the identity provider.
func (k *Keys) Authenticate(ctx context.Context, header string) (*viewer.Viewer, error) {
	if header == "" {
		return &viewer.Viewer{}, nil
	}
	if raw, ok := k.bearerToken(header); ok {
		return k.authenticateToken(ctx, raw)
	}
	key, ok := bearer(header)
	if !ok {
		return nil, ErrMalformed
	}
	rec, err := k.lookup(ctx, Hash(key))
	if err != nil {
		return nil, err
	}
	now := k.now()
	switch {
	case rec == nil:
		return nil, ErrUnknown
	case rec.RevokedAt != nil && !rec.RevokedAt.After(now):
		return nil, ErrRevoked
	case rec.ExpiresAt != nil && !rec.ExpiresAt.After(now):
		return nil, ErrExpired
	}
	v := &viewer.Viewer{KeyID: rec.ID, Role: string(rec.Role)}
	if rec.Edges.Organization != nil {
		v.OrganizationID = rec.Edges.Organization.ID
	}
	return v, nil
}

func (k *Keys) lookup(ctx context.Context, hash string) (*ent.APIKey, error) {
	now := k.now()
	if c, ok := k.known.Get(hash); ok && now.Sub(c.fetched) < cacheTTL {
		return c.key, nil
	}
	if at, ok := k.unknown.Get(hash); ok && now.Sub(at) < unknownTTL {
		return nil, nil
	}
	// Checking a key is sscgraph's own business, before any viewer exists.
	rec, err := k.client.APIKey.Query().Where(apikey.Hash(hash)).WithOrganization().
		Only(viewer.WithSystem(ctx, viewer.System{Name: "AUTH"}))
	switch {
	case ent.IsNotFound(err):
		k.unknown.Add(hash, now)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("looking up key: %w", err)
	}
	k.known.Add(hash, cached{key: rec, fetched: now})
	return rec, nil
}
