package limits

import (
	"testing"

	"sscgraph/internal/pgtest"
)

// storesUnderTest are the stores every bucket test runs on: in memory
// always, and in PostgreSQL when the tests have one (a migrated schema of
// the test's own).
func storesUnderTest() []struct {
	name string
	open func(t testing.TB, perHour int) Store
} {
	all := stores
	if pgtest.DSN() != "" {
		all = append(all, struct {
			name string
			open func(t testing.TB, perHour int) Store
		}{"postgres", func(t testing.TB, perHour int) Store {
			return NewPostgres(pgtest.Open(t).SQL, perHour)
		}})
	}
	return all
}
