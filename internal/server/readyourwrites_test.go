package server

import (
	"container/list"
	"testing"
	"time"
)

// TestReadYourWritesBounds: a client's write is remembered for the TTL,
// a later write replaces it, and past the bound the oldest is forgotten.
func TestReadYourWritesBounds(t *testing.T) {
	now := time.Unix(1000, 0)
	r := &readYourWrites{on: true, ttl: 30 * time.Second, max: 2, now: func() time.Time { return now },
		clients: map[string]*list.Element{}, order: list.New()}
	r.record("a", "0/10")
	r.record("b", "0/20")
	if w, ok := r.last("a"); !ok || w.lsn != "0/10" {
		t.Fatalf("a: %+v %v", w, ok)
	}
	// a writes again: it is now the newest, and c pushes b out.
	r.record("a", "0/30")
	r.record("c", "0/40")
	if _, ok := r.last("b"); ok {
		t.Error("b kept past the bound")
	}
	if w, ok := r.last("a"); !ok || w.lsn != "0/30" {
		t.Errorf("a after its second write: %+v %v", w, ok)
	}
	if len(r.clients) != 2 || r.order.Len() != 2 {
		t.Errorf("%d clients, %d in order", len(r.clients), r.order.Len())
	}
	// Past the TTL a write is forgotten, and the next record drops it.
	now = now.Add(31 * time.Second)
	if _, ok := r.last("c"); ok {
		t.Error("c remembered past the TTL")
	}
	r.record("d", "")
	if len(r.clients) != 1 || r.order.Len() != 1 {
		t.Errorf("after the TTL: %d clients, %d in order", len(r.clients), r.order.Len())
	}
	if w, ok := r.last("d"); !ok || w.lsn != "" {
		t.Errorf("d (position unknown: the primary): %+v %v", w, ok)
	}
}
