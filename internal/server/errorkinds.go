package server

import (
	"sync"

	"github.com/99designs/gqlgen/graphql/errcode"

	"sscgraph/internal/apierr"
)

var registerKinds sync.Once

// registerErrorKinds tells gqlgen which codes refuse a request before it
// runs, as a query that fails validation does (apierr.Protocol): a
// WebSocket answers those with an error message, not a next. gqlgen keeps
// the kinds in a global map that it reads without a lock, so they are
// registered once, before the first server serves.
func registerErrorKinds() {
	registerKinds.Do(func() {
		for _, code := range apierr.Codes() {
			if apierr.Protocol(code) {
				errcode.RegisterErrorType(string(code), errcode.KindProtocol)
			}
		}
	})
}
