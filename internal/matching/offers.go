package matching

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/ent/matchoffer"
	"sscgraph/internal/lifecycle"
)

// Options tune a ranking.
type Options struct {
	// Now is the time of the request: offers expired by then are not
	// suggested, and freshness is counted from the start of its day (UTC).
	// Zero means time.Now().
	Now time.Time
	// OfferQuery, NeedQuery and ConsultantQuery, when set, shape the query
	// that loads a page's rows (the GraphQL layer selects what the client
	// asked for, nested connections included).
	OfferQuery      func(*ent.MatchOfferQuery) (*ent.MatchOfferQuery, error)
	NeedQuery       func(*ent.MatchNeedQuery) (*ent.MatchNeedQuery, error)
	ConsultantQuery func(*ent.ConsultantQuery) (*ent.ConsultantQuery, error)
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// asOf is the instant freshness is counted from: the start of the day, so
// that a score, and the cursor that carries it, holds all day.
func asOf(now time.Time) time.Time { return now.UTC().Truncate(24 * time.Hour) }

// pairRow is one ranked pair: the components of its score, as the
// database computed them, and the score.
type pairRow struct {
	ID int `sql:"id"`
	// TW is the weight of the topics the pair shares.
	TW int64 `sql:"tw"`
	// Place is 3 (the offer targets the need's country), 2 (its region),
	// 1 (the offer targets nowhere in particular) or 0.
	Place int64 `sql:"place"`
	Kind  int64 `sql:"kind"`
	// Lang is a language both work in, if any.
	Lang sql.NullString `sql:"lang"`
	SS   int64          `sql:"ss"`
	// Age is the offer's age in days at the start of the day.
	Age float64 `sql:"age"`
	// Country and Region are the need's (suggestedNeeds reads them).
	Country sql.NullInt64 `sql:"country"`
	Region  sql.NullInt64 `sql:"region"`
	Points  int64         `sql:"points"`
	Total   int64         `sql:"total"`
}

func (r pairRow) key() Key   { return Key{Points: r.Points, ID: r.ID} }
func (r pairRow) total() int { return int(r.Total) }

// pairPoints writes the score of a pair from the components that feat
// computed, ntw being the weight of the need's topics: the one formula of
// suggestedOffers, suggestedNeeds and ScorePair, so that a pair scores the
// same in all three.
func pairPoints(ntw string) string {
	return "CAST(ROUND(" + num(scoreScale) + " * (" +
		num(WeightTopics) + " * CASE WHEN " + ntw + " > 0 THEN " + double("tw") + " / " + double(ntw) + " ELSE " + num(0) + " END" +
		" + " + num(WeightPlace) + " * CASE place WHEN 3 THEN " + num(PlaceCountry) + " WHEN 2 THEN " + num(PlaceRegion) +
		" WHEN 1 THEN " + num(PlaceAnywhere) + " ELSE " + num(0) + " END" +
		" + " + num(WeightKind) + " * kind" +
		" + " + num(WeightLanguage) + " * CASE WHEN lang IS NULL THEN 0 ELSE 1 END" +
		" + " + num(WeightSouthSouth) + " * ss" +
		" + " + num(WeightFreshness) + " * " + num(FreshnessHalfLife) + " / (" + num(FreshnessHalfLife) + " + CASE WHEN age > 0 THEN age ELSE " + num(0) + " END)" +
		")) AS BIGINT)"
}

// offerQuery selects what ranks offers for a need.
type offerQuery struct {
	need *needProfile
	now  time.Time
	page Page
	// only restricts the ranking to one offer, scored whatever its state
	// (ScorePair).
	only int
}

// capacityCounts lists the match statuses that use a place of an offer's
// capacity: those lifecycle.Counts accepts (a test keeps them in step).
var capacityCounts = []string{lifecycle.Accepted, lifecycle.Completed}

// build writes the ranking of offers for a need:
//
//  1. hits: the offers that share a topic with the need, with the topic's
//     weight, and the offers that target the need's country, read from
//     the join tables' (topic, offer) and (country, offer) indexes;
//  2. cand: one row per offer, the weight of the topics shared;
//  3. feat: the offer's row and the other components, for the offers that
//     can be suggested (OPEN and not expired, capacity left, not the
//     seeker's organization's);
//  4. the score, the count of all candidates (a window, before the
//     cursor's condition), and the page after the cursor.
//
// feat is MATERIALIZED: inlined into the score, its subqueries (place)
// would run twice per candidate, once for the column and once for the
// score.
func (o offerQuery) build(q *query) {
	n, p := o.need, o.page
	ip, all := split(n.topics)
	only := func(col string) string {
		if o.only == 0 {
			return ""
		}
		return " AND " + col + " = " + q.arg(o.only)
	}
	q.w("WITH hits(id, tw, here) AS (")
	if len(all) > 0 {
		q.w("SELECT match_offer_id, CASE WHEN topic_id IN ", q.list(ip), " THEN ", fmt.Sprint(IPAreaWeight), " ELSE ", fmt.Sprint(SectorWeight), " END, 0",
			" FROM match_offer_topics WHERE topic_id IN ", q.list(all), only("match_offer_id"), " UNION ALL ")
	}
	q.w("SELECT match_offer_id, 0, 1 FROM match_offer_target_countries WHERE country_id = ", q.arg(n.country), only("match_offer_id"), ")")
	q.w(", cand AS (SELECT id, SUM(tw) AS tw, MAX(here) AS here FROM hits GROUP BY id)")

	ss := "0"
	if n.seekerDevel {
		ss = "CASE WHEN pc.region_id <> " + q.arg(n.developed) + " THEN 1 ELSE 0 END"
	}
	q.w(", feat AS MATERIALIZED (SELECT o.id AS id, c.tw AS tw,",
		" CASE WHEN c.here = 1 THEN 3",
		" WHEN EXISTS (SELECT 1 FROM match_offer_target_regions x WHERE x.match_offer_id = o.id AND x.region_id = ", q.arg(n.region), ") THEN 2",
		" WHEN NOT EXISTS (SELECT 1 FROM match_offer_target_countries x WHERE x.match_offer_id = o.id)",
		" AND NOT EXISTS (SELECT 1 FROM match_offer_target_regions x WHERE x.match_offer_id = o.id) THEN 1",
		" ELSE 0 END AS place,",
		" CASE WHEN o.kind = ", q.arg(string(n.kind)), " THEN 1 ELSE 0 END AS kind,",
		" ", q.languageMatch("o.languages", n.languages), " AS lang,",
		" ", ss, " AS ss,",
		" ", q.daysSince(q.arg(asOf(o.now)), "o.posted_at"), " AS age,",
		" CAST(NULL AS BIGINT) AS country, CAST(NULL AS BIGINT) AS region",
		// The candidates drive the join: CROSS JOIN keeps them the outer
		// loop on SQLite, whose planner, without statistics (a database
		// just loaded), would rather walk every OPEN offer by the status
		// index; PostgreSQL takes it as the inner join it is.
		" FROM cand c CROSS JOIN match_offers o",
		" LEFT JOIN organizations p ON p.id = o.provider_id",
		" LEFT JOIN countries pc ON pc.id = p.country_id",
		" WHERE o.id = c.id")
	if o.only == 0 {
		// What can be suggested: the effective status is OPEN (an OPEN
		// offer past its expiresAt reads as EXPIRED, see package
		// lifecycle), places are left, and the offer is not the seeker's
		// own organization's.
		q.w(" AND o.status = ", q.arg(lifecycle.Open),
			" AND (o.expires_at IS NULL OR o.expires_at > ", q.arg(o.now.UTC()), ")",
			" AND o.provider_id <> ", q.arg(n.seeker),
			" AND (SELECT COUNT(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN ", q.strings(capacityCounts), ") < o.capacity")
	}
	q.w(")")
	q.w(", scored AS (SELECT feat.*, ", pairPoints(num(float64(weight(n.topics)))), " AS points FROM feat)")
	rankPage(q, p)
}

// rankPage writes the end of a ranking over the CTE scored: the count of
// all rows when asked, then the page after the cursor, best first.
func rankPage(q *query, p Page) {
	if p.Total {
		q.w(", counted AS (SELECT scored.*, COUNT(*) OVER () AS total FROM scored)")
	} else {
		q.w(", counted AS (SELECT scored.*, 0 AS total FROM scored)")
	}
	q.w(" SELECT * FROM counted", q.after(p), " ORDER BY points DESC, id", p.limit())
}

// rankOffers runs the ranking of offers for a need and returns the rows
// read, best first.
func rankOffers(ctx context.Context, client *ent.Client, o offerQuery) ([]pairRow, error) {
	var rows []pairRow
	if err := run(ctx, client, o.build, &rows); err != nil {
		return nil, fmt.Errorf("ranking offers for need %d: %w", o.need.id, err)
	}
	sortRows(rows, pairRow.key)
	return rows, nil
}

// sortRows puts rows in ranking order: the database sorts them, but the
// query that wraps it (see run) does not promise to keep the order.
func sortRows[T any](rows []T, key func(T) Key) {
	slices.SortFunc(rows, func(a, b T) int {
		ka, kb := key(a), key(b)
		switch {
		case ka.Points != kb.Points:
			if ka.Points > kb.Points {
				return -1
			}
			return 1
		default:
			return ka.ID - kb.ID
		}
	})
}

// Offers ranks the offers that can be suggested for a need and returns a
// page of them, best first, with the reasons.
func Offers(ctx context.Context, client *ent.Client, needID int, page Page, opts Options) (*OfferSuggestionConnection, error) {
	need, err := loadNeed(ctx, client, "need", needID)
	if err != nil {
		return nil, err
	}
	now := opts.now()
	edges, info, total, err := suggest(page, func(p Page) ([]pairRow, error) {
		return rankOffers(ctx, client, offerQuery{need: need, now: now, page: p})
	}, func(_ []pairRow, ids []int) (func(pairRow, entgql.Cursor[int]) (*OfferSuggestionEdge, bool), error) {
		offers, err := loadOffers(ctx, client, ids, opts)
		if err != nil {
			return nil, err
		}
		shared, err := sharedTopics(ctx, client, "match_offer_topics", "match_offer_id", ids, need.topics)
		if err != nil {
			return nil, err
		}
		return func(r pairRow, c entgql.Cursor[int]) (*OfferSuggestionEdge, bool) {
			offer, ok := offers[r.ID]
			if !ok {
				return nil, false
			}
			return &OfferSuggestionEdge{
				Node: &OfferSuggestion{
					Offer:   offer,
					Score:   score(r.Points),
					Reasons: offerReasons(need, r, shared[r.ID]),
				},
				Cursor: c,
			}, true
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &OfferSuggestionConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func loadOffers(ctx context.Context, client *ent.Client, ids []int, opts Options) (map[int]*ent.MatchOffer, error) {
	q := client.MatchOffer.Query().Where(matchoffer.IDIn(ids...))
	if opts.OfferQuery != nil {
		var err error
		if q, err = opts.OfferQuery(q); err != nil {
			return nil, err
		}
	}
	offers, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading suggested offers: %w", err)
	}
	out := make(map[int]*ent.MatchOffer, len(offers))
	for _, o := range offers {
		out[o.ID] = o
	}
	return out, nil
}

// sharedTopics reads, for the rows of a page, which of the given topics
// each has (table is the join table, owner its column of the row's key).
func sharedTopics(ctx context.Context, client *ent.Client, table, owner string, ids []int, topics []topicRef) (map[int][]topicRef, error) {
	out := map[int][]topicRef{}
	if len(ids) == 0 || len(topics) == 0 {
		return out, nil
	}
	byID := make(map[int]topicRef, len(topics))
	_, all := split(topics)
	for _, t := range topics {
		byID[t.id] = t
	}
	var rows []struct {
		Owner int `sql:"owner"`
		Topic int `sql:"topic"`
	}
	err := run(ctx, client, func(q *query) {
		q.w("SELECT ", owner, " AS owner, topic_id AS topic FROM ", table,
			" WHERE ", owner, " IN ", q.list(ids), " AND topic_id IN ", q.list(all))
	}, &rows)
	if err != nil {
		return nil, fmt.Errorf("reading shared topics: %w", err)
	}
	for _, r := range rows {
		out[r.Owner] = append(out[r.Owner], byID[r.Topic])
	}
	return out, nil
}
