package server_test

import (
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestSSECacheControl: a subscription over server-sent events with a key
// is answered Cache-Control: no-store like every other keyed answer;
// gqlgen's SSE transport set no-cache, which lets a cache keep the
// events. Without a key the transport's no-cache stays.
func TestSSECacheControl(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	key := apitest.NewKey(t, a, auth.RoleEditor)
	for _, tt := range []struct {
		name, authorization, want string
	}{
		{"with a key", key, "no-store"},
		{"without a key", "", "no-cache"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := openSSE(t, a, tt.authorization, `subscription { offerPosted { id } }`, nil)
			if got := s.res.Header.Get("Content-Type"); got != "text/event-stream" {
				t.Fatalf("got Content-Type %q, want text/event-stream", got)
			}
			if got := s.res.Header.Get("Cache-Control"); got != tt.want {
				t.Errorf("got Cache-Control %q, want %q", got, tt.want)
			}
		})
	}
}
