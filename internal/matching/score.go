package matching

import (
	"context"

	"sscgraph/ent"
)

// ScorePair is how well offer fits need, from 0 to 1, with the reasons, as
// suggestedOffers ranks it; proposeMatch stores it on the match.
func ScorePair(ctx context.Context, client *ent.Client, need *ent.MatchNeed, offer *ent.MatchOffer) (float64, []string, error) {
	return 0.5, nil, nil // replaced by the ranking
}
