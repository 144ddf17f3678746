package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sscgraph/ent/apikey"
	"sscgraph/internal/viewer"
)

// Ended is a key that was revoked or has expired.
type Ended struct {
	ID      int
	Revoked bool // else expired
}

// endedWindow is how far back each look for ended keys reaches. Keys are
// revoked with the revoking process's clock, so the window also covers
// clocks that disagree by less than it; each key is announced once.
const endedWindow = time.Minute

// WatchEnded looks, every interval while active reports true, for keys
// revoked or expired since the last look, and hands each to announce
// once, after forgetting it from the cache (a key revoked elsewhere is
// then refused here at once, not after cacheTTL).
//
// It reads the database rather than waiting for a message from whoever
// revoked the key, so that every process finds every revocation, however
// it was made (the API, `sscgraph key revoke` from another process, SQL)
// and whichever process made it, and an expiry, which nobody announces.
// Each look is one read of the keys table, which is small, and is
// skipped while nothing listens. It returns when ctx ends.
func (k *Keys) WatchEnded(ctx context.Context, interval time.Duration, active func() bool, announce func([]Ended), logger *slog.Logger) {
	seen := map[int]time.Time{} // announced keys, until they leave the window
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !active() {
			continue
		}
		ended, err := k.ended(ctx)
		if err != nil {
			if ctx.Err() == nil {
				logger.WarnContext(ctx, "looking for revoked and expired keys", "err", err)
			}
			continue
		}
		now := k.now()
		var fresh []Ended
		for _, e := range ended {
			if _, ok := seen[e.ID]; !ok {
				seen[e.ID] = now
				fresh = append(fresh, e)
			}
		}
		for id, at := range seen {
			if now.Sub(at) > 2*endedWindow {
				delete(seen, id)
			}
		}
		if len(fresh) > 0 {
			k.forget(fresh)
			announce(fresh)
		}
	}
}

// ended reads the keys revoked or expired within endedWindow.
func (k *Keys) ended(ctx context.Context) ([]Ended, error) {
	now := k.now()
	since := now.Add(-endedWindow)
	recs, err := k.client.APIKey.Query().
		Where(apikey.Or(
			apikey.RevokedAtGT(since),
			apikey.And(apikey.ExpiresAtGT(since), apikey.ExpiresAtLTE(now)),
		)).
		Select(apikey.FieldID, apikey.FieldRevokedAt, apikey.FieldExpiresAt).
		All(viewer.WithSystem(ctx, viewer.System{Name: "AUTH"}))
	if err != nil {
		return nil, fmt.Errorf("reading ended keys: %w", err)
	}
	out := make([]Ended, 0, len(recs))
	for _, r := range recs {
		out = append(out, Ended{ID: r.ID, Revoked: r.RevokedAt != nil})
	}
	return out, nil
}

// forget drops ended keys from the cache of known keys.
func (k *Keys) forget(ended []Ended) {
	ids := make(map[int]bool, len(ended))
	for _, e := range ended {
		ids[e.ID] = true
	}
	for _, hash := range k.known.Keys() {
		if c, ok := k.known.Peek(hash); ok && ids[c.key.ID] {
			k.known.Remove(hash)
		}
	}
}
