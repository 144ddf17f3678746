package pubsub

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is the broker of replicas that share one PostgreSQL schema:
// Publish sends each event with NOTIFY on a channel of the schema's own,
// and while this process has subscribers one connection of its pool
// LISTENs on that channel and hands what arrives to them. Events written
// through this replica reach its subscribers the same way, through the
// database, so every replica sees every event once, in the order
// PostgreSQL delivers them.
//
// The listener runs only while there are subscribers: a replica nobody
// subscribes to holds no connection for it. When its connection fails it
// makes a new one, waiting longer after each failure (up to maxBackoff),
// and then publishes Resync locally, since events sent in between are
// lost to it.
type Postgres struct {
	db      *sql.DB
	channel string
	logger  *slog.Logger
	local   *Local

	mu        sync.Mutex
	users     int                // subscribers, and subscribers about to be
	cancel    context.CancelFunc // stops the running listener; nil when none runs
	done      chan struct{}      // closed when the running listener has stopped
	listening chan struct{}      // closed while the listener LISTENs
	closed    bool
}

var _ Broker = (*Postgres)(nil)

// Backoff bounds of the listener's reconnection, and how long a new
// subscriber waits for the listener to LISTEN before it is refused.
const (
	minBackoff   = 100 * time.Millisecond
	maxBackoff   = 5 * time.Second
	listenWait   = 5 * time.Second
	cleanupLimit = 2 * time.Second
)

// NewPostgres returns the broker over db, on the channel of db's current
// schema: replicas of one deployment share it, deployments in other
// schemas of the same database (the tests' schemas, say) do not hear each
// other. buffer is each subscriber's queue (see NewLocal).
func NewPostgres(ctx context.Context, db *sql.DB, buffer int, logger *slog.Logger) (*Postgres, error) {
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("reading the schema for the event channel: %w", err)
	}
	p := &Postgres{db: db, channel: ChannelName(schema), logger: logger, local: NewLocal(buffer)}
	p.local.join = p.joined
	p.local.leave = p.left
	return p, nil
}

// ChannelName is the NOTIFY channel of a schema. Channel names are
// identifiers (at most 63 bytes), and schema names may be as long, so a
// long one is hashed.
func ChannelName(schema string) string {
	name := "sscgraph_events:" + schema
	if len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(schema))
	return "sscgraph_events:" + hex.EncodeToString(sum[:16])
}

// Publish sends events with one statement. It is called after the write
// committed, so a failure here loses the events but not the write; the
// caller logs it.
func (p *Postgres) Publish(ctx context.Context, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	payloads := make([]string, len(events))
	for i, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encoding event: %w", err)
		}
		payloads[i] = string(b)
	}
	if _, err := p.db.ExecContext(ctx, "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", p.channel, payloads); err != nil {
		return fmt.Errorf("notifying %d events: %w", len(events), err)
	}
	return nil
}

// Subscribe registers a subscriber, once this replica LISTENs.
func (p *Postgres) Subscribe(ctx context.Context) (*Subscription, error) {
	return p.local.Subscribe(ctx)
}

// joined starts the listener for the first subscriber and waits, for
// every subscriber, until it LISTENs: a subscription must not miss an
// event committed after it was answered.
func (p *Postgres) joined(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.users++
	if p.cancel == nil {
		lctx, cancel := context.WithCancel(context.Background())
		p.cancel, p.done, p.listening = cancel, make(chan struct{}), make(chan struct{})
		go p.run(lctx, p.done, p.listening)
	}
	listening := p.listening
	p.mu.Unlock()
	timer := time.NewTimer(listenWait)
	defer timer.Stop()
	var err error
	select {
	case <-listening:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = errors.New("cannot LISTEN for events on PostgreSQL")
	}
	p.left()
	return err
}

// left stops the listener once the last subscriber has left.
func (p *Postgres) left() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.users--; p.users > 0 || p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
}

// Announce hands events to this replica's subscribers, without NOTIFY.
func (p *Postgres) Announce(events ...Event) { p.local.Announce(events...) }

// Subscribers returns how many subscriptions are open in this process.
func (p *Postgres) Subscribers() int { return p.local.Subscribers() }

// run keeps a connection LISTENing until ctx ends, closing listening
// while it does (and making a new channel for the next connection when
// one fails).
func (p *Postgres) run(ctx context.Context, done, listening chan struct{}) {
	defer close(done)
	backoff := minBackoff
	for attempt := 0; ; attempt++ {
		open := false
		err := p.listenOnce(ctx, func() {
			open, backoff = true, minBackoff
			close(listening)
			if attempt > 0 {
				_ = p.local.Publish(ctx, Event{Kind: Resync})
			}
		})
		if ctx.Err() != nil {
			return
		}
		if open {
			next := make(chan struct{})
			p.mu.Lock()
			if p.listening == listening {
				p.listening = next
			}
			p.mu.Unlock()
			listening = next
		}
		p.logger.Warn("listening for events on PostgreSQL failed; retrying", "channel", p.channel, "retry_in", backoff, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenOnce LISTENs on one connection of the pool, calling ready once it
// does, and hands notifications to the local subscribers until the
// connection fails or ctx ends. The connection goes back to the pool
// without the LISTEN, or is discarded when that cannot be undone.
func (p *Postgres) listenOnce(ctx context.Context, ready func()) error {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("taking a connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		// pgx's connection, or the database package's wrapping of it.
		sc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("the pool's connections are %T, not pgx's", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
			return fmt.Errorf("LISTEN: %w", err)
		}
		ready()
		err := p.receive(ctx, pc)
		if cerr := p.unlisten(pc); cerr != nil {
			// A connection still LISTENing must not serve queries: it
			// would buffer every event for nobody.
			p.logger.Warn("UNLISTEN failed; discarding the connection", "err", cerr)
			return errors.Join(err, driver.ErrBadConn)
		}
		return err
	})
}

// receive hands each notification to the local subscribers.
func (p *Postgres) receive(ctx context.Context, pc *pgx.Conn) error {
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("waiting for notifications: %w", err)
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil || e.Kind == "" {
			p.logger.Warn("ignoring a notification that is not an event", "channel", n.Channel, "payload", n.Payload)
			continue
		}
		_ = p.local.Publish(ctx, e)
	}
}

// unlisten undoes the LISTEN and drops notifications the connection
// buffered meanwhile, so that it is an ordinary connection again.
func (p *Postgres) unlisten(pc *pgx.Conn) error {
	if pc.IsClosed() {
		return errors.New("the connection is closed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupLimit)
	defer cancel()
	if _, err := pc.Exec(ctx, "UNLISTEN *"); err != nil {
		return err
	}
	done, stop := context.WithCancel(ctx)
	stop()
	for {
		// With a finished context this returns buffered notifications
		// and then the context's error, without reading the socket.
		if n, err := pc.WaitForNotification(done); err != nil || n == nil {
			return nil
		}
	}
}

// Close ends every subscription and stops the listener.
func (p *Postgres) Close() error {
	p.mu.Lock()
	p.closed = true
	cancel, done := p.cancel, p.done
	p.cancel = nil
	p.mu.Unlock()
	err := p.local.Close()
	if cancel != nil {
		cancel()
		<-done
	}
	return err
}
