package matching

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/region"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
)

// developedRegion is the code of the pseudo-bureau of developed countries:
// a country is developing when its region is any other (as
// Match.cooperation has it, see ent/schema/hooks.go).
const developedRegion = "DEVELOPED"

// topicRef is a topic as the reasons name it.
type topicRef struct {
	id   int
	name string
	ip   bool // an IP area, not a sector
}

func topicRefs(ts []*ent.Topic) []topicRef {
	out := make([]topicRef, len(ts))
	for i, t := range ts {
		out[i] = topicRef{id: t.ID, name: t.Name, ip: t.Kind == topic.KindIP_AREA}
	}
	return out
}

// weight is the weight of a list of topics (IPAreaWeight per IP area,
// SectorWeight per sector).
func weight(ts []topicRef) int {
	w := 0
	for _, t := range ts {
		if t.ip {
			w += IPAreaWeight
		} else {
			w += SectorWeight
		}
	}
	return w
}

// split returns the keys of the IP areas and of all the topics.
func split(ts []topicRef) (ip, all []int) {
	for _, t := range ts {
		all = append(all, t.id)
		if t.ip {
			ip = append(ip, t.id)
		}
	}
	return ip, all
}

// needProfile is what ranking offers for a need reads of the need.
type needProfile struct {
	id          int
	kind        schematype.MatchKind
	languages   []string
	seeker      int
	topics      []topicRef
	country     int
	countryName string
	region      int
	regionName  string
	seekerDevel bool // the seeker's organization is in a developing country
	developed   int  // key of the developed countries' region, 0 if none
}

// offerProfile is what ranking needs for an offer reads of the offer.
type offerProfile struct {
	offer         *ent.MatchOffer
	topics        []topicRef
	countries     map[int]string // targeted countries' names by key
	regions       map[int]string // targeted regions' names by key
	providerDevel bool
	developed     int
}

// badID answers an ID of the wrong type, or of no row, as bad input naming
// the argument. An unknown key keeps ent's not-found error in the chain,
// so that callers that follow a row (subscriptions) can tell it is gone.
func badID(ctx context.Context, arg string, key int, typ string, err error) error {
	if wrong := gid.CheckType(ctx, arg, key, typ); wrong != nil {
		return wrong
	}
	if ent.IsNotFound(err) {
		codec, cerr := gid.FromContext(ctx)
		if cerr != nil {
			return fmt.Errorf("naming the missing %s: %w", arg, cerr)
		}
		return fmt.Errorf("%w (%w)", apierr.BadInput("%s: no %s has the ID %q", arg, typ, codec.Encode(key)).With("field", arg), err)
	}
	return err
}

func developedKey(ctx context.Context, client *ent.Client) (int, error) {
	id, err := client.Region.Query().Where(region.Code(developedRegion)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return 0, nil // no developed region: every country is developing
	}
	if err != nil {
		return 0, fmt.Errorf("reading the developed countries' region: %w", err)
	}
	return id, nil
}

// developing reports whether a country (with its region loaded) is
// developing; an organization without a country is not in one.
func developing(c *ent.Country) bool {
	return c != nil && (c.Edges.Region == nil || c.Edges.Region.Code != developedRegion)
}

func withRegion(q *ent.CountryQuery) { q.WithRegion() }

// loadNeed reads a need's profile in two statements (the need with its
// places, then its topics): it runs before every page of suggestedOffers.
func loadNeed(ctx context.Context, client *ent.Client, arg string, id int) (*needProfile, error) {
	if err := gid.CheckType(ctx, arg, id, "MatchNeed"); err != nil {
		return nil, err
	}
	var rows []struct {
		Kind        string         `sql:"kind"`
		Languages   sql.NullString `sql:"languages"`
		Seeker      int            `sql:"seeker"`
		Country     int            `sql:"country"`
		CountryName string         `sql:"country_name"`
		Region      int            `sql:"region"`
		RegionName  string         `sql:"region_name"`
		SeekerDevel int            `sql:"seeker_devel"`
		Developed   sql.NullInt64  `sql:"developed"`
	}
	err := run(ctx, client, func(q *query) {
		developed := q.arg(developedRegion)
		q.w("SELECT n.kind AS kind, CAST(n.languages AS TEXT) AS languages, n.seeker_id AS seeker,",
			" c.id AS country, c.name AS country_name, r.id AS region, r.name AS region_name,",
			" CASE WHEN sr.code <> ", developed, " THEN 1 ELSE 0 END AS seeker_devel,",
			" (SELECT d.id FROM regions d WHERE d.code = ", developed, ") AS developed",
			" FROM match_needs n JOIN countries c ON c.id = n.country_id JOIN regions r ON r.id = c.region_id",
			" LEFT JOIN organizations s ON s.id = n.seeker_id",
			" LEFT JOIN countries sc ON sc.id = s.country_id",
			" LEFT JOIN regions sr ON sr.id = sc.region_id",
			" WHERE n.id = ", q.arg(id))
	}, &rows)
	if err != nil {
		return nil, fmt.Errorf("reading need %d: %w", id, err)
	}
	if len(rows) == 0 {
		// ent's own answer, so that the not-found error is ent's.
		_, err := client.MatchNeed.Get(ctx, id)
		if err == nil {
			err = &ent.NotFoundError{}
		}
		return nil, badID(ctx, arg, id, "MatchNeed", err)
	}
	r := rows[0]
	p := &needProfile{
		id: id, kind: schematype.MatchKind(r.Kind), seeker: r.Seeker,
		country: r.Country, countryName: r.CountryName, region: r.Region, regionName: r.RegionName,
		seekerDevel: r.SeekerDevel == 1, developed: int(r.Developed.Int64),
	}
	if r.Languages.Valid && r.Languages.String != "" {
		if err := json.Unmarshal([]byte(r.Languages.String), &p.languages); err != nil {
			return nil, fmt.Errorf("reading need %d's languages: %w", id, err)
		}
	}
	ts, err := client.Topic.Query().Where(topic.HasNeedsWith(matchneed.ID(id))).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading need %d's topics: %w", id, err)
	}
	p.topics = topicRefs(ts)
	return p, nil
}

func loadOffer(ctx context.Context, client *ent.Client, arg string, id int) (*offerProfile, error) {
	if err := gid.CheckType(ctx, arg, id, "MatchOffer"); err != nil {
		return nil, err
	}
	o, err := client.MatchOffer.Query().Where(matchoffer.ID(id)).
		WithTopics().
		WithTargetCountries(func(q *ent.CountryQuery) { q.Select(country.FieldName) }).
		WithTargetRegions(func(q *ent.RegionQuery) { q.Select(region.FieldName) }).
		WithProvider(func(q *ent.OrganizationQuery) { q.WithCountry(withRegion) }).
		Only(ctx)
	if err != nil {
		return nil, badID(ctx, arg, id, "MatchOffer", err)
	}
	dev, err := developedKey(ctx, client)
	if err != nil {
		return nil, err
	}
	p := &offerProfile{
		offer: o, topics: topicRefs(o.Edges.Topics), developed: dev,
		countries: map[int]string{}, regions: map[int]string{},
	}
	for _, c := range o.Edges.TargetCountries {
		p.countries[c.ID] = c.Name
	}
	for _, r := range o.Edges.TargetRegions {
		p.regions[r.ID] = r.Name
	}
	if pr := o.Edges.Provider; pr != nil {
		p.providerDevel = developing(pr.Edges.Country)
	}
	return p, nil
}

// keys returns a map's keys in order, for stable SQL.
func keys(m map[int]string) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
