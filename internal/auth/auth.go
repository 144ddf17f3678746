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
	"sync"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/apikey"
	"sscgraph/ent/privacy"
	"sscgraph/internal/viewer"
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
type Keys struct {
	client *ent.Client
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	key     *ent.APIKey // nil: not found
	fetched time.Time
}

// cacheTTL bounds how long a revoked key may still be accepted.
const cacheTTL = 10 * time.Second

// NewKeys returns a key checker over client.
func NewKeys(client *ent.Client) *Keys {
	return &Keys{client: client, now: time.Now, cache: map[string]cached{}}
}

// Authenticate returns the viewer an Authorization header names. An empty
// header is an anonymous viewer; anything else must be a valid key.
func (k *Keys) Authenticate(ctx context.Context, header string) (*viewer.Viewer, error) {
	if header == "" {
		return &viewer.Viewer{}, nil
	}
	scheme, key, ok := strings.Cut(header, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(key, keyPrefix) || len(key) > 128 {
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
	k.mu.Lock()
	c, ok := k.cache[hash]
	k.mu.Unlock()
	if ok && now.Sub(c.fetched) < cacheTTL {
		return c.key, nil
	}
	// Checking a key is sscgraph's own business, before any viewer exists.
	rec, err := k.client.APIKey.Query().Where(apikey.Hash(hash)).WithOrganization().
		Only(privacy.DecisionContext(ctx, privacy.Allow))
	if ent.IsNotFound(err) {
		rec, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up key: %w", err)
	}
	k.mu.Lock()
	if len(k.cache) > 10_000 {
		k.cache = map[string]cached{} // bound memory; entries come back on use
	}
	k.cache[hash] = cached{key: rec, fetched: now}
	k.mu.Unlock()
	return rec, nil
}
