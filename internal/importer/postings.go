package importer

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/migrate"
	"sscgraph/ent/region"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
	"sscgraph/internal/apierr"
	"sscgraph/internal/lifecycle"
)

// Match offers and needs. The lifecycle's rules for a posting's status
// (package lifecycle) are applied here with the rights of a moderator: the
// schema's hooks leave sscgraph's own writes to their caller.

var offerColumns = []column{
	{name: "ref"},
	{name: "demo"},
	{name: "title", required: true},
	{name: "description"},
	{name: "kind", required: true},
	{name: "status"},
	{name: "posted_at"},
	{name: "expires_at"},
	{name: "languages"},
	{name: "provider", required: true, key: "organization"},
	{name: "capacity"},
	{name: "topics", key: "topic"},
	{name: "target_regions", key: "region"},
	{name: "target_countries", key: "country"},
}

var needColumns = []column{
	{name: "ref"},
	{name: "demo"},
	{name: "title", required: true},
	{name: "description"},
	{name: "kind", required: true},
	{name: "status"},
	{name: "posted_at"},
	{name: "languages"},
	{name: "seeker", required: true, key: "organization"},
	{name: "country", required: true, key: "country"},
	{name: "topics", key: "topic"},
}

var (
	matchKinds    = schematype.MatchKind("").Values()
	offerStatuses = enumValues(migrate.MatchOffersTable, matchoffer.FieldStatus)
	needStatuses  = enumValues(migrate.MatchNeedsTable, matchneed.FieldStatus)
)

// posting is what offers and needs share.
type posting struct {
	title, description string
	kind               schematype.MatchKind
	status             string // "" keeps the record's (OPEN for a new one)
	posted             *time.Time
	languages          []string
	topics             []int
}

func parsePosting(r *row, what string, statuses []string) posting {
	p := posting{
		title:       r.text("title"),
		description: r.text("description"),
		kind:        schematype.MatchKind(r.enum("kind", matchKinds)),
		status:      r.enum("status", statuses),
		languages:   r.languages("languages"),
	}
	if p.status != "" {
		// EXPIRED is derived from expires_at, never written.
		if err := lifecycle.NewPosting(what, p.status, true); err != nil {
			r.bad("status", "%v", err)
		}
	}
	if t, ok := r.date("posted_at"); ok {
		// The API refuses postings dated in the future (a minute of clock
		// skew aside); the schema's hook leaves that to sscgraph's own
		// writers, so it is said again here.
		if t.After(time.Now().Add(time.Minute)) {
			r.bad("posted_at", "%s cannot be posted in the future (%s)", apierr.WithArticle(what), t.Format(time.DateOnly))
		}
		p.posted = &t
	}
	if r.h.has("topics") {
		p.topics = r.refs("topics", r.keys.topics)
	}
	return p
}

type offerRec struct {
	posting
	expires                  *time.Time
	provider                 int
	capacity                 *int
	regions, targetCountries []int
}

var offers = &spec[offerRec, *ent.MatchOffer]{
	columns: offerColumns,
	parse:   parseOffer,
	load:    loadOffers,
	create:  createOffers,
	update:  updateOffer,
	fields:  map[string]string{"target_region": "target_regions", "target_country": "target_countries"},
}

func parseOffer(r *row) *offerRec {
	o := &offerRec{posting: parsePosting(r, "offer", offerStatuses), capacity: r.integer("capacity")}
	if t, ok := r.date("expires_at"); ok {
		o.expires = &t
	}
	o.provider = r.ref("provider", r.keys.organizations)
	if r.h.has("target_regions") {
		o.regions = r.refs("target_regions", r.keys.regions)
	}
	if r.h.has("target_countries") {
		o.targetCountries = r.refs("target_countries", r.keys.countries)
	}
	return o
}

func loadOffers(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]*ent.MatchOffer, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	q := c.MatchOffer.Query().Where(matchoffer.RefIn(refs...))
	if h.has("topics") {
		q.WithTopics(func(q *ent.TopicQuery) { q.Select(topic.FieldID) })
	}
	if h.has("target_regions") {
		q.WithTargetRegions(func(q *ent.RegionQuery) { q.Select(region.FieldID) })
	}
	if h.has("target_countries") {
		q.WithTargetCountries(func(q *ent.CountryQuery) { q.Select(country.FieldID) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading offers by ref: %w", err)
	}
	return byRef(rows, func(o *ent.MatchOffer) *string { return o.Ref }), nil
}

func createOffers(ctx context.Context, c *ent.Client, _ *header, items []item[offerRec]) error {
	bs := make([]*ent.MatchOfferCreate, len(items))
	for i, it := range items {
		r := it.rec
		b := newPosting(c.MatchOffer.Create(), it, &r.posting).
			SetStatus(matchoffer.Status(cmp.Or(r.status, string(matchoffer.StatusOPEN)))).
			SetProviderID(r.provider)
		addIDs(b.AddTargetRegionIDs, r.regions)
		addIDs(b.AddTargetCountryIDs, r.targetCountries)
		if r.expires != nil {
			b.SetExpiresAt(*r.expires)
		}
		if r.capacity != nil {
			b.SetCapacity(*r.capacity)
		}
		bs[i] = b
	}
	return c.MatchOffer.CreateBulk(bs...).Exec(ctx)
}

func updateOffer(ctx context.Context, c *ent.Client, h *header, it item[offerRec], cur *ent.MatchOffer) (bool, error) {
	r := it.rec
	u := c.MatchOffer.UpdateOne(cur)
	return updatePosting(ctx, c, h, it.ref, it.demo, &r.posting, postingUpdate[*ent.MatchOfferUpdateOne]{
		what: "offer", owner: "provider", ownerHas: cur.ProviderID, ownerWants: r.provider,
		u: u,
		cur: postingRecord{
			demo: cur.Demo, title: cur.Title, description: cur.Description, kind: cur.Kind,
			status: string(cur.Status), posted: cur.PostedAt, expires: cur.ExpiresAt,
			languages: cur.Languages, topics: topicKeys(cur.Edges.Topics),
		},
		setStatus: func(s string) { u.SetStatus(matchoffer.Status(s)) },
		more: func(d *diff) *time.Time {
			expires := cur.ExpiresAt
			d.field("expires_at", !sameTime(r.expires, cur.ExpiresAt), func() {
				expires = r.expires
				if r.expires == nil {
					u.ClearExpiresAt()
				} else {
					u.SetExpiresAt(*r.expires)
				}
			})
			// An empty capacity keeps the record's: it has no "none".
			d.field("capacity", r.capacity != nil && *r.capacity != cur.Capacity, func() { u.SetCapacity(*r.capacity) })
			edge(d, "target_regions", r.regions, regionKeys(cur.Edges.TargetRegions), u.AddTargetRegionIDs, u.RemoveTargetRegionIDs)
			edge(d, "target_countries", r.targetCountries, countryKeys(cur.Edges.TargetCountries), u.AddTargetCountryIDs, u.RemoveTargetCountryIDs)
			return expires
		},
	})
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

type needRec struct {
	posting
	seeker, country int
}

var needs = &spec[needRec, *ent.MatchNeed]{
	columns: needColumns,
	parse:   parseNeed,
	load:    loadNeeds,
	create:  createNeeds,
	update:  updateNeed,
}

func parseNeed(r *row) *needRec {
	return &needRec{
		posting: parsePosting(r, "need", needStatuses),
		seeker:  r.ref("seeker", r.keys.organizations),
		country: r.ref("country", r.keys.countries),
	}
}

func loadNeeds(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]*ent.MatchNeed, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	q := c.MatchNeed.Query().Where(matchneed.RefIn(refs...))
	if h.has("topics") {
		q.WithTopics(func(q *ent.TopicQuery) { q.Select(topic.FieldID) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading needs by ref: %w", err)
	}
	return byRef(rows, func(n *ent.MatchNeed) *string { return n.Ref }), nil
}

func createNeeds(ctx context.Context, c *ent.Client, _ *header, items []item[needRec]) error {
	bs := make([]*ent.MatchNeedCreate, len(items))
	for i, it := range items {
		r := it.rec
		bs[i] = newPosting(c.MatchNeed.Create(), it, &r.posting).
			SetStatus(matchneed.Status(cmp.Or(r.status, string(matchneed.StatusOPEN)))).
			SetSeekerID(r.seeker).SetCountryID(r.country)
	}
	return c.MatchNeed.CreateBulk(bs...).Exec(ctx)
}

func updateNeed(ctx context.Context, c *ent.Client, h *header, it item[needRec], cur *ent.MatchNeed) (bool, error) {
	r := it.rec
	u := c.MatchNeed.UpdateOne(cur)
	return updatePosting(ctx, c, h, it.ref, it.demo, &r.posting, postingUpdate[*ent.MatchNeedUpdateOne]{
		what: "need", owner: "seeker", ownerHas: cur.SeekerID, ownerWants: r.seeker,
		u: u,
		cur: postingRecord{
			demo: cur.Demo, title: cur.Title, description: cur.Description, kind: cur.Kind,
			status: string(cur.Status), posted: cur.PostedAt,
			languages: cur.Languages, topics: topicKeys(cur.Edges.Topics),
		},
		setStatus: func(s string) { u.SetStatus(matchneed.Status(s)) },
		more: func(d *diff) *time.Time {
			d.field("country", r.country != cur.CountryID, func() { u.SetCountryID(r.country) })
			return nil
		},
	})
}
