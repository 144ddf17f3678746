package matching

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/ent/matchneed"
	"sscgraph/internal/lifecycle"
)

// needQuery selects what ranks needs for an offer: the mirror of
// offerQuery, with the same components and the same formula (pairPoints),
// so that a pair scores the same from both ends.
type needQuery struct {
	offer *offerProfile
	now   time.Time
	page  Page
}

// build writes the ranking of needs for an offer:
//
//  1. hits: the needs that share a topic with the offer, read from the
//     join table's (topic, need) index, and the needs for a country the
//     offer targets, from the needs' (country, posted_at) index;
//  2. cand: one row per need;
//  3. feat: the need's row and the other components, for OPEN needs of
//     other organizations than the provider; the weight of the need's own
//     topics, which the shared weight is a share of;
//  4. the score, the count, the page.
func (nq needQuery) build(q *query) {
	o := nq.offer
	ip, all := split(o.topics)
	targets, regions := keys(o.countries), keys(o.regions)
	q.w("WITH hits(id, tw, here) AS (")
	if len(all) > 0 {
		q.w("SELECT match_need_id, CASE WHEN topic_id IN ", q.list(ip), " THEN ", fmt.Sprint(IPAreaWeight), " ELSE ", fmt.Sprint(SectorWeight), " END, 0",
			" FROM match_need_topics WHERE topic_id IN ", q.list(all), " UNION ALL ")
	}
	q.w("SELECT id, 0, 1 FROM match_needs WHERE country_id IN ", q.list(targets), ")")
	q.w(", cand AS (SELECT id, SUM(tw) AS tw, MAX(here) AS here FROM hits GROUP BY id)")

	anywhere := "1 = 0"
	if len(targets) == 0 && len(regions) == 0 {
		anywhere = "1 = 1"
	}
	ss := "0"
	if o.providerDevel {
		ss = "CASE WHEN sc.region_id <> " + q.arg(o.developed) + " THEN 1 ELSE 0 END"
	}
	q.w(", feat AS MATERIALIZED (SELECT n.id AS id, c.tw AS tw,",
		" (SELECT SUM(CASE WHEN t.kind = ", q.arg("IP_AREA"), " THEN ", fmt.Sprint(IPAreaWeight), " ELSE ", fmt.Sprint(SectorWeight), " END)",
		" FROM match_need_topics nt JOIN topics t ON t.id = nt.topic_id WHERE nt.match_need_id = n.id) AS ntw,",
		" CASE WHEN c.here = 1 THEN 3 WHEN nc.region_id IN ", q.list(regions), " THEN 2 WHEN ", anywhere, " THEN 1 ELSE 0 END AS place,",
		" CASE WHEN n.kind = ", q.arg(string(o.offer.Kind)), " THEN 1 ELSE 0 END AS kind,",
		" ", q.languageMatch("n.languages", o.offer.Languages), " AS lang,",
		" ", ss, " AS ss,",
		" ", q.daysSince(q.arg(asOf(nq.now)), "o.posted_at"), " AS age,",
		" n.country_id AS country, nc.region_id AS region",
		// The candidates drive the join (see offerQuery).
		" FROM cand c CROSS JOIN match_needs n",
		" JOIN countries nc ON nc.id = n.country_id",
		" LEFT JOIN organizations s ON s.id = n.seeker_id",
		" LEFT JOIN countries sc ON sc.id = s.country_id",
		" JOIN match_offers o ON o.id = ", q.arg(o.offer.ID),
		// Needs do not expire; a need that is MATCHED or CLOSED is not
		// looking any more, and the provider's own needs are not
		// suggested to it.
		" WHERE n.id = c.id AND n.status = ", q.arg(lifecycle.Open), " AND n.seeker_id <> ", q.arg(o.offer.ProviderID), ")")
	q.w(", scored AS (SELECT id, tw, place, kind, lang, ss, age, country, region, ", pairPoints("ntw"), " AS points FROM feat)")
	rankPage(q, nq.page)
}

func rankNeeds(ctx context.Context, client *ent.Client, nq needQuery) ([]pairRow, error) {
	var rows []pairRow
	if err := run(ctx, client, nq.build, &rows); err != nil {
		return nil, fmt.Errorf("ranking needs for offer %d: %w", nq.offer.offer.ID, err)
	}
	sortRows(rows, pairRow.key)
	return rows, nil
}

// Needs ranks the OPEN needs an offer fits and returns a page of them,
// best first, with the reasons.
func Needs(ctx context.Context, client *ent.Client, offerID int, page Page, opts Options) (*NeedSuggestionConnection, error) {
	offer, err := loadOffer(ctx, client, "offer", offerID)
	if err != nil {
		return nil, err
	}
	now := opts.now()
	edges, info, total, err := suggest(page, func(p Page) ([]pairRow, error) {
		return rankNeeds(ctx, client, needQuery{offer: offer, now: now, page: p})
	}, func(_ []pairRow, ids []int) (func(pairRow, entgql.Cursor[int]) (*NeedSuggestionEdge, bool), error) {
		q := client.MatchNeed.Query().Where(matchneed.IDIn(ids...))
		if opts.NeedQuery != nil {
			var err error
			if q, err = opts.NeedQuery(q); err != nil {
				return nil, err
			}
		}
		needs, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading suggested needs: %w", err)
		}
		byID := make(map[int]*ent.MatchNeed, len(needs))
		for _, n := range needs {
			byID[n.ID] = n
		}
		shared, err := sharedTopics(ctx, client, "match_need_topics", "match_need_id", ids, offer.topics)
		if err != nil {
			return nil, err
		}
		return func(r pairRow, c entgql.Cursor[int]) (*NeedSuggestionEdge, bool) {
			need, ok := byID[r.ID]
			if !ok {
				return nil, false
			}
			return &NeedSuggestionEdge{
				Node:   &NeedSuggestion{Need: need, Score: score(r.Points), Reasons: needReasons(offer, r, shared[r.ID])},
				Cursor: c,
			}, true
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &NeedSuggestionConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}
