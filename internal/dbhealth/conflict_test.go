package dbhealth

import (
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestIsConflict: only a lost transaction (serialization failure,
// deadlock) is a conflict the client may send again.
func TestIsConflict(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"serialization failure", pg("40001"), true},
		{"deadlock", pg("40P01"), true},
		{"unique violation", pg("23505"), false},
		{"connection exception", pg("08006"), false},
		{"eof", io.EOF, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsConflict(tt.err); got != tt.want {
				t.Errorf("IsConflict(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestInFailedTransaction: only 25P02 is a statement refused because an
// earlier one failed.
func TestInFailedTransaction(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"in failed transaction", pg("25P02"), true},
		{"read-only transaction", pg("25006"), false},
		{"deadlock", pg("40P01"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InFailedTransaction(tt.err); got != tt.want {
				t.Errorf("InFailedTransaction(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
