package gid

import (
	"context"
	"errors"
)

// The codec travels in the context of each request (and of each command
// that writes), not in a process-wide variable: two servers in one process
// may use different secrets, and code that runs without one fails with
// ErrNoCodec instead of silently issuing or dropping IDs.

// ErrNoCodec reports a context that carries no codec: a bug in the wiring
// (the server installs one for every request), never the client's fault.
var ErrNoCodec = errors.New("gid: no ID codec in the context (the server installs one for every request)")

type codecKey struct{}

// NewContext returns ctx carrying c.
func NewContext(ctx context.Context, c *Codec) context.Context {
	return context.WithValue(ctx, codecKey{}, c)
}

// FromContext returns the codec ctx carries, or ErrNoCodec.
func FromContext(ctx context.Context) (*Codec, error) {
	if c, _ := ctx.Value(codecKey{}).(*Codec); c != nil {
		return c, nil
	}
	return nil, ErrNoCodec
}
