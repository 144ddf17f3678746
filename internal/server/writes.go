package server

import (
	"context"
	"log/slog"
	"time"

	"sscgraph/ent"
	"sscgraph/internal/pubsub"
)

// writeAnnouncer tells the other processes serving the same database of
// this one's writes, so that their answer caches drop what the writes
// changed (see answers). Every process announces, whether or not it
// caches answers itself: one with --cache-bytes 0 still writes for the
// others.
type writeAnnouncer struct {
	events pubsub.Publisher
	logger *slog.Logger
	// writes wakes the goroutine that publishes; one pending signal
	// stands for any number of writes, since any write empties a whole
	// cache.
	writes chan struct{}
}

// newWriteAnnouncer announces every committed write of client (and what
// signal is called for) until ctx ends.
func newWriteAnnouncer(ctx context.Context, client *ent.Client, events pubsub.Publisher, logger *slog.Logger) *writeAnnouncer {
	w := &writeAnnouncer{events: events, logger: logger, writes: make(chan struct{}, 1)}
	pubsub.OnWrite(client, func(context.Context) { w.signal() })
	go w.run(ctx)
	return w
}

// signal asks for one announcement; it never blocks the writer.
func (w *writeAnnouncer) signal() { trySend(w.writes) }

func trySend(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// run publishes one Write event for each burst of signals.
func (w *writeAnnouncer) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.writes:
		}
		pctx, cancel := context.WithTimeout(ctx, publishTimeout)
		if err := w.events.Publish(pctx, pubsub.Event{Kind: pubsub.Write}); err != nil && ctx.Err() == nil {
			w.logger.WarnContext(ctx, "announcing a write to the other processes", "err", err)
		}
		cancel()
	}
}

// publishTimeout bounds one announcement of writes.
const publishTimeout = 5 * time.Second
