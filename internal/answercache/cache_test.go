package answercache

import (
	"strings"
	"testing"
	"time"
)

// clock is a settable time for the tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestKey(t *testing.T) {
	k := func(q, op string, vars map[string]any) string {
		t.Helper()
		s, err := Key(q, op, vars)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	same := k("{ a }", "", map[string]any{"x": 1, "y": []any{"b", "a"}})
	for _, tt := range []struct {
		name      string
		q, op     string
		vars      map[string]any
		wantEqual bool
	}{
		{"variables in another order", "{ a }", "", map[string]any{"y": []any{"b", "a"}, "x": 1}, true},
		{"a list in another order", "{ a }", "", map[string]any{"x": 1, "y": []any{"a", "b"}}, false},
		{"another value", "{ a }", "", map[string]any{"x": 2, "y": []any{"b", "a"}}, false},
		{"another query", "{ b }", "", map[string]any{"x": 1, "y": []any{"b", "a"}}, false},
		{"an operation name", "{ a }", "A", map[string]any{"x": 1, "y": []any{"b", "a"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := k(tt.q, tt.op, tt.vars) == same; got != tt.wantEqual {
				t.Errorf("same key: %v, want %v", got, tt.wantEqual)
			}
		})
	}
	// The parts are delimited: moving bytes from the query to the
	// operation name makes another key.
	if k("{ a }x", "", nil) == k("{ a }", "x", nil) {
		t.Error("query+name collide")
	}
}

func TestCache(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	entry := int64(len("k1") + 256)
	t.Run("hit, then expiry at the maximum age", func(t *testing.T) {
		c := New(1<<20, time.Minute, clk.now)
		gen := c.Generation()
		c.Put("k1", gen, []byte(`{"a":1}`), time.Time{})
		e, _, ok := c.Get("k1")
		if !ok || string(e.Data) != `{"a":1}` || e.ETag != ETag([]byte(`{"a":1}`)) {
			t.Fatalf("Get = %+v, %v", e, ok)
		}
		clk.t = clk.t.Add(time.Minute)
		if _, _, ok := c.Get("k1"); ok {
			t.Error("served at its maximum age")
		}
		if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Entries != 0 || s.Bytes != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("an earlier expiry wins", func(t *testing.T) {
		c := New(1<<20, time.Minute, clk.now)
		c.Put("k1", c.Generation(), []byte(`1`), clk.t.Add(time.Second))
		clk.t = clk.t.Add(999 * time.Millisecond)
		if _, _, ok := c.Get("k1"); !ok {
			t.Error("missing before its expiry")
		}
		clk.t = clk.t.Add(time.Millisecond)
		if _, _, ok := c.Get("k1"); ok {
			t.Error("served at its expiry")
		}
	})
	t.Run("an answer computed across a write is not kept", func(t *testing.T) {
		c := New(1<<20, time.Minute, clk.now)
		_, gen, _ := c.Get("k1")
		c.Invalidate()
		c.Put("k1", gen, []byte(`old`), time.Time{})
		if _, _, ok := c.Get("k1"); ok {
			t.Error("an answer begun before the write was kept")
		}
		c.Put("k1", c.Generation(), []byte(`new`), time.Time{})
		if e, _, ok := c.Get("k1"); !ok || string(e.Data) != "new" {
			t.Error("an answer begun after the write was not kept")
		}
	})
	t.Run("invalidation empties it", func(t *testing.T) {
		c := New(1<<20, time.Minute, clk.now)
		for _, k := range []string{"k1", "k2", "k3"} {
			c.Put(k, c.Generation(), []byte(k), time.Time{})
		}
		c.Invalidate()
		if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 || s.Invalidations != 1 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("bounded in bytes, least recently used out first", func(t *testing.T) {
		data := []byte(strings.Repeat("x", 100))
		c := New(3*(entry+100), time.Minute, clk.now)
		c.Put("k1", 0, data, time.Time{})
		c.Put("k2", 0, data, time.Time{})
		c.Put("k3", 0, data, time.Time{})
		c.Get("k1") // k2 is now the least recently used
		c.Put("k4", 0, data, time.Time{})
		for k, want := range map[string]bool{"k1": true, "k2": false, "k3": true, "k4": true} {
			if _, _, ok := c.Get(k); ok != want {
				t.Errorf("%s kept: %v, want %v", k, ok, want)
			}
		}
		if s := c.Stats(); s.Bytes > 3*(entry+100) || s.Evictions != 1 {
			t.Errorf("stats %+v", s)
		}
		// An answer larger than the whole cache is not kept.
		c.Put("big", 0, []byte(strings.Repeat("y", int(4*(entry+100)))), time.Time{})
		if _, _, ok := c.Get("big"); ok {
			t.Error("an answer over the bound was kept")
		}
	})
}
