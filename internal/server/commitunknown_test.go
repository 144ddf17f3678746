package server_test

import (
	"fmt"
	"strings"
	"testing"

	"sscgraph/internal/auth"
	"sscgraph/internal/faultproxy"
)

// TestCommitUnknownRetryWithIdempotencyKey: a mutation answered
// COMMIT_UNKNOWN (its connection cut once COMMIT was sent, or COMMIT lost
// on its way) is sent again with the same Idempotency-Key, as the error
// says: when the first had been written, the retry answers its outcome
// (replayed, with the first request's ID); when it had not, the retry
// writes it. Either way the change is written exactly once.
func TestCommitUnknownRetryWithIdempotencyKey(t *testing.T) {
	direct, proxy, dsn := faultyPostgres(t)
	a := newAPI(t, dsn)
	key := newKey(t, a, auth.RoleAdmin)
	for i, tc := range []struct {
		name         string
		rule         faultproxy.Rule
		wantReplayed bool
	}{
		{"cut after commit was sent (written)", commitRule(faultproxy.CutAfter), true},
		{"commit lost on its way (not written)", commitRule(faultproxy.CutBefore), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := fmt.Sprintf("IDEM_FAULT_%d", i)
			q := fmt.Sprintf(`mutation { createRegion(input: {code: %q, name: "Idempotent fault"}) { code } }`, code)
			headers := map[string]string{"Authorization": key, "Idempotency-Key": "fault-" + code}

			proxy.SetRule(tc.rule)
			h, first := sendWith(t, a, headers, q, nil)
			proxy.SetRule(nil)
			if errCode(first) != "COMMIT_UNKNOWN" || !strings.Contains(first.Errors[0].Message, "Idempotency-Key") {
				t.Fatalf("first: got %+v, want COMMIT_UNKNOWN mentioning Idempotency-Key", first.Errors)
			}

			_, retry := sendWith(t, a, headers, q, nil)
			ok, requestID := replayed(retry)
			if len(retry.Errors) > 0 || retry.str("createRegion.code") != code || ok != tc.wantReplayed {
				t.Fatalf("retry: got %v replayed %v (%+v), want %s replayed %v", retry.Data, ok, retry.Errors, code, tc.wantReplayed)
			}
			if ok && requestID != h.Get("X-Request-ID") {
				t.Errorf("retry: requestId %q, want the first request's %q", requestID, h.Get("X-Request-ID"))
			}
			if n := directCount(t, direct, `SELECT COUNT(*) FROM regions WHERE code = $1`, code); n != 1 {
				t.Errorf("got %d regions %s, want 1", n, code)
			}
		})
	}
}
