package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sscgraph/internal/apierr"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// LoadPersistedQueries reads an allow-list of queries: a JSON object from
// SHA-256 hash (hex) to query text, or a JSON array of query texts whose
// hashes are computed. Hashes given must match their text.
func LoadPersistedQueries(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading persisted queries: %w", err)
	}
	out := map[string]string{}
	var byHash map[string]string
	if err := json.Unmarshal(b, &byHash); err == nil {
		for h, q := range byHash {
			if queryHash(q) != h {
				return nil, fmt.Errorf("persisted queries %s: the hash %s does not match its query", path, h)
			}
			out[h] = q
		}
		return out, nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("persisted queries %s: want a JSON object from hash to query or an array of queries", path)
	}
	for _, q := range list {
		out[queryHash(q)] = q
	}
	return out, nil
}

func queryHash(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// allowList runs only the queries it holds (--persisted-only): clients
// send a query's hash in Apollo's persistedQuery extension, or the text of
// an allowed query; anything else is refused before it is parsed.
type allowList struct {
	queries map[string]string
}

var (
	_ graphql.HandlerExtension          = allowList{}
	_ graphql.OperationParameterMutator = allowList{}
)

func (allowList) ExtensionName() string                   { return "PersistedOnly" }
func (allowList) Validate(graphql.ExecutableSchema) error { return nil }

func (a allowList) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := ""
	if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok {
		hash, _ = pq["sha256Hash"].(string)
	}
	switch {
	case p.Query != "":
		h := queryHash(p.Query)
		if hash != "" && hash != h {
			return codeError(apierr.PersistedQueryRequired, "the persistedQuery hash does not match the query sent")
		}
		if _, ok := a.queries[h]; !ok {
			return codeError(apierr.PersistedQueryRequired,
				"this server runs only persisted queries: send extensions.persistedQuery.sha256Hash of an allowed query")
		}
	case hash != "":
		q, ok := a.queries[hash]
		if !ok {
			return codeError(apierr.PersistedQueryNotFound,
				fmt.Sprintf("PersistedQueryNotFound: %s is not an allowed query on this server", hash))
		}
		p.Query = q
	default:
		return codeError(apierr.PersistedQueryRequired, "the request has neither a query nor a persisted query hash")
	}
	return nil
}
