package dataset

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/migrate"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
	"sscgraph/ent/region"
	"sscgraph/ent/topic"
	"sscgraph/internal/cooperation"

	"sscgraph/internal/importer"
)

func TestReadFacts(t *testing.T) {
	f, err := readFacts()
	if err != nil {
		t.Fatal(err)
	}
	ldc := 0
	for _, c := range f.Countries {
		if c.LDC {
			ldc++
		}
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"regions", len(f.Regions), 6},
		{"countries", len(f.Countries), 249},
		{"LDCs", ldc, 44},
		{"recommendations", len(f.Recommendations), 45},
		{"projects", len(f.Projects), realProjects},
	} {
		if c.got != c.want {
			t.Errorf("%d %s, want %d", c.got, c.what, c.want)
		}
	}
}

func TestFactsCheckNamesBadReferences(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*facts)
		want   string
	}{
		{"unknown region", func(f *facts) { f.Countries[0].Region = "ATLANTIS" }, `unknown region "ATLANTIS"`},
		{"unknown country", func(f *facts) { f.Projects[0].Countries = append(f.Projects[0].Countries, "XX") }, `unknown country "XX"`},
		{"unknown topic", func(f *facts) { f.Projects[0].Topics = []string{"ALCHEMY"} }, `unknown topic "ALCHEMY"`},
		{"unknown recommendation", func(f *facts) { f.Projects[0].Recommendations = []int{46} }, "unknown recommendation 46"},
		{"duplicate country", func(f *facts) { f.Countries[1].Code = f.Countries[0].Code }, "listed twice"},
		{"bad status", func(f *facts) { f.Projects[0].Status = "DREAMT" }, "DREAMT"},
		{"bad cluster", func(f *facts) { f.Recommendations[0].Cluster = "Z" }, "recommendation 1"},
		{"end before start", func(f *facts) { f.Projects[0].EndYear = f.Projects[0].StartYear - 1 }, "ends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readFacts()
			if err != nil {
				t.Fatal(err)
			}
			tt.break_(f)
			err = f.check()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("check() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSizeValidate(t *testing.T) {
	for _, s := range []Size{DemoSize(), SyntheticSize(1), SyntheticSize(0), {}} {
		if err := s.validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	for _, s := range []Size{
		{Activities: -1},
		{Offers: 1},
		{Organizations: 1, Offers: 2, Needs: 2, Matches: 5},
	} {
		if err := s.validate(); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	size := DemoSize()
	client, db, stats := loadTestDB(t, size, DefaultSeed)

	realOrgs, realActs := csvRows(t, realOrganizationsFile), csvRows(t, realActivitiesFile)
	want := Stats{
		Regions: 6, Countries: 249, Topics: 16, Recommendations: 45, Projects: realProjects + size.Projects,
		Organizations: size.Organizations, Consultants: size.Consultants, Activities: size.Activities,
		Offers: size.Offers, Needs: size.Needs, Matches: size.Matches,
		RealOrganizations: realOrgs, RealActivities: realActs,
	}
	if stats != want {
		t.Errorf("Stats = %+v\nwant    %+v", stats, want)
	}

	// Row counts through the client agree with Stats.
	counts := []struct {
		what  string
		count func(context.Context) (int, error)
		want  int
	}{
		{"regions", client.Region.Query().Count, want.Regions},
		{"countries", client.Country.Query().Count, 249},
		{"LDCs", client.Country.Query().Where(country.Ldc(true)).Count, 44},
		{"topics", client.Topic.Query().Count, want.Topics},
		{"recommendations", client.Recommendation.Query().Count, 45},
		{"projects", client.Project.Query().Count, want.Projects},
		{"real projects", client.Project.Query().Where(project.Demo(false)).Count, realProjects},
		{"organizations", client.Organization.Query().Count, want.Organizations + want.RealOrganizations},
		{"consultants", client.Consultant.Query().Count, want.Consultants},
		{"activities", client.Activity.Query().Count, want.Activities + want.RealActivities},
		{"offers", client.MatchOffer.Query().Count, want.Offers},
		{"needs", client.MatchNeed.Query().Count, want.Needs},
		{"matches", client.Match.Query().Count, want.Matches},

		// Demo flags: set on every invented record, unset on the real facts
		// (the real organizations and activities are the sheets' rows).
		{"demo projects", client.Project.Query().Where(project.Demo(true)).Count, size.Projects},
		{"real organizations", client.Organization.Query().Where(organization.Demo(false)).Count, realOrgs},
		{"real consultants", client.Consultant.Query().Where(consultant.Demo(false)).Count, 0},
		{"real activities", client.Activity.Query().Where(activity.Demo(false)).Count, realActs},
		{"real offers", client.MatchOffer.Query().Where(matchoffer.Demo(false)).Count, 0},
		{"real needs", client.MatchNeed.Query().Where(matchneed.Demo(false)).Count, 0},
		{"real matches", client.Match.Query().Where(match.Demo(false)).Count, 0},

		// The generator's rules for demo activities: provider countries
		// exactly for the cooperation kinds, at least one beneficiary and
		// topic, developing beneficiaries. (The real activities give
		// only what their sources give.)
		{"demo SOUTH_SOUTH/TRIANGULAR activities without provider", client.Activity.Query().Where(activity.Demo(true),
			activity.KindIn(activity.KindSOUTH_SOUTH, activity.KindTRIANGULAR), activity.Not(activity.HasProviderCountries())).Count, 0},
		{"TECHNICAL_ASSISTANCE activities with a provider", client.Activity.Query().Where(
			activity.KindEQ(activity.KindTECHNICAL_ASSISTANCE), activity.HasProviderCountries()).Count, 0},
		{"demo activities without beneficiary", client.Activity.Query().Where(activity.Demo(true), activity.Not(activity.HasBeneficiaryCountries())).Count, 0},
		{"demo activities without topic", client.Activity.Query().Where(activity.Demo(true), activity.Not(activity.HasTopics())).Count, 0},
		{"beneficiaries of demo activities in DEVELOPED", client.Country.Query().Where(country.HasActivitiesWith(activity.Demo(true)),
			country.HasRegionWith(region.Code(developedRegion))).Count, 0},

		// Demo and real activities never share a project: a real
		// project's activities are all real.
		{"real projects with a demo activity", client.Project.Query().Where(project.Demo(false),
			project.HasActivitiesWith(activity.Demo(true))).Count, 0},
		{"demo activities of a real project", client.Activity.Query().Where(activity.Demo(true),
			activity.HasProjectWith(project.Demo(false))).Count, 0},
		{"demo projects without a demo activity", client.Project.Query().Where(project.Demo(true),
			project.Not(project.HasActivitiesWith(activity.Demo(true)))).Count, 0},
		{"needs for developed countries", client.Country.Query().Where(country.HasNeeds(),
			country.HasRegionWith(region.Code(developedRegion))).Count, 0},
		{"offers targeting DEVELOPED", client.Region.Query().Where(region.Code(developedRegion), region.HasTargetingOffers()).Count, 0},
		{"consultants without e-mail", client.Consultant.Query().Where(consultant.EmailIsNil()).Count, 0},
	}
	for _, c := range counts {
		got, err := c.count(ctx)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if got != c.want {
			t.Errorf("%d %s, want %d", got, c.what, c.want)
		}
	}

	checkEdges(t, client)
	checkTablesFilled(t, db)
	checkActivities(t, client)
	checkMatches(t, client)
	checkNames(t, client)
}

// checkEdges asserts through the ent client that every edge of the model,
// seen from both ends, has at least one row.
func checkEdges(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	edges := []struct {
		name  string
		exist func(context.Context) (bool, error)
	}{
		{"Region.countries", client.Region.Query().Where(region.HasCountries()).Exist},
		{"Region.targetingOffers", client.Region.Query().Where(region.HasTargetingOffers()).Exist},
		{"Country.region", client.Country.Query().Where(country.HasRegion()).Exist},
		{"Country.projects", client.Country.Query().Where(country.HasProjects()).Exist},
		{"Country.activities", client.Country.Query().Where(country.HasActivities()).Exist},
		{"Country.providedActivities", client.Country.Query().Where(country.HasProvidedActivities()).Exist},
		{"Country.hostedActivities", client.Country.Query().Where(country.HasHostedActivities()).Exist},
		{"Country.consultants", client.Country.Query().Where(country.HasConsultants()).Exist},
		{"Country.organizations", client.Country.Query().Where(country.HasOrganizations()).Exist},
		{"Country.needs", client.Country.Query().Where(country.HasNeeds()).Exist},
		{"Country.targetingOffers", client.Country.Query().Where(country.HasTargetingOffers()).Exist},
		{"Topic.projects", client.Topic.Query().Where(topic.HasProjects()).Exist},
		{"Topic.activities", client.Topic.Query().Where(topic.HasActivities()).Exist},
		{"Topic.consultants", client.Topic.Query().Where(topic.HasConsultants()).Exist},
		{"Topic.offers", client.Topic.Query().Where(topic.HasOffers()).Exist},
		{"Topic.needs", client.Topic.Query().Where(topic.HasNeeds()).Exist},
		{"Recommendation.projects", client.Recommendation.Query().Where(recommendation.HasProjects()).Exist},
		{"Project.recommendations", client.Project.Query().Where(project.HasRecommendations()).Exist},
		{"Project.countries", client.Project.Query().Where(project.HasCountries()).Exist},
		{"Project.topics", client.Project.Query().Where(project.HasTopics()).Exist},
		{"Project.activities", client.Project.Query().Where(project.HasActivities()).Exist},
		{"Organization.country", client.Organization.Query().Where(organization.HasCountry()).Exist},
		{"Organization.offers", client.Organization.Query().Where(organization.HasOffers()).Exist},
		{"Organization.needs", client.Organization.Query().Where(organization.HasNeeds()).Exist},
		{"Organization.activities", client.Organization.Query().Where(organization.HasActivities()).Exist},
		{"Consultant.nationality", client.Consultant.Query().Where(consultant.HasNationality()).Exist},
		{"Consultant.expertise", client.Consultant.Query().Where(consultant.HasExpertise()).Exist},
		{"Consultant.activities", client.Consultant.Query().Where(consultant.HasActivities()).Exist},
		{"Activity.project", client.Activity.Query().Where(activity.HasProject()).Exist},
		{"Activity.venueCountry", client.Activity.Query().Where(activity.HasVenueCountry()).Exist},
		{"Activity.beneficiaryCountries", client.Activity.Query().Where(activity.HasBeneficiaryCountries()).Exist},
		{"Activity.providerCountries", client.Activity.Query().Where(activity.HasProviderCountries()).Exist},
		{"Activity.consultants", client.Activity.Query().Where(activity.HasConsultants()).Exist},
		{"Activity.partners", client.Activity.Query().Where(activity.HasPartners()).Exist},
		{"Activity.requester", client.Activity.Query().Where(activity.HasRequester()).Exist},
		{"Activity.organizers", client.Activity.Query().Where(activity.HasOrganizers()).Exist},
		{"Organization.requestedActivities", client.Organization.Query().Where(organization.HasRequestedActivities()).Exist},
		{"Organization.organizedActivities", client.Organization.Query().Where(organization.HasOrganizedActivities()).Exist},
		{"Activity.topics", client.Activity.Query().Where(activity.HasTopics()).Exist},
		{"MatchOffer.provider", client.MatchOffer.Query().Where(matchoffer.HasProvider()).Exist},
		{"MatchOffer.topics", client.MatchOffer.Query().Where(matchoffer.HasTopics()).Exist},
		{"MatchOffer.targetRegions", client.MatchOffer.Query().Where(matchoffer.HasTargetRegions()).Exist},
		{"MatchOffer.targetCountries", client.MatchOffer.Query().Where(matchoffer.HasTargetCountries()).Exist},
		{"MatchOffer.matches", client.MatchOffer.Query().Where(matchoffer.HasMatches()).Exist},
		{"MatchNeed.seeker", client.MatchNeed.Query().Where(matchneed.HasSeeker()).Exist},
		{"MatchNeed.country", client.MatchNeed.Query().Where(matchneed.HasCountry()).Exist},
		{"MatchNeed.topics", client.MatchNeed.Query().Where(matchneed.HasTopics()).Exist},
		{"MatchNeed.matches", client.MatchNeed.Query().Where(matchneed.HasMatches()).Exist},
		{"Match.offer", client.Match.Query().Where(match.HasOffer()).Exist},
		{"Match.need", client.Match.Query().Where(match.HasNeed()).Exist},
	}
	for _, e := range edges {
		ok, err := e.exist(ctx)
		if err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		if !ok {
			t.Errorf("edge %s has no rows", e.name)
		}
	}
}

// checkTablesFilled asserts from the migration schema, so that an edge added
// to the model later is covered too, that every table has rows and every
// foreign-key column at least one non-NULL value.
func checkTablesFilled(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, table := range migrate.Tables {
		switch table.Name {
		case "api_keys", "audit_events", "rate_buckets", "persisted_queries", "idempotency_records", "webhooks", "webhook_deliveries":
			continue // credentials, the audit trail, webhook registrations and their outbox, and the servers' shared state: not data
		}
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %q", table.Name)).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table.Name, err)
		}
		if n == 0 {
			t.Errorf("table %s is empty", table.Name)
		}
		for _, fk := range table.ForeignKeys {
			for _, col := range fk.Columns {
				q := fmt.Sprintf("SELECT COUNT(*) FROM %q WHERE %q IS NOT NULL", table.Name, col.Name)
				if err := db.QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s.%s: %v", table.Name, col.Name, err)
				}
				if n == 0 {
					t.Errorf("foreign key %s.%s is never set", table.Name, col.Name)
				}
			}
		}
	}
}

// checkActivities asserts the invariants of the generated (demo)
// activities and that the small demo set covers every value.
func checkActivities(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	acts, err := client.Activity.Query().Where(activity.Demo(true)).
		WithBeneficiaryCountries(func(q *ent.CountryQuery) { q.WithRegion() }).
		WithProviderCountries(func(q *ent.CountryQuery) { q.WithRegion() }).
		WithProject().WithVenueCountry().
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds, types, statuses := map[activity.Kind]bool{}, map[activity.Type]bool{}, map[activity.Status]bool{}
	years, regions, projects := map[int]bool{}, map[string]bool{}, map[int]bool{}
	for _, a := range acts {
		kinds[a.Kind], types[a.Type], statuses[a.Status] = true, true, true
		if a.StartDate == nil || a.EndDate == nil {
			t.Errorf("demo activity %d has no start or end date", a.ID)
			continue
		}
		years[a.StartDate.Year()] = true
		if a.EndDate.Before(*a.StartDate) {
			t.Errorf("activity %d ends (%s) before it starts (%s)", a.ID, a.EndDate, a.StartDate)
		}
		if a.StartDate.Before(activityFrom) || a.StartDate.After(activityTo) {
			t.Errorf("activity %d starts %s, outside 2010-2026", a.ID, a.StartDate)
		}
		switch a.Status {
		case activity.StatusCOMPLETED:
			if !a.EndDate.Before(refDate) {
				t.Errorf("activity %d is COMPLETED but ends %s", a.ID, a.EndDate)
			}
		case activity.StatusPLANNED:
			if a.StartDate.Before(refDate) {
				t.Errorf("activity %d is PLANNED but starts %s", a.ID, a.StartDate)
			}
		case activity.StatusONGOING:
			if a.StartDate.After(refDate) || a.EndDate.Before(refDate) {
				t.Errorf("activity %d is ONGOING but runs %s-%s", a.ID, a.StartDate, a.EndDate)
			}
		}
		if a.Participants == nil || *a.Participants < 5 || *a.Participants > 120 {
			t.Errorf("activity %d has %v participants", a.ID, a.Participants)
		}
		if a.Title == "" || a.Description == "" || a.Language == "" {
			t.Errorf("activity %d lacks title, description or language: %+v", a.ID, a)
		}
		for _, c := range a.Edges.BeneficiaryCountries {
			regions[c.Edges.Region.Code] = true
		}
		for _, c := range a.Edges.ProviderCountries {
			regions[c.Edges.Region.Code] = true
			if a.Kind == activity.KindSOUTH_SOUTH && c.Edges.Region.Code == developedRegion {
				t.Errorf("SOUTH_SOUTH activity %d has developed provider %s", a.ID, c.Code)
			}
		}
		if p := a.Edges.Project; p != nil {
			projects[p.ID] = true
			// A real project may lack either year (the sources do not give it).
			if y := a.StartDate.Year(); p.StartDate != nil && y < p.StartDate.Year() || p.EndDate != nil && y > p.EndDate.Year() {
				t.Errorf("activity %d (%d) belongs to project %s running %v-%v", a.ID, y, p.Code, p.StartDate, p.EndDate)
			}
		}
		if (a.VenueCity != nil) != (a.Edges.VenueCountry != nil) {
			t.Errorf("activity %d has venue city %v but venue country %v", a.ID, a.VenueCity, a.Edges.VenueCountry)
		}
	}
	if len(kinds) != 3 || len(types) != 8 || len(statuses) != 4 {
		t.Errorf("activities cover %d kinds, %d types, %d statuses; want 3, 8, 4", len(kinds), len(types), len(statuses))
	}
	for y := 2010; y <= 2026; y++ {
		if !years[y] {
			t.Errorf("no activity starts in %d", y)
		}
	}
	if len(regions) != 6 {
		t.Errorf("activities' countries cover regions %v, want all 6", regions)
	}
	demoProjects, err := client.Project.Query().Where(project.Demo(true)).IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != len(demoProjects) {
		t.Errorf("demo activities link to %d projects, want the %d demo projects", len(projects), len(demoProjects))
	}
	for _, id := range demoProjects {
		delete(projects, id)
	}
	if len(projects) != 0 {
		t.Errorf("demo activities link to projects %v that are not demo projects", projects)
	}
	linked := 0
	for _, a := range acts {
		if a.Edges.Project != nil {
			linked++
		}
	}
	// Activities link only to demo projects running in their year; the
	// demo set's few demo projects leave some years without one, so
	// fewer demo activities can link than at synthetic sizes.
	if share := float64(linked) / float64(len(acts)); share < 0.25 || share > 0.8 {
		t.Errorf("%.0f%% of activities link to a project, want between 25%% and 80%%", 100*share)
	}
	orgKindsSeen, err := client.Organization.Query().GroupBy(organization.FieldKind).Strings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgKindsSeen) != len(orgKinds) {
		t.Errorf("organization kinds %v, want all %d", orgKindsSeen, len(orgKinds))
	}
	igoWithCountry, err := client.Organization.Query().Where(organization.KindEQ(organization.KindIGO), organization.HasCountry()).Exist(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if igoWithCountry {
		t.Error("an IGO has a country")
	}
}

// checkMatches recomputes every match's cooperation from its parties and
// checks dates, scores and coverage.
func checkMatches(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	withCountry := func(q *ent.OrganizationQuery) {
		q.WithCountry(func(q *ent.CountryQuery) { q.WithRegion() })
	}
	ms, err := client.Match.Query().
		WithOffer(func(q *ent.MatchOfferQuery) { q.WithProvider(withCountry) }).
		WithNeed(func(q *ent.MatchNeedQuery) {
			q.WithSeeker(withCountry).WithCountry(func(q *ent.CountryQuery) { q.WithRegion() })
		}).
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	party := func(c *ent.Country) cooperation.Party {
		if c == nil {
			return cooperation.Party{}
		}
		return cooperation.Party{Country: c.Code, Developing: c.Edges.Region.Code != developedRegion}
	}
	coops, statuses := map[match.Cooperation]int{}, map[match.Status]bool{}
	pairs := map[[2]int]bool{}
	for _, m := range ms {
		o, n := m.Edges.Offer, m.Edges.Need
		want := cooperation.Of(party(o.Edges.Provider.Edges.Country), party(n.Edges.Seeker.Edges.Country),
			party(n.Edges.Country))
		if m.Cooperation != want {
			t.Errorf("match %d: cooperation %s, recomputed %s", m.ID, m.Cooperation, want)
		}
		coops[m.Cooperation]++
		statuses[m.Status] = true
		if !m.CreatedAt.After(o.PostedAt) || !m.CreatedAt.After(n.PostedAt) {
			t.Errorf("match %d created %s, not after offer %s and need %s", m.ID, m.CreatedAt, o.PostedAt, n.PostedAt)
		}
		if m.Score < 0 || m.Score > 1 {
			t.Errorf("match %d: score %v", m.ID, m.Score)
		}
		p := [2]int{o.ID, n.ID}
		if pairs[p] {
			t.Errorf("offer %d and need %d matched twice", o.ID, n.ID)
		}
		pairs[p] = true
	}
	if len(coops) != 3 {
		t.Errorf("cooperation values %v, want all three", coops)
	}
	if len(statuses) != 5 {
		t.Errorf("match statuses %v, want all five", statuses)
	}
	t.Logf("cooperation: %v", coops)

	offerStatusesSeen, err := client.MatchOffer.Query().GroupBy(matchoffer.FieldStatus).Strings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	needStatusesSeen, err := client.MatchNeed.Query().GroupBy(matchneed.FieldStatus).Strings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	offerKindsSeen, err := client.MatchOffer.Query().GroupBy(matchoffer.FieldKind).Strings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(offerStatusesSeen) != 4 || len(needStatusesSeen) != 3 || len(offerKindsSeen) != 3 {
		t.Errorf("offer statuses %v, need statuses %v, offer kinds %v: want every value", offerStatusesSeen, needStatusesSeen, offerKindsSeen)
	}
	expired, err := client.MatchOffer.Query().Where(matchoffer.StatusEQ(matchoffer.StatusEXPIRED), matchoffer.Or(
		matchoffer.ExpiresAtIsNil(), matchoffer.ExpiresAtGTE(refDate))).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if expired != 0 {
		t.Errorf("%d EXPIRED offers without a past expiry", expired)
	}
}

// checkNames asserts that invented people and organizations carry
// obviously fictional names.
func checkNames(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	orgs, err := client.Organization.Query().Where(organization.Demo(true)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if !strings.HasSuffix(o.Name, " (demo)") || !slices.ContainsFunc(nameMarkers, func(m string) bool { return strings.HasPrefix(o.Name, m+" ") }) {
			t.Errorf("organization %q is not obviously fictional", o.Name)
		}
		if !strings.HasPrefix(o.Website, "https://example.org/demo/") {
			t.Errorf("organization %q has website %q", o.Name, o.Website)
		}
	}
	people, err := client.Consultant.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emails := map[string]bool{}
	for _, c := range people {
		if _, last, _ := strings.Cut(c.Name, " "); !slices.Contains(surnames, last) {
			t.Errorf("consultant %q has no invented surname", c.Name)
		}
		if !strings.HasSuffix(c.Email, "@example.org") || emails[c.Email] {
			t.Errorf("consultant %q: e-mail %q not a unique example.org address", c.Name, c.Email)
		}
		emails[c.Email] = true
		if n := len(c.Languages); n < 1 || n > 3 {
			t.Errorf("consultant %q speaks %v", c.Name, c.Languages)
		}
	}
}

func TestLoadRefusesNonEmptyDatabase(t *testing.T) {
	client, _, _ := loadTestDB(t, Size{}, DefaultSeed)
	_, err := LoadWith(context.Background(), client, Size{}, DefaultSeed, importer.Sheet)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second Load = %v, want ErrNotEmpty", err)
	}
}

func TestLoadRealFactsOnly(t *testing.T) {
	client, _, stats := loadTestDB(t, Size{}, DefaultSeed)
	if stats.Projects != realProjects || stats.Activities != 0 || stats.Organizations != 0 ||
		stats.RealActivities != csvRows(t, realActivitiesFile) || stats.RealOrganizations != csvRows(t, realOrganizationsFile) {
		t.Errorf("Stats = %+v, want real facts only", stats)
	}
	p, err := client.Project.Query().Where(project.Code("DA_1_10_12_40")).
		WithCountries().WithRecommendations().WithTopics().Only(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.StartDate == nil || p.StartDate.Format("2006-01-02") != "2016-01-01" ||
		p.EndDate == nil || p.EndDate.Format("2006-01-02") != "2018-12-31" {
		t.Errorf("project dates %v-%v, want 2016-01-01 to 2018-12-31", p.StartDate, p.EndDate)
	}
	var codes []string
	for _, c := range p.Edges.Countries {
		codes = append(codes, c.Code)
	}
	sort.Strings(codes)
	if strings.Join(codes, ",") != "EC,EG,LK,NA" || len(p.Edges.Recommendations) != 4 || len(p.Edges.Topics) != 2 {
		t.Errorf("project edges: countries %v, %d recommendations, %d topics", codes, len(p.Edges.Recommendations), len(p.Edges.Topics))
	}
	if p.Demo || len(p.Documents) != 4 || len(p.Sources) != 5 || p.Note == "" {
		t.Errorf("project demo=%v documents=%v sources=%v note=%q", p.Demo, p.Documents, p.Sources, p.Note)
	}
}

// TestLoadDeterministic loads the same seed twice and compares a digest of
// every table's rows in key order; another seed must give other data.
func TestLoadDeterministic(t *testing.T) {
	size := DemoSize()
	size.Projects = 5 // exercise the project generator too
	_, db1, _ := loadTestDB(t, size, DefaultSeed)
	_, db2, _ := loadTestDB(t, size, DefaultSeed)
	_, db3, _ := loadTestDB(t, size, DefaultSeed+1)
	d1, d2, d3 := digest(t, db1), digest(t, db2), digest(t, db3)
	for table, h := range d1 {
		if d2[table] != h {
			t.Errorf("table %s differs between two loads with the same seed", table)
		}
	}
	if d1["activities"] == d3["activities"] || d1["consultants"] == d3["consultants"] {
		t.Error("another seed gave the same activities or consultants")
	}
	if d1["countries"] != d3["countries"] {
		t.Error("the real facts depend on the seed")
	}
}

// digest hashes every table's rows, ordered by primary key.
func digest(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range migrate.Tables {
		var keys []string
		for _, c := range table.PrimaryKey {
			keys = append(keys, fmt.Sprintf("%q", c.Name))
		}
		rows, err := db.Query(fmt.Sprintf("SELECT * FROM %q ORDER BY %s", table.Name, strings.Join(keys, ", ")))
		if err != nil {
			t.Fatalf("%s: %v", table.Name, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%T:%v\x1f", v, v)
			}
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[table.Name] = fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil)))
	}
	return out
}

func BenchmarkLoadDemo(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		client, _ := openTestDB(b)
		b.StartTimer()
		if _, err := LoadWith(context.Background(), client, DemoSize(), DefaultSeed, importer.Sheet); err != nil {
			b.Fatal(err)
		}
	}
}
