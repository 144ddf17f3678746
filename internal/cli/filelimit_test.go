package cli

import (
	"io"
	"log/slog"
	"syscall"
	"testing"
)

// TestFitStreams: the cap on open streams stays below the file limit,
// leaving a fifth of it (at least 128 files) for everything else.
func TestFitStreams(t *testing.T) {
	for _, tt := range []struct {
		name      string
		requested int
		limit     uint64
		want      int
	}{
		{"default under the common 1,024", 800, 1024, 800},
		{"too many for 1,024", 1000, 1024, 1024 - 204},
		{"no cap asked takes the room", 0, 1024, 1024 - 204},
		{"small limit keeps 128", 800, 512, 512 - 128},
		{"large limit keeps a fifth", 100000, 65536, 65536 - 13107},
		{"tiny limit still one", 800, 100, 1},
		{"unknown limit", 800, 0, 800},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitStreams(tt.requested, tt.limit); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestRaiseFileLimit: the soft limit on open files ends at the hard one.
func TestRaiseFileLimit(t *testing.T) {
	got := raiseFileLimit(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if got != lim.Cur || lim.Cur != lim.Max {
		t.Errorf("got soft limit %d (now %d), want the hard one %d", got, lim.Cur, lim.Max)
	}
}
