// Package answercache keeps the public answers of queries in memory, so
// that the thousands of readers of a published dashboard or a news story
// who send the same few questions cost the database one answer, not one
// each.
//
// An answer is kept by its key (the query's text, its operation name and
// its variables: Key), bounded in bytes with least-recently-used
// eviction, and dropped:
//
//   - when any write commits (Invalidate, called by the write hooks of
//     this process and by the events other processes publish through
//     PostgreSQL's NOTIFY): the whole cache goes, because an answer can
//     depend on any row (a count, a statistic, a nested edge) and
//     knowing which would cost more than refilling;
//   - at its expiry: the cache's maximum age, or earlier when a row
//     changes what it reads as with the passing of time and no write (an
//     open offer past its expiresAt reads as EXPIRED), which the filler
//     names (Put's expires);
//   - when it is least recently used and the bytes are needed.
//
// Writes and fills race: a request that began to compute its answer
// before a write and finishes after it would store the answer of the old
// rows. Each entry is therefore stored only if no invalidation happened
// since the request looked the key up (Generation); an answer computed
// across a write is served to its own request and not kept.
package answercache

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Entry is one kept answer.
type Entry struct {
	// Data is the answer's data, as JSON: what a response's "data" holds.
	Data []byte
	// ETag is a strong validator of Data (a hash of its bytes), quoted.
	ETag string
	// Stored is when the answer was computed; Expires when it stops being
	// served.
	Stored, Expires time.Time

	key string
}

// size is what an entry counts for against the byte bound: its data and
// a fixed overhead for its key, its validator and the bookkeeping.
func (e *Entry) size() int64 { return int64(len(e.Data)) + int64(len(e.key)) + 256 }

// Stats are the cache's counters, for metrics and the docs' figures.
type Stats struct {
	Hits, Misses, Stores, Evictions, Invalidations uint64
	Entries                                        int
	Bytes                                          int64
}

// Cache is a bounded store of answers. It is safe for concurrent use.
type Cache struct {
	maxBytes int64
	maxAge   time.Duration
	now      func() time.Time

	mu    sync.Mutex
	gen   uint64
	bytes int64
	lru   *list.List // of *Entry, most recently used first
	byKey map[string]*list.Element
	stats Stats
}

// New returns a cache of at most maxBytes of answers, each kept at most
// maxAge. now is the clock (time.Now when nil).
func New(maxBytes int64, maxAge time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{maxBytes: maxBytes, maxAge: maxAge, now: now, lru: list.New(), byKey: map[string]*list.Element{}}
}

// MaxAge is the longest an answer is kept.
func (c *Cache) MaxAge() time.Duration { return c.maxAge }

// Key is the cache key of a query: its text, operation name and
// variables. Variables are written as canonical JSON (encoding/json sorts
// object keys), so that the same values in another order share a key.
func Key(query, operationName string, variables map[string]any) (string, error) {
	vars, err := json.Marshal(variables)
	if err != nil {
		return "", fmt.Errorf("writing the variables of a cache key: %w", err)
	}
	h := sha256.New()
	// Lengths first, so that no two triples write the same bytes.
	fmt.Fprintf(h, "%d:%d:%d:", len(query), len(operationName), len(vars))
	h.Write([]byte(query))
	h.Write([]byte(operationName))
	h.Write(vars)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ETag is the strong validator of data: a quoted hash of its bytes.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// Generation is the number of invalidations so far. A filler reads it
// before it computes an answer and hands it to Put.
func (c *Cache) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// Get returns the answer kept under key, if there is one that has not
// expired, and the current generation either way.
func (c *Cache) Get(key string) (*Entry, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.stats.Misses++
		return nil, c.gen, false
	}
	e := el.Value.(*Entry)
	if !c.now().Before(e.Expires) {
		c.remove(el)
		c.stats.Misses++
		return nil, c.gen, false
	}
	c.lru.MoveToFront(el)
	c.stats.Hits++
	return e, c.gen, true
}

// Put keeps data under key until expires (at most the cache's maximum
// age from now), if no invalidation happened since gen was read: an
// answer computed across a write is not kept. It returns the entry, kept
// or not, for the caller's validator and age.
func (c *Cache) Put(key string, gen uint64, data []byte, expires time.Time) *Entry {
	now := c.now()
	if limit := now.Add(c.maxAge); expires.IsZero() || expires.After(limit) {
		expires = limit
	}
	e := &Entry{Data: data, ETag: ETag(data), Stored: now, Expires: expires, key: key}
	if !now.Before(expires) || e.size() > c.maxBytes {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return e
	}
	if old, ok := c.byKey[key]; ok {
		c.remove(old)
	}
	c.byKey[key] = c.lru.PushFront(e)
	c.bytes += e.size()
	c.stats.Stores++
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
	return e
}

// Invalidate drops every answer: a write has committed.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.stats.Invalidations++
	c.lru.Init()
	clear(c.byKey)
	c.bytes = 0
}

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = len(c.byKey)
	s.Bytes = c.bytes
	return s
}

func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*Entry)
	c.lru.Remove(el)
	delete(c.byKey, e.key)
	c.bytes -= e.size()
}
