package graph

import (
	"context"

	"sscgraph/internal/viewer"
)

// privateString is the one rule for personal data: ADMIN and EDITOR keys
// see it; everyone else gets null, without an error, so that a query
// asking for it works for every caller. Every path that reaches a
// consultant (top level, nested, node, nodes) resolves its e-mail here.
func privateString(ctx context.Context, value string) *string {
	if !viewer.From(ctx).SeesPrivateData() || value == "" {
		return nil
	}
	return &value
}
