package matching_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/country"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/ent/region"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
	"sscgraph/internal/apitest"
	"sscgraph/internal/matching"
	"sscgraph/internal/viewer"
)

// The suggestion tests build small worlds whose right answers can be
// worked out by hand: a need (an offer, an ask for consultants) and rows
// that differ from a base row in one component each, plus rows that must
// not be suggested. The worlds use topics of their own and a developing
// country that nothing in the demo data refers to, so that the demo rows
// are never candidates and every answer can be pinned whole.

// world is the places and topics of a hand-built case.
type world struct {
	a    *apitest.API
	ctx  context.Context // sscgraph's own writes (viewer.WithSystem)
	asOf time.Time       // the start of today (UTC): freshness counts from it

	here       *ent.Country // the need's country, which nothing else refers to
	hereRegion *ent.Region
	neighbour  *ent.Country // another country of hereRegion
	away       *ent.Country // a developing country of another region
	awayRegion *ent.Region
	far        *ent.Country // a developing country of a third region
	rich       *ent.Country // a developed country

	alpha, beta, gamma, delta *ent.Topic // IP area, IP area, sector, sector
}

func newWorld(t *testing.T, a *apitest.API) *world {
	t.Helper()
	w := &world{a: a, ctx: viewer.WithSystem(context.Background(), viewer.System{Name: "test"})}
	w.asOf = time.Now().UTC().Truncate(24 * time.Hour)
	c := a.DB.Client
	ids := a.Column(t, `SELECT c.id FROM countries c JOIN regions r ON r.id = c.region_id
		WHERE r.code <> 'DEVELOPED'
		AND NOT EXISTS (SELECT 1 FROM match_offer_target_countries x WHERE x.country_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM activity_beneficiary_countries x WHERE x.country_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM consultants x WHERE x.nationality_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM organizations x WHERE x.country_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM match_needs x WHERE x.country_id = c.id)
		ORDER BY c.code`)
	if len(ids) == 0 {
		t.Fatal("the demo data refers to every developing country: the hand-built cases need one it does not")
	}
	here, _ := strconv.Atoi(ids[0])
	w.here = c.Country.Query().Where(country.ID(here)).WithRegion().OnlyX(w.ctx)
	w.hereRegion = w.here.Edges.Region
	w.neighbour = c.Country.Query().Where(country.HasRegionWith(region.ID(w.hereRegion.ID)), country.IDNEQ(here)).
		Order(ent.Asc(country.FieldCode)).FirstX(w.ctx)
	others := c.Region.Query().Where(region.CodeNEQ("DEVELOPED"), region.IDNEQ(w.hereRegion.ID)).
		Order(ent.Asc(region.FieldCode)).AllX(w.ctx)
	if len(others) < 2 {
		t.Fatal("the hand-built cases need three developing regions")
	}
	w.awayRegion = others[0]
	w.away = c.Country.Query().Where(country.HasRegionWith(region.ID(others[0].ID))).Order(ent.Asc(country.FieldCode)).FirstX(w.ctx)
	w.far = c.Country.Query().Where(country.HasRegionWith(region.ID(others[1].ID))).Order(ent.Asc(country.FieldCode)).FirstX(w.ctx)
	w.rich = c.Country.Query().Where(country.HasRegionWith(region.Code("DEVELOPED"))).Order(ent.Asc(country.FieldCode)).FirstX(w.ctx)
	newTopic := func(code, name string, kind topic.Kind) *ent.Topic {
		return c.Topic.Create().SetCode(code).SetName(name).SetKind(kind).SaveX(w.ctx)
	}
	w.alpha = newTopic("TEST_ALPHA", "Alpha rights", topic.KindIP_AREA)
	w.beta = newTopic("TEST_BETA", "Beta rights", topic.KindIP_AREA)
	w.gamma = newTopic("TEST_GAMMA", "Gamma industry", topic.KindSECTOR)
	w.delta = newTopic("TEST_DELTA", "Delta industry", topic.KindSECTOR)
	return w
}

// org makes an organization in a country (none for nil).
func (w *world) org(name string, in *ent.Country) *ent.Organization {
	c := w.a.DB.Client.Organization.Create().SetName(name).SetKind(organization.KindIP_OFFICE)
	if in != nil {
		c.SetCountryID(in.ID)
	}
	return c.SaveX(w.ctx)
}

// offerSpec is an offer to make.
type offerSpec struct {
	provider  *ent.Organization
	kind      schematype.MatchKind
	languages []string
	topics    []*ent.Topic
	countries []*ent.Country
	regions   []*ent.Region
	posted    time.Time
	expires   *time.Time
	status    matchoffer.Status
	capacity  int
}

func (w *world) offer(title string, s offerSpec) *ent.MatchOffer {
	c := w.a.DB.Client.MatchOffer.Create().SetTitle(title).SetKind(s.kind).SetStatus(s.status).
		SetPostedAt(s.posted).SetNillableExpiresAt(s.expires).SetLanguages(s.languages).
		SetProviderID(s.provider.ID).SetCapacity(s.capacity)
	for _, t := range s.topics {
		c.AddTopicIDs(t.ID)
	}
	for _, x := range s.countries {
		c.AddTargetCountryIDs(x.ID)
	}
	for _, r := range s.regions {
		c.AddTargetRegionIDs(r.ID)
	}
	return c.SaveX(w.ctx)
}

// needSpec is a need to make.
type needSpec struct {
	seeker    *ent.Organization
	in        *ent.Country
	kind      schematype.MatchKind
	languages []string
	topics    []*ent.Topic
	status    matchneed.Status
}

func (w *world) need(title string, s needSpec) *ent.MatchNeed {
	c := w.a.DB.Client.MatchNeed.Create().SetTitle(title).SetKind(s.kind).SetStatus(s.status).
		SetPostedAt(w.asOf.AddDate(0, 0, -3)).SetLanguages(s.languages).
		SetSeekerID(s.seeker.ID).SetCountryID(s.in.ID)
	for _, t := range s.topics {
		c.AddTopicIDs(t.ID)
	}
	return c.SaveX(w.ctx)
}

// matchWith gives an offer a match in status with a need of its own.
func (w *world) matchWith(o *ent.MatchOffer, n *ent.MatchNeed, status match.Status) {
	w.a.DB.Client.Match.Create().SetOfferID(o.ID).SetNeedID(n.ID).SetStatus(status).SetScore(0.5).SaveX(w.ctx)
}

// expected is a suggestion as worked out by hand: the components of its
// score and its reasons.
type expected struct {
	name string
	// shared and total are the weights of the topics the pair shares and
	// of the need's (or the ask's) topics.
	shared, total int
	place         float64 // PlaceCountry, PlaceRegion, PlaceAnywhere or 0
	kind, lang    bool
	southSouth    bool
	age           float64 // the offer's age in days
	reasons       []string
}

// score is the pair's score from the weights the README documents.
func (e expected) score() float64 {
	s := matching.WeightTopics*float64(e.shared)/float64(e.total) +
		matching.WeightPlace*e.place +
		matching.WeightFreshness*matching.FreshnessHalfLife/(matching.FreshnessHalfLife+e.age)
	if e.kind {
		s += matching.WeightKind
	}
	if e.lang {
		s += matching.WeightLanguage
	}
	if e.southSouth {
		s += matching.WeightSouthSouth
	}
	return s
}

// suggestion is one edge of a suggestion connection, as read from JSON.
type suggestion struct {
	Cursor string `json:"cursor"`
	Node   struct {
		Score   float64  `json:"score"`
		Reasons []string `json:"reasons"`
		Offer   *struct {
			ID, Title string
		} `json:"offer"`
		Need *struct {
			ID, Title string
		} `json:"need"`
		Consultant *struct {
			ID, Name string
		} `json:"consultant"`
	} `json:"node"`
}

func (s suggestion) id() string {
	switch {
	case s.Node.Offer != nil:
		return s.Node.Offer.ID
	case s.Node.Need != nil:
		return s.Node.Need.ID
	case s.Node.Consultant != nil:
		return s.Node.Consultant.ID
	}
	return ""
}

func (s suggestion) name() string {
	switch {
	case s.Node.Offer != nil:
		return s.Node.Offer.Title
	case s.Node.Need != nil:
		return s.Node.Need.Title
	case s.Node.Consultant != nil:
		return s.Node.Consultant.Name
	}
	return ""
}

// connection is a suggestion connection, as read from JSON.
type connection struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool   `json:"hasNextPage"`
		HasPreviousPage bool   `json:"hasPreviousPage"`
		StartCursor     string `json:"startCursor"`
		EndCursor       string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []suggestion `json:"edges"`
}

// suggest runs a suggestion query and decodes the connection at field.
func suggest(t *testing.T, a *apitest.API, query, field string, vars map[string]any) connection {
	t.Helper()
	r := a.Query(t, query, vars)
	raw, err := json.Marshal(r.Data[field])
	if err != nil {
		t.Fatal(err)
	}
	var c connection
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

const offersQuery = `query($need: ID!, $first: Int, $after: Cursor) {
  suggestedOffers(need: $need, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { score reasons offer { id title } } }
  }
}`

const needsQuery = `query($offer: ID!, $first: Int, $after: Cursor) {
  suggestedNeeds(offer: $offer, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { score reasons need { id title } } }
  }
}`

const consultantsQuery = `query($activity: ID, $topics: [ID!], $country: ID, $language: String, $first: Int, $after: Cursor) {
  suggestedConsultants(activity: $activity, topics: $topics, country: $country, language: $language, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { score reasons consultant { id name } } }
  }
}`

// checkRanking compares a connection with the suggestions worked out by
// hand: the same rows in the same order, each score within rounding of
// the hand-made one and strictly in (0, 1], and the same reasons.
func checkRanking(t *testing.T, got connection, want []expected, score func(expected) float64) {
	t.Helper()
	var gotNames, wantNames []string
	for _, e := range got.Edges {
		gotNames = append(gotNames, e.name())
	}
	for _, e := range want {
		wantNames = append(wantNames, e.name)
	}
	if !slices.Equal(gotNames, wantNames) {
		t.Fatalf("order:\n got  %q\n want %q", gotNames, wantNames)
	}
	if got.TotalCount != len(want) {
		t.Errorf("totalCount %d, want %d", got.TotalCount, len(want))
	}
	for i, e := range got.Edges {
		w := want[i]
		if s := score(w); math.Abs(e.Node.Score-s) > 1e-6 {
			t.Errorf("%s: score %v, want %.6f", w.name, e.Node.Score, s)
		}
		if e.Node.Score <= 0 || e.Node.Score > 1 {
			t.Errorf("%s: score %v is outside (0, 1]", w.name, e.Node.Score)
		}
		if !slices.Equal(e.Node.Reasons, w.reasons) {
			t.Errorf("%s: reasons\n got  %q\n want %q", w.name, e.Node.Reasons, w.reasons)
		}
	}
}

// sameDay skips a test whose day ended while it ran: freshness, and so
// the hand-made scores, count from the start of the day.
func (w *world) sameDay(t *testing.T) {
	if time.Now().UTC().Truncate(24*time.Hour) != w.asOf {
		t.Skip("the day changed while the test ran; freshness counts from the start of the day")
	}
}

// TestSuggestedOffersRanking: a need and offers that differ from a base
// offer in one component each, and offers that must never be suggested.
func TestSuggestedOffersRanking(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestedOffersRanking)
}

func testSuggestedOffersRanking(t *testing.T, a *apitest.API) {
	w := newWorld(t, a)
	seeker := w.org("Seeker office", w.here)
	developing := w.org("Provider in a developing country", w.away)
	developed := w.org("Provider in a developed country", w.rich)
	igo := w.org("Intergovernmental provider", nil)
	need := w.need("Help with alpha rights", needSpec{
		seeker: seeker, in: w.here, kind: schematype.MatchKindTechnical, languages: []string{"es"},
		topics: []*ent.Topic{w.alpha, w.beta, w.gamma}, status: matchneed.StatusOPEN,
	})
	other := w.need("Another need", needSpec{
		seeker: developing, in: w.away, kind: schematype.MatchKindFinancial,
		topics: []*ent.Topic{w.delta}, status: matchneed.StatusOPEN,
	})
	ten := w.asOf.AddDate(0, 0, -10)
	// The base offer shares one IP area, targets another region, offers
	// another kind of support in another language, comes from a developed
	// country and was posted ten days ago.
	base := func(change func(*offerSpec)) offerSpec {
		s := offerSpec{
			provider: developed, kind: schematype.MatchKindFinancial, languages: []string{"fr"},
			topics: []*ent.Topic{w.alpha}, regions: []*ent.Region{w.awayRegion},
			posted: ten, status: matchoffer.StatusOPEN, capacity: 1,
		}
		if change != nil {
			change(&s)
		}
		return s
	}
	inHere := func(s *offerSpec) { s.regions, s.countries = nil, []*ent.Country{w.here} }
	later := time.Now().Add(30 * 24 * time.Hour)
	past := time.Now().Add(-time.Hour)

	w.offer("targets the country", base(inHere))
	w.offer("targets the region", base(func(s *offerSpec) { s.regions = []*ent.Region{w.hereRegion} }))
	w.offer("targets nowhere in particular", base(func(s *offerSpec) { s.regions = nil }))
	w.offer("base", base(nil))
	w.offer("same kind", base(func(s *offerSpec) { s.kind = schematype.MatchKindTechnical }))
	w.offer("in Spanish too", base(func(s *offerSpec) { s.languages = []string{"fr", "es"} }))
	w.offer("South-South", base(func(s *offerSpec) { s.provider = developing }))
	w.offer("a sector only", base(func(s *offerSpec) { s.topics = []*ent.Topic{w.gamma} }))
	w.offer("old", base(func(s *offerSpec) { s.posted = w.asOf.AddDate(0, 0, -400) }))
	w.offer("nothing shared but the country", base(func(s *offerSpec) { inHere(s); s.topics = []*ent.Topic{w.delta} }))
	w.offer("intergovernmental", base(func(s *offerSpec) { s.provider = igo }))
	roomy := w.offer("capacity left", base(func(s *offerSpec) { inHere(s); s.capacity = 2 }))
	w.matchWith(roomy, other, match.StatusACCEPTED)
	w.offer("expires later", base(func(s *offerSpec) { s.regions = nil; s.expires = &later }))
	w.offer("every topic", base(func(s *offerSpec) { s.topics = []*ent.Topic{w.alpha, w.beta, w.gamma} }))
	// Never suggested.
	w.offer("expired", base(func(s *offerSpec) { inHere(s); s.expires = &past }))
	full := w.offer("full", base(inHere))
	w.matchWith(full, other, match.StatusCOMPLETED)
	w.offer("own organization's", base(func(s *offerSpec) { inHere(s); s.provider = seeker }))
	w.offer("closed", base(func(s *offerSpec) { inHere(s); s.status = matchoffer.StatusCLOSED }))
	w.offer("matched", base(func(s *offerSpec) { inHere(s); s.status = matchoffer.StatusMATCHED }))
	w.offer("only the region", base(func(s *offerSpec) { s.topics = []*ent.Topic{w.delta}; s.regions = []*ent.Region{w.hereRegion} }))

	alpha := "shares an IP area: Alpha rights"
	posted := "posted 10 days ago"
	// The need's topics weigh 2 + 2 + 1.
	e := func(name string, shared int, place float64, change func(*expected), reasons ...string) expected {
		x := expected{name: name, shared: shared, total: 5, place: place, age: 10, reasons: reasons}
		if change != nil {
			change(&x)
		}
		return x
	}
	want := []expected{
		e("targets the country", 2, matching.PlaceCountry, nil, alpha, "targets "+w.here.Name, posted),
		e("capacity left", 2, matching.PlaceCountry, nil, alpha, "targets "+w.here.Name, posted),
		e("every topic", 5, 0, nil, "shares 2 IP areas: Alpha rights, Beta rights", "shares a sector: Gamma industry", posted),
		e("targets the region", 2, matching.PlaceRegion, nil, alpha, "targets "+w.hereRegion.Name, posted),
		e("same kind", 2, 0, func(x *expected) { x.kind = true }, alpha, "same kind of support: technical", posted),
		e("nothing shared but the country", 0, matching.PlaceCountry, nil, "targets "+w.here.Name, posted),
		e("in Spanish too", 2, 0, func(x *expected) { x.lang = true }, alpha, "offered in Spanish", posted),
		e("targets nowhere in particular", 2, matching.PlaceAnywhere, nil, alpha, "open to every country", posted),
		e("expires later", 2, matching.PlaceAnywhere, nil, alpha, "open to every country", posted),
		e("South-South", 2, 0, func(x *expected) { x.southSouth = true }, alpha, "both parties are in developing countries", posted),
		e("base", 2, 0, nil, alpha, posted),
		e("intergovernmental", 2, 0, nil, alpha, posted),
		e("old", 2, 0, func(x *expected) { x.age = 400 }, alpha),
		e("a sector only", 1, 0, nil, "shares a sector: Gamma industry", posted),
	}
	got := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": a.Codec.Encode(need.ID), "first": 50})
	w.sameDay(t)
	checkRanking(t, got, want, expected.score)
	if got.PageInfo.HasNextPage || got.PageInfo.HasPreviousPage {
		t.Errorf("one page of everything: pageInfo %+v", got.PageInfo)
	}
}

// TestSuggestedNeedsRanking is the mirror: an offer and needs that differ
// from a base need in one component each. Each pair's score is the one
// suggestedOffers gives it from the need's side.
func TestSuggestedNeedsRanking(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestedNeedsRanking)
}

func testSuggestedNeedsRanking(t *testing.T, a *apitest.API) {
	w := newWorld(t, a)
	provider := w.org("Provider in a developing country", w.away)
	developing := w.org("Seeker in a developing country", w.far)
	developed := w.org("Seeker in a developed country", w.rich)
	offer := w.offer("Help with alpha rights", offerSpec{
		provider: provider, kind: schematype.MatchKindTechnical, languages: []string{"es"},
		topics: []*ent.Topic{w.alpha, w.gamma}, countries: []*ent.Country{w.here}, regions: []*ent.Region{w.awayRegion},
		posted: w.asOf.AddDate(0, 0, -10), status: matchoffer.StatusOPEN, capacity: 1,
	})
	// The base need shares one of its two IP areas' worth (alpha, of
	// alpha and delta), is for a country of a region the offer does not
	// target, seeks another kind of support, names no language and comes
	// from a developed country.
	base := func(change func(*needSpec)) needSpec {
		s := needSpec{
			seeker: developed, in: w.far, kind: schematype.MatchKindFinancial,
			topics: []*ent.Topic{w.alpha, w.delta}, status: matchneed.StatusOPEN,
		}
		if change != nil {
			change(&s)
		}
		return s
	}
	w.need("for the targeted country", base(func(s *needSpec) { s.in = w.here }))
	w.need("for the targeted region", base(func(s *needSpec) { s.in = w.away }))
	w.need("same kind", base(func(s *needSpec) { s.kind = schematype.MatchKindTechnical }))
	w.need("in Spanish", base(func(s *needSpec) { s.languages = []string{"es"} }))
	w.need("South-South", base(func(s *needSpec) { s.seeker = developing }))
	w.need("base", base(nil))
	w.need("a sector only", base(func(s *needSpec) { s.topics = []*ent.Topic{w.gamma, w.beta} }))
	w.need("all covered", base(func(s *needSpec) { s.topics = []*ent.Topic{w.alpha, w.gamma} }))
	w.need("nothing shared but the country", base(func(s *needSpec) { s.in = w.here; s.topics = []*ent.Topic{w.beta} }))
	// Never suggested.
	w.need("matched", base(func(s *needSpec) { s.status = matchneed.StatusMATCHED }))
	w.need("closed", base(func(s *needSpec) { s.status = matchneed.StatusCLOSED }))
	w.need("the provider's own", base(func(s *needSpec) { s.seeker = provider }))
	w.need("unrelated", base(func(s *needSpec) { s.topics = []*ent.Topic{w.beta} }))
	w.need("only in the region", base(func(s *needSpec) { s.in = w.away; s.topics = []*ent.Topic{w.beta} }))

	alpha := "shares an IP area: Alpha rights"
	e := func(name string, shared, total int, place float64, change func(*expected), reasons ...string) expected {
		x := expected{name: name, shared: shared, total: total, place: place, age: 10, reasons: reasons}
		if change != nil {
			change(&x)
		}
		return x
	}
	want := []expected{
		e("for the targeted country", 2, 3, matching.PlaceCountry, nil, alpha, "is for "+w.here.Name+", which the offer targets"),
		e("for the targeted region", 2, 3, matching.PlaceRegion, nil, alpha, "is for a country in "+w.awayRegion.Name+", which the offer targets"),
		e("same kind", 2, 3, 0, func(x *expected) { x.kind = true }, alpha, "same kind of support: technical"),
		e("all covered", 3, 3, 0, nil, alpha, "shares a sector: Gamma industry"),
		e("in Spanish", 2, 3, 0, func(x *expected) { x.lang = true }, alpha, "the seeker works in Spanish"),
		e("South-South", 2, 3, 0, func(x *expected) { x.southSouth = true }, alpha, "both parties are in developing countries"),
		e("base", 2, 3, 0, nil, alpha),
		e("nothing shared but the country", 0, 2, matching.PlaceCountry, nil, "is for "+w.here.Name+", which the offer targets"),
		e("a sector only", 1, 3, 0, nil, "shares a sector: Gamma industry"),
	}
	got := suggest(t, a, needsQuery, "suggestedNeeds", map[string]any{"offer": a.Codec.Encode(offer.ID), "first": 50})
	w.sameDay(t)
	checkRanking(t, got, want, expected.score)

	// The same pair scores the same from the need's side.
	for _, e := range got.Edges {
		from := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": e.id(), "first": 100})
		i := slices.IndexFunc(from.Edges, func(s suggestion) bool { return s.id() == a.Codec.Encode(offer.ID) })
		if i < 0 {
			t.Errorf("%s: suggestedOffers does not suggest the offer back", e.name())
			continue
		}
		if from.Edges[i].Node.Score != e.Node.Score {
			t.Errorf("%s: suggestedNeeds scores the pair %v, suggestedOffers %v", e.name(), e.Node.Score, from.Edges[i].Node.Score)
		}
	}
}

// TestSuggestedConsultantsRanking: an ask (topics, a country, a language)
// and consultants that differ from a base consultant in one component
// each; then the same ask made through an activity, whose own consultants
// are left out.
func TestSuggestedConsultantsRanking(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestedConsultantsRanking)
}

func testSuggestedConsultantsRanking(t *testing.T, a *apitest.API) {
	w := newWorld(t, a)
	c := a.DB.Client
	activityIn := func(title string, in *ent.Country, consultants ...*ent.Consultant) *ent.Activity {
		b := c.Activity.Create().SetTitle(title).SetKind(activity.KindTECHNICAL_ASSISTANCE).
			SetType(activity.TypeWORKSHOP).SetStatus(activity.StatusCOMPLETED).
			SetStartDate(w.asOf.AddDate(-1, 0, 0)).SetEndDate(w.asOf.AddDate(-1, 0, 2)).
			AddBeneficiaryCountryIDs(in.ID)
		for _, k := range consultants {
			b.AddConsultantIDs(k.ID)
		}
		return b.SaveX(w.ctx)
	}
	// The base consultant is available, an expert in one of the asked IP
	// areas, works in French and is a national of a country in a region
	// not asked about.
	alphaOnly := []*ent.Topic{w.alpha}
	consultant := func(name string, expertise []*ent.Topic, change func(*ent.ConsultantCreate)) *ent.Consultant {
		b := c.Consultant.Create().SetName(name).SetAvailable(true).SetLanguages([]string{"fr"}).
			SetNationalityID(w.far.ID).SetEmail(strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org")
		for _, t := range expertise {
			b.AddExpertiseIDs(t.ID)
		}
		if change != nil {
			change(b)
		}
		return b.SaveX(w.ctx)
	}
	worked := consultant("Worked there", alphaOnly, nil)
	activityIn("Earlier workshop there", w.here, worked)
	region := consultant("Worked in the region", alphaOnly, nil)
	activityIn("Earlier workshop nearby", w.neighbour, region)
	consultant("Base", alphaOnly, nil)
	consultant("Sector only", []*ent.Topic{w.gamma}, nil)
	consultant("Speaks Spanish", alphaOnly, func(b *ent.ConsultantCreate) { b.SetLanguages([]string{"fr", "es"}) })
	consultant("National", alphaOnly, func(b *ent.ConsultantCreate) { b.SetNationalityID(w.here.ID) })
	consultant("From the region", alphaOnly, func(b *ent.ConsultantCreate) { b.SetNationalityID(w.neighbour.ID) })
	consultant("Both topics", []*ent.Topic{w.alpha, w.gamma}, nil)
	busy := consultant("Unavailable", alphaOnly, func(b *ent.ConsultantCreate) { b.SetAvailable(false) })
	activityIn("Another workshop there", w.here, busy)
	onlyThere := consultant("Only worked there", nil, nil)
	activityIn("A third workshop there", w.here, onlyThere)
	// Never suggested.
	consultant("Unrelated", []*ent.Topic{w.delta}, nil)
	nearby := consultant("Only worked in the region", nil, nil)
	activityIn("Another workshop nearby", w.neighbour, nearby)

	alpha := "expert in an IP area: Alpha rights"
	available := "available for assignments"
	there := "worked on activities for " + w.here.Name
	// fit is a consultant's fit from the documented weights; the asked
	// topics weigh 2 + 1.
	type fit struct {
		name                          string
		shared                        int
		experience, nationality, lang float64
		available                     bool
		reasons                       []string
	}
	f := func(name string, shared int, change func(*fit), reasons ...string) fit {
		x := fit{name: name, shared: shared, available: true, reasons: reasons}
		if change != nil {
			change(&x)
		}
		return x
	}
	fits := []fit{
		f("Worked there", 2, func(x *fit) { x.experience = matching.ExperienceCountry }, alpha, there, available),
		f("Worked in the region", 2, func(x *fit) { x.experience = matching.ExperienceRegion }, alpha, "worked on activities for "+w.hereRegion.Name, available),
		f("Speaks Spanish", 2, func(x *fit) { x.lang = 1 }, alpha, "works in Spanish", available),
		f("Both topics", 3, nil, alpha, "expert in a sector: Gamma industry", available),
		f("National", 2, func(x *fit) { x.nationality = matching.NationalityCountry }, alpha, "a national of "+w.here.Name, available),
		f("From the region", 2, func(x *fit) { x.nationality = matching.NationalityRegion }, alpha, "a national of a country in "+w.hereRegion.Name, available),
		f("Base", 2, nil, alpha, available),
		f("Only worked there", 0, func(x *fit) { x.experience = matching.ExperienceCountry }, there, available),
		f("Sector only", 1, nil, "expert in a sector: Gamma industry", available),
		f("Unavailable", 2, func(x *fit) { x.experience = matching.ExperienceCountry; x.available = false }, alpha, there),
	}
	scores := map[string]float64{}
	var want []expected
	for _, x := range fits {
		s := matching.ConsultantExpertise*float64(x.shared)/3 + matching.ConsultantExperience*x.experience +
			matching.ConsultantLanguage*x.lang + matching.ConsultantNationality*x.nationality
		s *= 1 - matching.ConsultantAvailable
		if x.available {
			s += matching.ConsultantAvailable
		}
		scores[x.name] = s
		want = append(want, expected{name: x.name, reasons: x.reasons})
	}
	byName := func(e expected) float64 { return scores[e.name] }
	codec := a.Codec
	got := suggest(t, a, consultantsQuery, "suggestedConsultants", map[string]any{
		"topics":  []string{codec.Encode(w.alpha.ID), codec.Encode(w.gamma.ID)},
		"country": codec.Encode(w.here.ID), "language": "es", "first": 50,
	})
	checkRanking(t, got, want, byName)

	// Through an activity: its topics, beneficiary country and language
	// are the ask; the consultant already on it is not suggested for it.
	ask := c.Activity.Create().SetTitle("Planned mission").SetKind(activity.KindTECHNICAL_ASSISTANCE).
		SetType(activity.TypeADVISORY_MISSION).SetStatus(activity.StatusPLANNED).SetLanguage("es").
		SetStartDate(w.asOf.AddDate(0, 2, 0)).SetEndDate(w.asOf.AddDate(0, 2, 5)).
		AddBeneficiaryCountryIDs(w.here.ID).AddTopicIDs(w.alpha.ID).
		AddConsultantIDs(worked.ID).SaveX(w.ctx)
	viaActivity := suggest(t, a, consultantsQuery, "suggestedConsultants", map[string]any{"activity": codec.Encode(ask.ID), "first": 50})
	explicit := suggest(t, a, consultantsQuery, "suggestedConsultants", map[string]any{
		"topics": []string{codec.Encode(w.alpha.ID)}, "country": codec.Encode(w.here.ID), "language": "es", "first": 50,
	})
	// The explicit ask does not know the activity, whose consultant now
	// has worked there twice; the rest is the same ranking.
	explicit.Edges = slices.DeleteFunc(explicit.Edges, func(s suggestion) bool { return s.name() == "Worked there" })
	explicit.TotalCount--
	if !slices.EqualFunc(viaActivity.Edges, explicit.Edges, func(x, y suggestion) bool {
		return x.id() == y.id() && x.Node.Score == y.Node.Score && slices.Equal(x.Node.Reasons, y.Node.Reasons)
	}) || viaActivity.TotalCount != explicit.TotalCount {
		t.Errorf("through the activity:\n got  %+v\n want %+v", viaActivity, explicit)
	}
	if slices.ContainsFunc(viaActivity.Edges, func(s suggestion) bool { return s.name() == "Worked there" }) {
		t.Errorf("the activity's own consultant is suggested for it")
	}
	spanish := slices.IndexFunc(viaActivity.Edges, func(s suggestion) bool { return s.name() == "Speaks Spanish" })
	if spanish < 0 || !slices.Contains(viaActivity.Edges[spanish].Node.Reasons, "works in Spanish") {
		t.Errorf("the activity's language is not asked: %+v", viaActivity.Edges)
	}
}

// TestSuggestedOffersPaging walks every page of a need's suggestions two
// at a time and compares them with one page of all: the same rows in the
// same order, the same count on every page, and page info that says
// where each page is.
func TestSuggestedOffersPaging(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestedOffersPaging)
}

func testSuggestedOffersPaging(t *testing.T, a *apitest.API) {
	// The OPEN need with the most suggestions in the demo data.
	best, all := "", connection{}
	for _, id := range openNeedIDs(t, a) {
		c := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": id, "first": 100})
		if len(c.Edges) > len(all.Edges) {
			best, all = id, c
		}
	}
	if len(all.Edges) < 5 {
		t.Fatalf("the demo data suggests at most %d offers for a need: too few to page", len(all.Edges))
	}
	if all.TotalCount != len(all.Edges) || all.PageInfo.HasNextPage {
		t.Fatalf("one page of %d: totalCount %d, hasNextPage %v", len(all.Edges), all.TotalCount, all.PageInfo.HasNextPage)
	}
	var walked []suggestion
	vars := map[string]any{"need": best, "first": 2}
	for page := 0; ; page++ {
		c := suggest(t, a, offersQuery, "suggestedOffers", vars)
		if c.TotalCount != all.TotalCount {
			t.Errorf("page %d: totalCount %d, want %d", page, c.TotalCount, all.TotalCount)
		}
		if c.PageInfo.HasPreviousPage != (page > 0) {
			t.Errorf("page %d: hasPreviousPage %v", page, c.PageInfo.HasPreviousPage)
		}
		if len(c.Edges) == 0 {
			t.Fatalf("page %d is empty", page)
		}
		if c.PageInfo.StartCursor != c.Edges[0].Cursor || c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
			t.Errorf("page %d: start and end cursors are not the edges'", page)
		}
		walked = append(walked, c.Edges...)
		if want := len(walked) < len(all.Edges); c.PageInfo.HasNextPage != want {
			t.Fatalf("page %d: hasNextPage %v after %d of %d", page, c.PageInfo.HasNextPage, len(walked), len(all.Edges))
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		vars["after"] = c.PageInfo.EndCursor
	}
	if !slices.EqualFunc(walked, all.Edges, func(x, y suggestion) bool {
		return x.id() == y.id() && x.Node.Score == y.Node.Score && x.Cursor == y.Cursor
	}) {
		t.Errorf("pages of 2 differ from one page of all")
	}
	// After the last row: nothing more, the count still right.
	vars["after"] = all.PageInfo.EndCursor
	last := suggest(t, a, offersQuery, "suggestedOffers", vars)
	if len(last.Edges) != 0 || last.PageInfo.HasNextPage || last.TotalCount != all.TotalCount {
		t.Errorf("after the last row: %+v", last)
	}
	// first: 0 says whether there is anything, and counts it.
	zero := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": best, "first": 0})
	if len(zero.Edges) != 0 || !zero.PageInfo.HasNextPage || zero.TotalCount != all.TotalCount {
		t.Errorf("first: 0: %+v", zero)
	}
	// Without first: the default page.
	deflt := suggest(t, a, `query($need: ID!) { suggestedOffers(need: $need) { edges { cursor } } }`, "suggestedOffers", map[string]any{"need": best})
	if len(deflt.Edges) != min(matching.DefaultFirst, len(all.Edges)) {
		t.Errorf("default page: %d edges, want %d", len(deflt.Edges), min(matching.DefaultFirst, len(all.Edges)))
	}
}

func openNeedIDs(t *testing.T, a *apitest.API) []string {
	t.Helper()
	var out []string
	for _, k := range a.Column(t, `SELECT id FROM match_needs WHERE status = 'OPEN' ORDER BY id`) {
		id, err := strconv.Atoi(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a.Codec.Encode(id))
	}
	return out
}

// TestSuggestedOffersMatchIndependentScore recomputes, for every OPEN need
// of the demo data, which offers can be suggested and their scores, with
// plain Go over rows read by plain SQL, and compares the whole ranking.
func TestSuggestedOffersMatchIndependentScore(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestedOffersMatchIndependentScore)
}

// plainOffer is an offer as the independent computation reads it.
type plainOffer struct {
	id, provider, capacity, used int
	status, kind                 string
	languages                    []string
	posted                       time.Time
	expires                      *time.Time
	topics, countries, regions   map[int]bool
}

func testSuggestedOffersMatchIndependentScore(t *testing.T, a *apitest.API) {
	db := a.DB.SQL
	rows := func(query string, scan func(scan func(...any) error)) {
		t.Helper()
		r, err := db.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer r.Close()
		for r.Next() {
			scan(r.Scan)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	regionOf, developed := map[int]int{}, 0
	rows(`SELECT c.id, c.region_id, r.code FROM countries c JOIN regions r ON r.id = c.region_id`, func(scan func(...any) error) {
		var c, r int
		var code string
		if err := scan(&c, &r, &code); err != nil {
			t.Fatal(err)
		}
		regionOf[c] = r
		if code == "DEVELOPED" {
			developed = r
		}
	})
	orgCountry := map[int]int{}
	rows(`SELECT id, country_id FROM organizations WHERE country_id IS NOT NULL`, func(scan func(...any) error) {
		var o, c int
		if err := scan(&o, &c); err != nil {
			t.Fatal(err)
		}
		orgCountry[o] = c
	})
	devel := func(org int) bool { c, ok := orgCountry[org]; return ok && regionOf[c] != developed }
	ip := map[int]bool{}
	rows(`SELECT id, kind FROM topics`, func(scan func(...any) error) {
		var id int
		var kind string
		if err := scan(&id, &kind); err != nil {
			t.Fatal(err)
		}
		ip[id] = kind == "IP_AREA"
	})
	offers := map[int]*plainOffer{}
	rows(`SELECT id, provider_id, capacity, status, kind, languages, posted_at, expires_at FROM match_offers`, func(scan func(...any) error) {
		o := &plainOffer{topics: map[int]bool{}, countries: map[int]bool{}, regions: map[int]bool{}}
		var langs []byte
		if err := scan(&o.id, &o.provider, &o.capacity, &o.status, &o.kind, &langs, &o.posted, &o.expires); err != nil {
			t.Fatal(err)
		}
		if len(langs) > 0 {
			if err := json.Unmarshal(langs, &o.languages); err != nil {
				t.Fatal(err)
			}
		}
		offers[o.id] = o
	})
	pairs := func(query string, add func(o *plainOffer, x int)) {
		rows(query, func(scan func(...any) error) {
			var o, x int
			if err := scan(&o, &x); err != nil {
				t.Fatal(err)
			}
			add(offers[o], x)
		})
	}
	pairs(`SELECT match_offer_id, topic_id FROM match_offer_topics`, func(o *plainOffer, x int) { o.topics[x] = true })
	pairs(`SELECT match_offer_id, country_id FROM match_offer_target_countries`, func(o *plainOffer, x int) { o.countries[x] = true })
	pairs(`SELECT match_offer_id, region_id FROM match_offer_target_regions`, func(o *plainOffer, x int) { o.regions[x] = true })
	pairs(`SELECT offer_id, COUNT(*) FROM matches WHERE status IN ('ACCEPTED', 'COMPLETED') GROUP BY offer_id`, func(o *plainOffer, n int) { o.used = n })

	type plainNeed struct {
		id, seeker, country int
		kind                string
		languages           []string
		topics              []int
	}
	var needs []*plainNeed
	byID := map[int]*plainNeed{}
	rows(`SELECT id, seeker_id, country_id, kind, languages FROM match_needs WHERE status = 'OPEN' ORDER BY id`, func(scan func(...any) error) {
		n := &plainNeed{}
		var langs []byte
		if err := scan(&n.id, &n.seeker, &n.country, &n.kind, &langs); err != nil {
			t.Fatal(err)
		}
		if len(langs) > 0 {
			if err := json.Unmarshal(langs, &n.languages); err != nil {
				t.Fatal(err)
			}
		}
		needs = append(needs, n)
		byID[n.id] = n
	})
	rows(`SELECT match_need_id, topic_id FROM match_need_topics`, func(scan func(...any) error) {
		var n, x int
		if err := scan(&n, &x); err != nil {
			t.Fatal(err)
		}
		if need := byID[n]; need != nil {
			need.topics = append(need.topics, x)
		}
	})

	now := time.Now()
	asOf := now.UTC().Truncate(24 * time.Hour)
	tw := func(ts []int) int {
		w := 0
		for _, x := range ts {
			if ip[x] {
				w += matching.IPAreaWeight
			} else {
				w += matching.SectorWeight
			}
		}
		return w
	}
	compared, problems := 0, []string(nil)
	for _, n := range needs {
		type scored struct {
			id     int
			points int64
		}
		var want []scored
		for _, o := range offers {
			if o.status != "OPEN" || (o.expires != nil && !o.expires.After(now)) || o.used >= o.capacity || o.provider == n.seeker {
				continue
			}
			var shared []int
			for _, x := range n.topics {
				if o.topics[x] {
					shared = append(shared, x)
				}
			}
			if len(shared) == 0 && !o.countries[n.country] {
				continue // no candidate
			}
			e := expected{shared: tw(shared), total: max(tw(n.topics), 1)}
			switch {
			case o.countries[n.country]:
				e.place = matching.PlaceCountry
			case o.regions[regionOf[n.country]]:
				e.place = matching.PlaceRegion
			case len(o.countries) == 0 && len(o.regions) == 0:
				e.place = matching.PlaceAnywhere
			}
			e.kind = o.kind == n.kind
			e.lang = slices.ContainsFunc(n.languages, func(l string) bool { return slices.Contains(o.languages, l) })
			e.southSouth = devel(n.seeker) && devel(o.provider)
			e.age = max(asOf.Sub(o.posted).Hours()/24, 0)
			want = append(want, scored{o.id, int64(math.Round(e.score() * 1e6))})
		}
		slices.SortFunc(want, func(x, y scored) int {
			if x.points != y.points {
				return int(y.points - x.points)
			}
			return x.id - y.id
		})
		got := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": a.Codec.Encode(n.id), "first": 100})
		compared += len(want)
		if got.TotalCount != len(want) || len(got.Edges) != len(want) {
			problems = append(problems, fmt.Sprintf("need %d: %d suggestions (totalCount %d), want %d", n.id, len(got.Edges), got.TotalCount, len(want)))
			continue
		}
		for i, e := range got.Edges {
			if e.id() != a.Codec.Encode(want[i].id) || math.Abs(e.Node.Score*1e6-float64(want[i].points)) > 1 {
				problems = append(problems, fmt.Sprintf("need %d, #%d: offer %s score %v, want offer %s score %v", n.id, i, e.id(), e.Node.Score,
					a.Codec.Encode(want[i].id), float64(want[i].points)/1e6))
				break
			}
		}
	}
	if time.Now().UTC().Truncate(24*time.Hour) != asOf {
		t.Skip("the day changed while the test ran; freshness counts from the start of the day")
	}
	for _, p := range problems {
		t.Error(p)
	}
	if compared == 0 {
		t.Fatal("the demo data suggests nothing for any need: nothing was compared")
	}
	t.Logf("compared %d suggestions for %d needs", compared, len(needs))
}

// TestSuggestBadInput: wrong or unknown IDs, cursors of other connections
// and page sizes out of range are refused as BAD_USER_INPUT naming what is
// wrong, never answered with a server error.
func TestSuggestBadInput(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestBadInput)
}

func testSuggestBadInput(t *testing.T, a *apitest.API) {
	codec := a.Codec
	first := func(query string) string {
		v, err := strconv.Atoi(a.Column(t, query)[0])
		if err != nil {
			t.Fatal(err)
		}
		return codec.Encode(v)
	}
	need := first(`SELECT id FROM match_needs WHERE status = 'OPEN' ORDER BY id LIMIT 1`)
	offer := first(`SELECT id FROM match_offers ORDER BY id LIMIT 1`)
	countryID := first(`SELECT id FROM countries ORDER BY id LIMIT 1`)
	topicID := first(`SELECT id FROM topics ORDER BY id LIMIT 1`)
	// IDs of the right type that name no row.
	beyond := func(table string) string {
		var last int
		if _, err := fmt.Sscan(a.Column(t, `SELECT MAX(id) FROM `+table)[0], &last); err != nil {
			t.Fatal(err)
		}
		return codec.Encode(last + 1000)
	}
	noNeed, noOffer, noTopic, noActivity := beyond("match_needs"), beyond("match_offers"), beyond("topics"), beyond("activities")
	cursorOf := func(query string, vars map[string]any, path string) string {
		r := a.Query(t, query, vars)
		return r.Str(path)
	}
	activityCursor := cursorOf(`{ activities(first: 1) { edges { cursor } } }`, nil, "activities.edges.0.cursor")
	offersCursor := cursorOf(`{ matchOffers(first: 1) { edges { cursor } } }`, nil, "matchOffers.edges.0.cursor")
	datedCursor := cursorOf(`{ matchOffers(first: 1, orderBy: [{field: POSTED_AT}]) { edges { cursor } } }`, nil, "matchOffers.edges.0.cursor")
	needsCursor := cursorOf(`query($o: ID!) { suggestedNeeds(offer: $o, first: 1) { edges { cursor } } }`,
		map[string]any{"o": first(`SELECT match_offer_id FROM match_offer_topics ORDER BY match_offer_id LIMIT 1`)},
		"suggestedNeeds.edges.0.cursor")
	for _, c := range []string{activityCursor, offersCursor, datedCursor, needsCursor} {
		if c == "" {
			t.Fatal("a connection gave no cursor to try")
		}
	}

	// Page sizes and cursors written in the document are refused when it
	// is validated, through variables by the operation's checks: bad
	// input either way.
	const literal = "BAD_USER_INPUT"
	cases := []struct {
		name, query string
		vars        map[string]any
		want        []string // what the message must say
		code        string   // BAD_USER_INPUT unless given
	}{
		{"country as need", `query($n: ID!) { suggestedOffers(need: $n) { totalCount } }`, map[string]any{"n": countryID},
			[]string{"need", "Country", "not of a MatchNeed"}, ""},
		{"offer as need", `query($n: ID!) { suggestedOffers(need: $n) { totalCount } }`, map[string]any{"n": offer},
			[]string{"need", "MatchOffer", "not of a MatchNeed"}, ""},
		{"unknown need", `query($n: ID!) { suggestedOffers(need: $n) { totalCount } }`, map[string]any{"n": noNeed},
			[]string{"need", "no MatchNeed has the ID"}, ""},
		{"unknown offer", `query($o: ID!) { suggestedNeeds(offer: $o) { totalCount } }`, map[string]any{"o": noOffer},
			[]string{"offer", "no MatchOffer has the ID"}, ""},
		{"unknown topic", `query($t: [ID!]) { suggestedConsultants(topics: $t) { totalCount } }`, map[string]any{"t": []string{topicID, noTopic}},
			[]string{"topics[1]", "no Topic has the ID"}, ""},
		{"unknown activity", `query($a: ID) { suggestedConsultants(activity: $a) { totalCount } }`, map[string]any{"a": noActivity},
			[]string{"activity", "no Activity has the ID"}, ""},
		{"malformed need", `{ suggestedOffers(need: "MatchNeed_nonsense") { totalCount } }`, nil,
			[]string{"invalid ID"}, ""},
		{"need as offer", `query($o: ID!) { suggestedNeeds(offer: $o) { totalCount } }`, map[string]any{"o": need},
			[]string{"offer", "MatchNeed", "not of a MatchOffer"}, ""},
		{"offer as activity", `query($a: ID) { suggestedConsultants(activity: $a) { totalCount } }`, map[string]any{"a": offer},
			[]string{"activity", "not of an Activity"}, ""},
		{"country as topic", `query($t: [ID!]) { suggestedConsultants(topics: $t) { totalCount } }`, map[string]any{"t": []string{topicID, countryID}},
			[]string{"topics[1]", "not of a Topic"}, ""},
		{"topic as country", `query($c: ID) { suggestedConsultants(country: $c) { totalCount } }`, map[string]any{"c": topicID},
			[]string{"country", "not of a Country"}, ""},
		{"not a language", `{ suggestedConsultants(language: "xx") { totalCount } }`, nil,
			[]string{"language", "ISO 639-1"}, ""},
		{"nothing asked", `{ suggestedConsultants { totalCount } }`, nil,
			[]string{"give an activity, topics, a country or a language"}, ""},
		{"activity cursor", `query($n: ID!, $c: Cursor) { suggestedOffers(need: $n, after: $c) { totalCount } }`, map[string]any{"n": need, "c": activityCursor},
			[]string{"after", "page of Activity, not of MatchOffer"}, ""},
		{"suggestedNeeds cursor", `query($n: ID!, $c: Cursor) { suggestedOffers(need: $n, after: $c) { totalCount } }`, map[string]any{"n": need, "c": needsCursor},
			[]string{"after", "page of MatchNeed, not of MatchOffer"}, ""},
		{"matchOffers cursor", `query($n: ID!, $c: Cursor) { suggestedOffers(need: $n, after: $c) { totalCount } }`, map[string]any{"n": need, "c": offersCursor},
			[]string{"after", "another order"}, ""},
		{"dated matchOffers cursor", `query($n: ID!, $c: Cursor) { suggestedOffers(need: $n, after: $c) { totalCount } }`, map[string]any{"n": need, "c": datedCursor},
			[]string{"after", "malformed"}, ""},
		{"literal activity cursor", `{ suggestedOffers(need: "` + need + `", after: "` + activityCursor + `") { totalCount } }`, nil,
			[]string{"after", "page of Activity"}, ""},
		{"forged cursor", `query($n: ID!, $c: Cursor) { suggestedOffers(need: $n, after: $c) { totalCount } }`, map[string]any{"n": need, "c": "bm90IGEgY3Vyc29y"},
			[]string{"invalid cursor"}, ""},
		{"first over the maximum", `query($n: ID!) { suggestedOffers(need: $n, first: 101) { totalCount } }`, map[string]any{"n": need},
			[]string{`"first" must be between 0 and 100, got 101`}, literal},
		{"first over the maximum, variable", `query($n: ID!, $f: Int) { suggestedNeeds(offer: $n, first: $f) { totalCount } }`, map[string]any{"n": offer, "f": 500},
			[]string{`"first" (variable $f) must be between 0 and 100, got 500`}, ""},
		{"negative first", `query($t: [ID!]) { suggestedConsultants(topics: $t, first: -1) { totalCount } }`, map[string]any{"t": []string{topicID}},
			[]string{`"first" must be between 0 and 100, got -1`}, literal},
		{"null first through a variable", `query($n: ID!, $f: Int) { suggestedOffers(need: $n, first: $f) { totalCount } }`, map[string]any{"n": need, "f": nil},
			[]string{"first is null"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := a.Post(t, tc.query, tc.vars)
			if r.Status >= 500 {
				t.Fatalf("status %d", r.Status)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no error; data %v", r.Data)
			}
			want := "BAD_USER_INPUT"
			if tc.code != "" {
				want = tc.code
			}
			if code := apitest.ErrCode(r); code != want {
				t.Fatalf("code %q, want %s: %+v", code, want, r.Errors)
			}
			for _, s := range tc.want {
				if !strings.Contains(r.Errors[0].Message, s) {
					t.Errorf("message %q does not say %q", r.Errors[0].Message, s)
				}
			}
		})
	}
}

// TestSuggestCost: a suggestion connection costs its page, like any
// connection, so nested connections under it multiply by the page; a
// totalCount costs a default page.
func TestSuggestCost(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestCost)
}

func testSuggestCost(t *testing.T, a *apitest.API) {
	need := openNeedIDs(t, a)[0]
	cases := []struct {
		query string
		want  int
	}{
		{`query($n: ID!) { suggestedOffers(need: $n, first: 7) { edges { node { score offer { id } } } } }`, 7},
		{`query($n: ID!) { suggestedOffers(need: $n) { edges { node { score } } } }`, matching.DefaultFirst},
		{`query($n: ID!) { suggestedOffers(need: $n, first: 7) { totalCount edges { node { offer { topics(first: 3) { edges { node { id } } } } } } } }`, 100 + 7 + 7*3},
		{`query($n: ID!) { suggestedOffers(need: $n, first: 7) { pageInfo { hasNextPage } } }`, 1},
	}
	for _, tc := range cases {
		r := a.Query(t, tc.query, map[string]any{"n": need})
		cost, _ := r.Extensions["cost"].(map[string]any)
		if got, _ := cost["requestedQueryCost"].(float64); int(got) != tc.want {
			t.Errorf("%s: cost %v, want %d", tc.query, cost["requestedQueryCost"], tc.want)
		}
	}
}

// TestSuggestStatementCount: the suggested rows' nested fields are loaded a
// level at a time, as in every connection, so a page of 20 costs as many
// statements as a page of 2.
func TestSuggestStatementCount(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSuggestStatementCount)
}

func testSuggestStatementCount(t *testing.T, a *apitest.API) {
	var need string
	for _, id := range openNeedIDs(t, a) {
		if c := suggest(t, a, offersQuery, "suggestedOffers", map[string]any{"need": id, "first": 20}); len(c.Edges) >= 10 {
			need = id
			break
		}
	}
	if need == "" {
		t.Fatal("no need with 10 suggestions in the demo data")
	}
	const nested = `query($n: ID!, $first: Int) { suggestedOffers(need: $n, first: $first) {
	  totalCount edges { node { score reasons offer { title
	    provider { name country { name } }
	    topics(first: 3) { edges { node { name } } }
	    targetCountries(first: 3) { totalCount edges { node { name } } }
	  } } } } }`
	counts := map[int]int64{}
	for _, first := range []int{2, 20} {
		before := a.Statements.Load()
		r := a.Query(t, nested, map[string]any{"n": need, "first": first})
		counts[first] = a.Statements.Load() - before
		if n := len(r.List("suggestedOffers.edges")); n < min(first, 10) {
			t.Fatalf("first: %d gave %d edges", first, n)
		}
		if r.Str("suggestedOffers.edges.0.node.offer.provider.name") == "" {
			t.Fatalf("nested fields missing: %v", r.Get("suggestedOffers.edges.0"))
		}
	}
	if counts[2] != counts[20] {
		t.Errorf("statements grow with the page: %d for first: 2, %d for first: 20", counts[2], counts[20])
	}
	t.Logf("%d statements", counts[20])
}
