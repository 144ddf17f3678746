// Package pubsub carries the events of committed writes (an offer posted
// or changed, a need changed, a match created or its status changed) from
// the transactions that make them to the GraphQL subscriptions waiting for
// them.
//
// On SQLite, which one process serves, Local fans events out in the
// process. On PostgreSQL, which several replicas may share, Postgres sends
// each event with NOTIFY and every replica that has subscribers LISTENs,
// so a subscriber on one replica receives what was written through
// another.
//
// Events are small ({kind, op, id} and, for matches, the need, the offer
// and the status written):
// subscribers read what they deliver from the database, with their own
// viewer, so an event never carries data its receiver may not read.
//
// A subscriber that does not keep up is dropped, never waited for: each
// has a bounded queue, and when it is full the subscription ends with
// ErrSlow. Writers never block on readers.
package pubsub

import (
	"context"
	"errors"
	"sync"
)

// Kind is what an event is about.
type Kind string

// The kinds of event.
const (
	Offer Kind = "offer"
	Need  Kind = "need"
	Match Kind = "match"
	// Resync says that events may have been missed (the PostgreSQL
	// listener lost its connection and made a new one): subscribers that
	// keep derived state (suggestions) should read it again.
	Resync Kind = "resync"
	// KeyEnded says that the API key ID names was revoked or expired
	// (Status: "revoked" or "expired"): subscriptions opened with it end.
	// Each process finds these itself (auth.Keys.WatchEnded) and
	// announces them to its own subscribers only.
	KeyEnded Kind = "keyEnded"
	// Write says that some write committed, whatever it changed: the
	// answer caches of every process drop what they hold (package
	// answercache). It carries nothing else.
	Write Kind = "write"
)

// Why a key ended, in a KeyEnded event's Status.
const (
	KeyRevoked = "revoked"
	KeyExpired = "expired"
)

// Op is what happened to the row.
type Op string

// The operations that make events.
const (
	Created Op = "created"
	Updated Op = "updated"
)

// Event is one committed change. It is the JSON payload of a PostgreSQL
// notification, so it stays far below NOTIFY's 8,000 bytes.
type Event struct {
	Kind Kind `json:"kind"`
	Op   Op   `json:"op,omitempty"`
	ID   int  `json:"id,omitempty"`
	// Need and Offer are a match's parties' postings, so that
	// subscriptions to one need's or offer's matches can pass over the
	// others without reading the database.
	Need  int `json:"need,omitempty"`
	Offer int `json:"offer,omitempty"`
	// Status is the status a match's write set: a subscriber that reads
	// the match when a later change has already moved it on skips this
	// event, whose own event follows, rather than send the newer state
	// twice.
	Status string `json:"status,omitempty"`
	// Origin names the process that published the event (WithOrigin),
	// so that a process can tell its own events, which come back to it
	// through NOTIFY, from other processes'.
	Origin string `json:"origin,omitempty"`
}

// WithOrigin returns b stamping origin on every event it publishes that
// carries none.
func WithOrigin(b Broker, origin string) Broker { return originBroker{b, origin} }

type originBroker struct {
	Broker
	origin string
}

func (o originBroker) Publish(ctx context.Context, events ...Event) error {
	stamped := make([]Event, len(events))
	for i, e := range events {
		if e.Origin == "" {
			e.Origin = o.origin
		}
		stamped[i] = e
	}
	return o.Broker.Publish(ctx, stamped...)
}

// Publisher sends events of committed writes to every subscriber.
type Publisher interface {
	Publish(ctx context.Context, events ...Event) error
}

// Subscriber hands out subscriptions to the events published from now on.
type Subscriber interface {
	// Subscribe returns a subscription that lasts until ctx ends or the
	// subscriber falls behind.
	Subscribe(ctx context.Context) (*Subscription, error)
}

// Broker is both ends, and is closed when the server stops.
type Broker interface {
	Publisher
	Subscriber
	// Subscribers returns how many subscriptions are open in this
	// process.
	Subscribers() int
	// Announce hands events to this process's subscribers only, without
	// sending them to other processes: for what every process finds out
	// by itself (KeyEnded).
	Announce(events ...Event)
	Close() error
}

// Reasons a subscription ends early.
var (
	// ErrSlow ends a subscription whose queue filled up: its reader did
	// not keep up with the events.
	ErrSlow = errors.New("the subscriber fell behind the events and was dropped")
	// ErrClosed ends subscriptions when the broker closes (the server
	// shuts down).
	ErrClosed = errors.New("the event broker closed")
)

// DefaultBuffer is how many events a subscription queues before it is
// dropped as too slow: a burst of writes (a createMatchOffer per row of an
// import) fits, a reader that stopped reading does not hold memory.
const DefaultBuffer = 64

// Subscription is one subscriber's stream of events.
type Subscription struct {
	ch chan Event

	mu     sync.Mutex
	closed bool
	err    error
	stop   func() bool // unregisters the context's AfterFunc
}

// Events returns the stream. It is closed when the subscription ends;
// Err then says why.
func (s *Subscription) Events() <-chan Event { return s.ch }

// Err is why the stream closed: ErrSlow, ErrClosed, or nil when the
// subscriber's context ended.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// deliver queues e without waiting; it reports false when the queue is
// full, after ending the subscription with ErrSlow.
func (s *Subscription) deliver(e Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return true
	}
	select {
	case s.ch <- e:
		return true
	default:
		s.closeLocked(ErrSlow)
		return false
	}
}

// end closes the stream with err, once.
func (s *Subscription) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked(err)
}

func (s *Subscription) closeLocked(err error) {
	if s.closed {
		return
	}
	s.closed, s.err = true, err
	close(s.ch)
}

// Local fans events out to the subscribers of this process.
type Local struct {
	buffer int
	// join, when set, is called before a subscriber is registered and
	// may refuse it; leave is then called once when it goes. Postgres
	// starts and stops its listener with them.
	join  func(ctx context.Context) error
	leave func()

	mu     sync.RWMutex
	subs   map[*Subscription]struct{}
	closed bool
}

var _ Broker = (*Local)(nil)

// NewLocal returns an in-process broker whose subscribers queue up to
// buffer events each (DefaultBuffer when buffer is not positive).
func NewLocal(buffer int) *Local {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Local{buffer: buffer, subs: map[*Subscription]struct{}{}}
}

// Subscribe registers a subscriber until ctx ends. It receives every
// event published once Subscribe has returned.
func (l *Local) Subscribe(ctx context.Context) (*Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if l.join != nil {
		if err := l.join(ctx); err != nil {
			return nil, err
		}
	}
	s := &Subscription{ch: make(chan Event, l.buffer)}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		if l.leave != nil {
			l.leave()
		}
		return nil, ErrClosed
	}
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	s.mu.Lock()
	s.stop = context.AfterFunc(ctx, func() { l.remove(s) })
	s.mu.Unlock()
	return s, nil
}

// remove unregisters s, closing its stream if it is still open.
func (l *Local) remove(s *Subscription) {
	s.end(nil)
	l.mu.Lock()
	_, ok := l.subs[s]
	delete(l.subs, s)
	l.mu.Unlock()
	s.mu.Lock()
	if s.stop != nil {
		s.stop()
	}
	s.mu.Unlock()
	if ok && l.leave != nil {
		l.leave()
	}
}

// Publish queues events for every subscriber, dropping those whose queue
// is full. It never blocks on a subscriber.
func (l *Local) Publish(_ context.Context, events ...Event) error {
	var slow []*Subscription
	l.mu.RLock()
	for s := range l.subs {
		for _, e := range events {
			if !s.deliver(e) {
				slow = append(slow, s)
				break
			}
		}
	}
	l.mu.RUnlock()
	for _, s := range slow {
		l.remove(s)
	}
	return nil
}

// Announce hands events to this process's subscribers: Local has no
// others.
func (l *Local) Announce(events ...Event) { _ = l.Publish(context.Background(), events...) }

// Subscribers returns how many subscriptions are open.
func (l *Local) Subscribers() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.subs)
}

// Close ends every subscription with ErrClosed and refuses new ones.
func (l *Local) Close() error {
	l.mu.Lock()
	l.closed = true
	subs := make([]*Subscription, 0, len(l.subs))
	for s := range l.subs {
		subs = append(subs, s)
	}
	l.mu.Unlock()
	for _, s := range subs {
		s.end(ErrClosed)
		l.remove(s)
	}
	return nil
}
