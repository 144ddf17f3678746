// Package graph is the GraphQL layer: the resolvers over the ent client and
// the executable schema that the HTTP server serves.
//
// *.resolvers.go hold resolvers only (gqlgen scaffolds them, we own their
// bodies); helpers live in ordinary files beside them. generated/ is
// written by gqlgen and never edited by hand.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"sscgraph/ent"
	"sscgraph/graph/generated"
)

// Resolver is the root resolver. It holds the dependencies every resolver
// shares and nothing request-scoped.
type Resolver struct {
	client   *ent.Client
	webhooks WebhookOptions // graph/webhooks.go
}

// NewSchema returns the executable GraphQL schema over client. The server
// and the tests build the API from it alike.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client},
	})
}
