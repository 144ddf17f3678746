package server_test

import (
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// BenchmarkIdempotencyKey prices the Idempotency-Key: a mutation (one
// createConsultant) sent without a key, with a new key each time (the
// record is claimed, then filled, in the mutation's transaction), and a
// retry answered from its record.
//
//	go test ./internal/server -run '^$' -bench BenchmarkIdempotencyKey -benchtime 300x
func BenchmarkIdempotencyKey(b *testing.B) {
	for _, be := range apitest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			a := apitest.New(b, be.Fresh(b))
			_, key, err := auth.Create(b.Context(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
			if err != nil {
				b.Fatal(err)
			}
			send := func(b *testing.B, idem string) apitest.Response {
				h := map[string]string{"Authorization": "Bearer " + key}
				if idem != "" {
					h["Idempotency-Key"] = idem
				}
				_, r := apitest.SendWith(b, a, h, createConsultant, map[string]any{"name": "Bench"})
				if len(r.Errors) > 0 {
					b.Fatal(r.Errors)
				}
				return r
			}
			b.Run("no key", func(b *testing.B) {
				for b.Loop() {
					send(b, "")
				}
			})
			n := 0
			b.Run("new key", func(b *testing.B) {
				for b.Loop() {
					n++
					send(b, fmt.Sprintf("bench-%d", n))
				}
			})
			send(b, "bench-replay")
			b.Run("replay", func(b *testing.B) {
				for b.Loop() {
					send(b, "bench-replay")
				}
			})
		})
	}
}
