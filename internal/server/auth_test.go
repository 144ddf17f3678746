package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

func TestAPIKeys(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 1000
	// The buckets below are read as the price alone (100 points a query):
	// on a busy machine the charge for time added up to 115 points more.
	cfg.Limits.TimePerPoint = time.Hour
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	ctx := context.Background()
	mustKey := func(opts auth.CreateOptions) string {
		t.Helper()
		_, key, err := auth.Create(ctx, a.DB.Client, opts)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	editor := mustKey(auth.CreateOptions{Role: auth.RoleEditor})
	other := mustKey(auth.CreateOptions{Role: auth.RoleAdmin})
	expired := mustKey(auth.CreateOptions{Role: auth.RoleEditor, ExpiresIn: time.Millisecond})
	revokedRec, revoked, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Revoke(ctx, a.DB.Client, revokedRec.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // let the short key expire

	send := func(authorization string) (http.Header, apitest.Response) {
		t.Helper()
		return a.Send(t, authorization, `{ countries(first: 100) { edges { node { code } } } }`, nil)
	}

	for _, tt := range []struct {
		name, header, want string
	}{
		{"malformed header", "Basic abc", "Bearer"},
		{"not an sscgraph key", "Bearer abc", "Bearer"},
		{"unknown key", "Bearer sscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not known"},
		{"expired key", "Bearer " + expired, "expired"},
		{"revoked key", "Bearer " + revoked, "revoked"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			header, r := send(tt.header)
			if r.Status != http.StatusUnauthorized || header.Get("WWW-Authenticate") == "" {
				t.Errorf("status %d, WWW-Authenticate %q, want 401 with a challenge", r.Status, header.Get("WWW-Authenticate"))
			}
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || !strings.Contains(r.Errors[0].Message, tt.want) || r.HasData {
				t.Errorf("errors %+v, want UNAUTHENTICATED mentioning %q and no data", r.Errors, tt.want)
			}
		})
	}

	t.Run("each key and the anonymous client have their own bucket", func(t *testing.T) {
		remaining := func(header string) string {
			h, r := send(header)
			if r.Status != http.StatusOK || len(r.Errors) > 0 {
				t.Fatalf("status %d, %+v", r.Status, r.Errors)
			}
			return h.Get("X-RateLimit-Remaining")
		}
		if got := remaining("Bearer " + editor); got != "900" {
			t.Errorf("editor's first query leaves %s, want 900", got)
		}
		if got := remaining("Bearer " + editor); got != "800" {
			t.Errorf("editor's second query leaves %s, want 800", got)
		}
		if got := remaining("Bearer " + other); got != "900" {
			t.Errorf("another key's first query leaves %s, want 900", got)
		}
		if got := remaining(""); got != "900" {
			t.Errorf("anonymous first query leaves %s, want 900", got)
		}
	})
}
