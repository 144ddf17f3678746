package matching

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/topic"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
	"sscgraph/internal/validate"
)

// ConsultantAsk is what suggestedConsultants is asked: an activity (whose
// topics, beneficiary countries and working language are added to the
// rest), topics, a country and a language. Keys are database keys.
type ConsultantAsk struct {
	Activity *int
	Topics   []int
	Country  *int
	Language *string
}

// consultantProfile is the ask, resolved: the topics, countries (with
// their regions) and languages asked, and the consultants already on the
// activity, who are not suggested for it.
type consultantProfile struct {
	activity  int
	topics    []topicRef
	countries map[int]*ent.Country
	regions   map[int]string
	languages []string
}

func (p *consultantProfile) countryKeys() []int {
	out := make([]int, 0, len(p.countries))
	for k := range p.countries {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func loadAsk(ctx context.Context, client *ent.Client, ask ConsultantAsk) (*consultantProfile, error) {
	p := &consultantProfile{countries: map[int]*ent.Country{}, regions: map[int]string{}}
	topicIDs := map[int]bool{}
	addCountry := func(c *ent.Country) {
		p.countries[c.ID] = c
		if r := c.Edges.Region; r != nil {
			p.regions[r.ID] = r.Name
		}
	}
	addLanguage := func(l string) {
		if l != "" && !slices.Contains(p.languages, l) {
			p.languages = append(p.languages, l)
		}
	}
	if ask.Activity != nil {
		id := *ask.Activity
		if err := gid.CheckType(ctx, "activity", id, "Activity"); err != nil {
			return nil, err
		}
		a, err := client.Activity.Query().Where(activity.ID(id)).
			WithTopics().WithBeneficiaryCountries(withRegion).
			Only(ctx)
		if err != nil {
			return nil, badID(ctx, "activity", id, "Activity", err)
		}
		p.activity = a.ID
		for _, t := range topicRefs(a.Edges.Topics) {
			topicIDs[t.id] = true
			p.topics = append(p.topics, t)
		}
		for _, c := range a.Edges.BeneficiaryCountries {
			addCountry(c)
		}
		addLanguage(a.Language)
	}
	for i, id := range ask.Topics {
		if err := gid.CheckType(ctx, fmt.Sprintf("topics[%d]", i), id, "Topic"); err != nil {
			return nil, err
		}
	}
	if len(ask.Topics) > 0 {
		// One statement for the list (up to the operation's list limit).
		ts, err := client.Topic.Query().Where(topic.IDIn(ask.Topics...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the topics: %w", err)
		}
		found := map[int]*ent.Topic{}
		for _, t := range ts {
			found[t.ID] = t
		}
		for i, id := range ask.Topics {
			t, ok := found[id]
			if !ok {
				return nil, badID(ctx, fmt.Sprintf("topics[%d]", i), id, "Topic", &ent.NotFoundError{})
			}
			if !topicIDs[id] {
				topicIDs[id] = true
				p.topics = append(p.topics, topicRefs([]*ent.Topic{t})...)
			}
		}
	}
	if ask.Country != nil {
		id := *ask.Country
		if err := gid.CheckType(ctx, "country", id, "Country"); err != nil {
			return nil, err
		}
		c, err := client.Country.Query().Where(country.ID(id)).WithRegion().Only(ctx)
		if err != nil {
			return nil, badID(ctx, "country", id, "Country", err)
		}
		addCountry(c)
	}
	if ask.Language != nil {
		if err := validate.Language("language", *ask.Language); err != nil {
			return nil, err
		}
		addLanguage(*ask.Language)
	}
	if len(p.topics) == 0 && len(p.countries) == 0 && len(p.languages) == 0 {
		return nil, apierr.BadInput("suggestedConsultants: give an activity, topics, a country or a language to suggest consultants for")
	}
	return p, nil
}

// consultantRow is one ranked consultant and the components of its score.
type consultantRow struct {
	ID int   `sql:"id"`
	TW int64 `sql:"tw"`
	// Experience is 2 (worked for an asked country), 1 (for its region) or
	// 0; Nationality likewise.
	Experience  int64          `sql:"experience"`
	Nationality int64          `sql:"nationality"`
	Lang        sql.NullString `sql:"lang"`
	Available   int64          `sql:"available"`
	NatID       sql.NullInt64  `sql:"nat_id"`
	NatRegion   sql.NullInt64  `sql:"nat_region"`
	Points      int64          `sql:"points"`
	Total       int64          `sql:"total"`
}

func (r consultantRow) key() Key   { return Key{Points: r.Points, ID: r.ID} }
func (r consultantRow) total() int { return int(r.Total) }

type consultantQuery struct {
	ask  *consultantProfile
	page Page
}

// build writes the ranking of consultants:
//
//  1. hits: consultants with expertise in an asked topic (the expertise
//     table's (topic, consultant) index), who worked on an activity for an
//     asked country (the beneficiaries' (country, activity) index, then
//     the activity's consultants), or are nationals of one (the
//     consultants' nationality index); when neither topics nor countries
//     are asked, those who work in an asked language (a scan: the
//     languages are a JSON list);
//  2. cand: one row per consultant;
//  3. feat: the other components, leaving out the activity's own
//     consultants;
//  4. the score (available consultants first), the count, the page.
func (cq consultantQuery) build(q *query) {
	a := cq.ask
	ip, all := split(a.topics)
	countries, regions := a.countryKeys(), keys(a.regions)
	var branches []string
	if len(all) > 0 {
		branches = append(branches, "SELECT consultant_id, CASE WHEN topic_id IN "+q.list(ip)+" THEN "+fmt.Sprint(IPAreaWeight)+" ELSE "+fmt.Sprint(SectorWeight)+" END, 0, 0"+
			" FROM consultant_expertise WHERE topic_id IN "+q.list(all))
	}
	if len(countries) > 0 {
		branches = append(branches,
			"SELECT ac.consultant_id, 0, 1, 0 FROM activity_beneficiary_countries ab"+
				" JOIN activity_consultants ac ON ac.activity_id = ab.activity_id WHERE ab.country_id IN "+q.list(countries),
			"SELECT id, 0, 0, 1 FROM consultants WHERE nationality_id IN "+q.list(countries))
	}
	if len(branches) == 0 {
		branches = append(branches, "SELECT id, 0, 0, 0 FROM consultants WHERE "+q.languageMatch("languages", a.languages)+" IS NOT NULL")
	}
	q.w("WITH hits(id, tw, here, nat) AS (", strings.Join(branches, " UNION ALL "), ")")
	q.w(", cand AS (SELECT id, SUM(tw) AS tw, MAX(here) AS here, MAX(nat) AS nat FROM hits GROUP BY id)")

	inRegion := "1 = 0"
	if len(regions) > 0 {
		inRegion = "EXISTS (SELECT 1 FROM activity_consultants ac JOIN activity_beneficiary_countries ab ON ab.activity_id = ac.activity_id" +
			" JOIN countries bc ON bc.id = ab.country_id WHERE ac.consultant_id = c.id AND bc.region_id IN " + q.list(regions) + ")"
	}
	q.w(", feat AS MATERIALIZED (SELECT c.id AS id, cand.tw AS tw,",
		" CASE WHEN cand.here = 1 THEN 2 WHEN ", inRegion, " THEN 1 ELSE 0 END AS experience,",
		" CASE WHEN cand.nat = 1 THEN 2 WHEN nc.region_id IN ", q.list(regions), " THEN 1 ELSE 0 END AS nationality,",
		" ", q.languageMatch("c.languages", a.languages), " AS lang,",
		" CASE WHEN c.available THEN 1 ELSE 0 END AS available,",
		" c.nationality_id AS nat_id, nc.region_id AS nat_region",
		// The candidates drive the join (see offerQuery).
		" FROM cand CROSS JOIN consultants c",
		" LEFT JOIN countries nc ON nc.id = c.nationality_id",
		" WHERE c.id = cand.id")
	if a.activity != 0 {
		q.w(" AND c.id NOT IN (SELECT consultant_id FROM activity_consultants WHERE activity_id = ", q.arg(a.activity), ")")
	}
	q.w(")")
	fit := num(ConsultantExpertise) + " * " + ratio("tw", weight(a.topics)) +
		" + " + num(ConsultantExperience) + " * CASE experience WHEN 2 THEN " + num(ExperienceCountry) + " WHEN 1 THEN " + num(ExperienceRegion) + " ELSE " + num(0) + " END" +
		" + " + num(ConsultantLanguage) + " * CASE WHEN lang IS NULL THEN 0 ELSE 1 END" +
		" + " + num(ConsultantNationality) + " * CASE nationality WHEN 2 THEN " + num(NationalityCountry) + " WHEN 1 THEN " + num(NationalityRegion) + " ELSE " + num(0) + " END"
	q.w(", scored AS (SELECT feat.*, CAST(ROUND(", num(scoreScale), " * (",
		"CASE WHEN available = 1 THEN ", num(ConsultantAvailable), " ELSE ", num(0), " END + ", num(1-ConsultantAvailable), " * (", fit, ")",
		")) AS BIGINT) AS points FROM feat)")
	rankPage(q, cq.page)
}

// ratio writes the share of the asked topics' weight w that the column
// col holds.
func ratio(col string, w int) string {
	if w == 0 {
		return num(0)
	}
	return double(col) + " / " + num(float64(w))
}

func rankConsultants(ctx context.Context, client *ent.Client, cq consultantQuery) ([]consultantRow, error) {
	var rows []consultantRow
	if err := run(ctx, client, cq.build, &rows); err != nil {
		return nil, fmt.Errorf("ranking consultants: %w", err)
	}
	sortRows(rows, consultantRow.key)
	return rows, nil
}

// Consultants ranks the consultants that fit an ask and returns a page of
// them, best first, with the reasons. Their e-mail addresses play no part.
func Consultants(ctx context.Context, client *ent.Client, ask ConsultantAsk, page Page, opts Options) (*ConsultantSuggestionConnection, error) {
	a, err := loadAsk(ctx, client, ask)
	if err != nil {
		return nil, err
	}
	edges, info, total, err := suggest(page, func(p Page) ([]consultantRow, error) {
		return rankConsultants(ctx, client, consultantQuery{ask: a, page: p})
	}, func(rows []consultantRow, ids []int) (func(consultantRow, entgql.Cursor[int]) (*ConsultantSuggestionEdge, bool), error) {
		q := client.Consultant.Query().Where(consultant.IDIn(ids...))
		if opts.ConsultantQuery != nil {
			var err error
			if q, err = opts.ConsultantQuery(q); err != nil {
				return nil, err
			}
		}
		consultants, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading suggested consultants: %w", err)
		}
		byID := make(map[int]*ent.Consultant, len(consultants))
		for _, c := range consultants {
			byID[c.ID] = c
		}
		shared, err := sharedTopics(ctx, client, "consultant_expertise", "consultant_id", ids, a.topics)
		if err != nil {
			return nil, err
		}
		worked, err := workedIn(ctx, client, a, rows)
		if err != nil {
			return nil, err
		}
		return func(r consultantRow, cur entgql.Cursor[int]) (*ConsultantSuggestionEdge, bool) {
			c, ok := byID[r.ID]
			if !ok {
				return nil, false
			}
			return &ConsultantSuggestionEdge{
				Node:   &ConsultantSuggestion{Consultant: c, Score: score(r.Points), Reasons: consultantReasons(a, r, shared[r.ID], worked[r.ID])},
				Cursor: cur,
			}, true
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ConsultantSuggestionConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

// workedIn reads, for the page's consultants with experience, the names of
// the asked countries (or, failing those, regions) they worked for.
func workedIn(ctx context.Context, client *ent.Client, a *consultantProfile, rows []consultantRow) (map[int][]string, error) {
	var inCountry, inRegion []int
	for _, r := range rows {
		switch r.Experience {
		case 2:
			inCountry = append(inCountry, r.ID)
		case 1:
			inRegion = append(inRegion, r.ID)
		}
	}
	type place struct {
		Owner int `sql:"owner"`
		Place int `sql:"place"`
	}
	read := func(ids []int, build func(q *query, ids string)) ([]place, error) {
		var found []place
		if len(ids) == 0 {
			return nil, nil
		}
		if err := run(ctx, client, func(q *query) { build(q, q.list(ids)) }, &found); err != nil {
			return nil, fmt.Errorf("reading where consultants worked: %w", err)
		}
		return found, nil
	}
	countries, err := read(inCountry, func(q *query, ids string) {
		q.w("SELECT DISTINCT ac.consultant_id AS owner, ab.country_id AS place FROM activity_consultants ac",
			" JOIN activity_beneficiary_countries ab ON ab.activity_id = ac.activity_id",
			" WHERE ac.consultant_id IN ", ids, " AND ab.country_id IN ", q.list(a.countryKeys()))
	})
	if err != nil {
		return nil, err
	}
	regions, err := read(inRegion, func(q *query, ids string) {
		q.w("SELECT DISTINCT ac.consultant_id AS owner, bc.region_id AS place FROM activity_consultants ac",
			" JOIN activity_beneficiary_countries ab ON ab.activity_id = ac.activity_id",
			" JOIN countries bc ON bc.id = ab.country_id",
			" WHERE ac.consultant_id IN ", ids, " AND bc.region_id IN ", q.list(keys(a.regions)))
	})
	if err != nil {
		return nil, err
	}
	out := map[int][]string{}
	for _, f := range countries {
		if c := a.countries[f.Place]; c != nil {
			out[f.Owner] = append(out[f.Owner], c.Name)
		}
	}
	for _, f := range regions {
		out[f.Owner] = append(out[f.Owner], a.regions[f.Place])
	}
	for _, names := range out {
		slices.Sort(names)
	}
	return out, nil
}

// consultantReasons explains a consultant's score.
func consultantReasons(a *consultantProfile, r consultantRow, shared []topicRef, worked []string) []string {
	out := topicReasons("expert in", shared)
	if r.Experience > 0 && len(worked) > 0 {
		out = append(out, "worked on activities for "+joinAnd(worked))
	}
	if r.Lang.Valid {
		out = append(out, "works in "+languageName(r.Lang.String))
	}
	switch r.Nationality {
	case 2:
		if c := a.countries[int(r.NatID.Int64)]; c != nil {
			out = append(out, "a national of "+c.Name)
		}
	case 1:
		out = append(out, "a national of a country in "+a.regions[int(r.NatRegion.Int64)])
	}
	if r.Available == 1 {
		out = append(out, "available for assignments")
	}
	return out
}

// joinAnd writes "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
