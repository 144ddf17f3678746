package matching

import (
	"context"
	"time"

	"sscgraph/ent"
	"sscgraph/internal/gid"
)

// ScorePair is how well offer fits need, from 0 to 1, with the reasons, as
// suggestedOffers ranks it; proposeMatch stores it on the match. It runs
// the ranking's own query, restricted to the one offer and without the
// conditions of what may be suggested (status, capacity, organization),
// so that the score is the ranking's to the last digit. A pair that is no
// candidate (no shared topic, and the offer does not target the need's
// country) scores 0, without reasons.
func ScorePair(ctx context.Context, client *ent.Client, need *ent.MatchNeed, offer *ent.MatchOffer) (float64, []string, error) {
	return scorePair(ctx, client, need.ID, offer.ID, time.Now())
}

func scorePair(ctx context.Context, client *ent.Client, needID, offerID int, now time.Time) (float64, []string, error) {
	n, err := loadNeed(ctx, client, "need", needID)
	if err != nil {
		return 0, nil, err
	}
	if err := gid.CheckType(ctx, "offer", offerID, "MatchOffer"); err != nil {
		return 0, nil, err
	}
	rows, err := rankOffers(ctx, client, offerQuery{need: n, now: now, page: Page{First: 1}, only: offerID})
	if err != nil || len(rows) == 0 {
		return 0, nil, err
	}
	shared, err := sharedTopics(ctx, client, "match_offer_topics", "match_offer_id", []int{offerID}, n.topics)
	if err != nil {
		return 0, nil, err
	}
	return score(rows[0].Points), offerReasons(n, rows[0], shared[offerID]), nil
}
