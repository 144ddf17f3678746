package dbhealth

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Breaker is the API's view of whether the database is there. It opens
// when a read has been retried for as long as a request may wait and the
// database still did not answer (Trip); while it is open the API answers
// 503 at once, and a probe (a ping, every interval) closes it as soon as
// the database answers again. Its state changes are logged once each, not
// per request.
//
// It opens on a retry given up on rather than on a count of failures: a
// restart fails every connection of the pool within moments, and those
// reads are ridden out by their retries; only a database gone for longer
// than a request may wait should turn requests away.
type Breaker struct {
	probe    func(ctx context.Context) error
	interval time.Duration
	logger   *slog.Logger

	open atomic.Bool

	mu       sync.Mutex
	reason   error
	openedAt time.Time
	stopped  bool
	done     chan struct{} // closed by Stop, ends the probe
}

// NewBreaker returns a closed breaker whose probe runs every interval
// while it is open.
func NewBreaker(probe func(ctx context.Context) error, interval time.Duration, logger *slog.Logger) *Breaker {
	if logger == nil {
		logger = slog.Default()
	}
	return &Breaker{probe: probe, interval: interval, logger: logger, done: make(chan struct{})}
}

// Open reports whether the database is taken to be gone.
func (b *Breaker) Open() bool { return b != nil && b.open.Load() }

// Reason returns the failure that opened the breaker, or the probe's last
// failure; nil while it is closed.
func (b *Breaker) Reason() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open.Load() {
		return nil
	}
	return b.reason
}

// Trip opens the breaker because of err, and starts probing.
func (b *Breaker) Trip(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped || b.open.Load() {
		return
	}
	b.open.Store(true)
	b.reason, b.openedAt = err, time.Now()
	b.logger.Warn("the database does not answer: answering requests 503 until it does", "err", err, "probe_every", b.interval)
	go b.probeLoop()
}

// probeLoop pings the database every interval until it answers, then
// closes the breaker.
func (b *Breaker) probeLoop() {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.interval)
		err := b.probe(ctx)
		cancel()
		b.mu.Lock()
		if err != nil {
			b.reason = err
			b.mu.Unlock()
			continue
		}
		b.open.Store(false)
		down := time.Since(b.openedAt)
		b.reason = nil
		b.mu.Unlock()
		b.logger.Info("the database answers again: serving", "unavailable_for", down.Round(time.Millisecond))
		return
	}
}

// Stop ends the probe; the breaker then stays as it is. DB.Close calls it.
func (b *Breaker) Stop() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.stopped {
		b.stopped = true
		close(b.done)
	}
}
