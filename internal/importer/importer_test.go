package importer

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/auditevent"
	"sscgraph/ent/consultant"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/internal/database"
	"sscgraph/internal/viewer"
)

// The example files, in the order their references need.
var exampleKinds = []string{"organizations", "consultants", "activities", "offers", "needs"}

func example(kind string) string { return filepath.Join("..", "..", "examples", "import", kind+".csv") }

// importFile runs an import and fails the test on an error (not on bad
// rows: the result has them).
func importFile(t *testing.T, db *database.DB, kind, path string, dryRun bool) *Result {
	t.Helper()
	res, err := Run(context.Background(), db.Client, Options{Kind: kind, Path: path, DryRun: dryRun})
	if err != nil {
		t.Fatalf("import %s %s: %v", kind, path, err)
	}
	return res
}

// importExamples imports every example file and fails on a bad row.
func importExamples(t *testing.T, db *database.DB) {
	t.Helper()
	for _, kind := range exampleKinds {
		if res := importFile(t, db, kind, example(kind), false); len(res.Problems) > 0 {
			t.Fatalf("%s: %v", kind, res.Problems)
		}
	}
}

// sysCtx reads as sscgraph itself: the audit trail is for ADMIN keys.
var sysCtx = viewer.WithSystem(context.Background(), viewer.System{Name: "TEST"})

func auditCount(t *testing.T, c *ent.Client) int {
	t.Helper()
	n, err := c.AuditEvent.Query().Where(auditevent.Via(Actor)).Count(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// activityView is an activity as the test compares it: keys as codes and
// refs, sorted.
type activityView struct {
	Title, Description, Kind, Type, Status string
	Start, End                             string
	VenueCity, VenueCountry, Language      string
	Participants                           int
	Budget                                 *float64
	Project                                string
	Beneficiaries                          []string // CODE:figure or CODE
	Providers, Topics, Consultants         []string
	Partners                               []string
}

func viewActivity(t *testing.T, c *ent.Client, ref string) activityView {
	t.Helper()
	a, err := c.Activity.Query().Where(activity.Ref(ref)).
		WithProject().WithVenueCountry().
		WithBeneficiaryLinks(func(q *ent.ActivityBeneficiaryQuery) { q.WithCountry() }).
		WithProviderCountries().WithTopics().WithConsultants().WithPartners().
		Only(context.Background())
	if err != nil {
		t.Fatalf("activity %s: %v", ref, err)
	}
	v := activityView{
		Title: a.Title, Description: a.Description, Kind: string(a.Kind), Type: string(a.Type), Status: string(a.Status),
		Start: a.StartDate.UTC().Format(time.DateOnly), End: a.EndDate.UTC().Format(time.DateOnly),
		VenueCity: deref(a.VenueCity), Language: a.Language, Participants: a.Participants, Budget: a.Budget,
	}
	if a.Edges.VenueCountry != nil {
		v.VenueCountry = a.Edges.VenueCountry.Code
	}
	if a.Edges.Project != nil {
		v.Project = a.Edges.Project.Code
	}
	for _, l := range a.Edges.BeneficiaryLinks {
		s := l.Edges.Country.Code
		if l.Participants != nil {
			s += ":" + strconv.Itoa(*l.Participants)
		}
		v.Beneficiaries = append(v.Beneficiaries, s)
	}
	for _, x := range a.Edges.ProviderCountries {
		v.Providers = append(v.Providers, x.Code)
	}
	for _, x := range a.Edges.Topics {
		v.Topics = append(v.Topics, x.Code)
	}
	for _, x := range a.Edges.Consultants {
		v.Consultants = append(v.Consultants, deref(x.Ref))
	}
	for _, x := range a.Edges.Partners {
		v.Partners = append(v.Partners, deref(x.Ref))
	}
	for _, l := range [][]string{v.Beneficiaries, v.Providers, v.Topics, v.Consultants, v.Partners} {
		sort.Strings(l)
	}
	return v
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// TestExamples imports each example file into a seeded database and reads
// every record back.
func TestExamples(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		c := db.Client
		tests := []struct {
			kind  string
			rows  int
			check func(t *testing.T)
		}{
			{"organizations", 4, func(t *testing.T) {
				want := map[string][4]string{ // name, kind, website, country
					"DEMO-ORG-1": {"Demo Intellectual Property Office of Kenya", "IP_OFFICE", "https://example.org/demo-ip-office", "KE"},
					"DEMO-ORG-2": {"Demo Andean Innovation University", "UNIVERSITY", "https://example.org/demo-university", "PE"},
					"DEMO-ORG-3": {"Demo Regional IP Network", "IGO", "", ""},
					"DEMO-ORG-4": {"Demo Nile Technology Transfer Centre", "RESEARCH_CENTER", "", "EG"},
				}
				for ref, w := range want {
					o, err := c.Organization.Query().Where(organization.Ref(ref)).WithCountry().Only(ctx)
					if err != nil {
						t.Fatalf("%s: %v", ref, err)
					}
					code := ""
					if o.Edges.Country != nil {
						code = o.Edges.Country.Code
					}
					if got := [4]string{o.Name, string(o.Kind), o.Website, code}; got != w {
						t.Errorf("%s = %q, want %q", ref, got, w)
					}
				}
			}},
			{"consultants", 3, func(t *testing.T) {
				type view struct {
					Name, Nationality, Bio, Email string
					Languages, Topics             []string
					Available                     bool
				}
				want := map[string]view{
					"DEMO-CON-1": {"Demo Consultant Amina Diallo", "SN", "Demo record: a patent examiner turned trainer.", "amina.diallo@example.org", []string{"fr", "en"}, []string{"PATENTS", "TECHNOLOGY_TRANSFER"}, true},
					"DEMO-CON-2": {"Demo Consultant Lucas Pereira", "BR", "Demo record: advises collective management organizations.", "", []string{"pt", "es", "en"}, []string{"COPYRIGHT", "CREATIVE_INDUSTRIES"}, true},
					"DEMO-CON-3": {"Demo Consultant Wanjiru Kamau", "KE", "Demo record: works with producer groups on geographical indications.", "wanjiru.kamau@example.org", []string{"en", "sw"}, []string{"AGRICULTURE_FOOD", "GEOGRAPHICAL_INDICATIONS"}, false},
				}
				for ref, w := range want {
					x, err := c.Consultant.Query().Where(consultant.Ref(ref)).WithNationality().WithExpertise().Only(ctx)
					if err != nil {
						t.Fatalf("%s: %v", ref, err)
					}
					got := view{x.Name, x.Edges.Nationality.Code, x.Bio, x.Email, x.Languages, nil, x.Available}
					for _, tp := range x.Edges.Expertise {
						got.Topics = append(got.Topics, tp.Code)
					}
					got.Topics = sorted(got.Topics)
					if !reflect.DeepEqual(got, w) {
						t.Errorf("%s = %+v, want %+v", ref, got, w)
					}
				}
			}},
			{"activities", 4, func(t *testing.T) {
				want := map[string]activityView{
					"DEMO-ACT-1": {
						Title: "Demo: workshop on patent information for universities", Description: "Demo record from examples/import: a two-day workshop, with per-country participants.",
						Kind: "TECHNICAL_ASSISTANCE", Type: "WORKSHOP", Status: "COMPLETED", Start: "2024-03-11", End: "2024-03-12",
						VenueCity: "Cairo", VenueCountry: "EG", Language: "en", Participants: 20, Budget: ptr(15000.0), Project: "DA_1_10_12_40",
						Beneficiaries: []string{"EC:8", "EG:12"}, Topics: []string{"PATENTS", "TECHNOLOGY_TRANSFER"},
						Consultants: []string{"DEMO-CON-1"}, Partners: []string{"DEMO-ORG-4"},
					},
					"DEMO-ACT-2": {
						Title: "Demo: South-South study visit on geographical indications", Description: "Demo record: the total is the sum of the per-country figures.",
						Kind: "SOUTH_SOUTH", Type: "STUDY_VISIT", Status: "COMPLETED", Start: "2023-09-04", End: "2023-09-08",
						VenueCity: "Lima", VenueCountry: "PE", Language: "es", Participants: 10,
						Beneficiaries: []string{"KE:6", "SN:4"}, Providers: []string{"PE"}, Topics: []string{"GEOGRAPHICAL_INDICATIONS"},
						Consultants: []string{"DEMO-CON-3"}, Partners: []string{"DEMO-ORG-2"},
					},
					"DEMO-ACT-3": {
						Title: "Demo: triangular advisory mission on copyright", Description: "Demo record: one beneficiary country without a figure.",
						Kind: "TRIANGULAR", Type: "ADVISORY_MISSION", Status: "PLANNED", Start: "2026-05-04", End: "2026-05-08",
						VenueCity: "Nairobi", VenueCountry: "KE", Language: "en", Participants: 15, Project: "DA_4_10_02",
						Beneficiaries: []string{"KE:10", "NA"}, Providers: []string{"BR", "CH"}, Topics: []string{"COPYRIGHT", "CREATIVE_INDUSTRIES"},
						Consultants: []string{"DEMO-CON-2"}, Partners: []string{"DEMO-ORG-1", "DEMO-ORG-3"},
					},
					"DEMO-ACT-4": {
						Title: "Demo: study on IP and tourism", Description: "Demo record: a study has no venue.",
						Kind: "TECHNICAL_ASSISTANCE", Type: "STUDY", Status: "ONGOING", Start: "2025-01-15", End: "2026-12-31",
						Language: "fr", Participants: 0, Budget: ptr(8000.5),
						Beneficiaries: []string{"SN"}, Topics: []string{"TOURISM"},
					},
				}
				for ref, w := range want {
					if got := viewActivity(t, c, ref); !reflect.DeepEqual(got, w) {
						t.Errorf("%s =\n%+v\nwant\n%+v", ref, got, w)
					}
				}
			}},
			{"offers", 3, func(t *testing.T) {
				type view struct {
					Title, Kind, Status, Posted, Expires, Provider string
					Capacity                                       int
					Languages, Topics, Regions, Countries          []string
				}
				want := map[string]view{
					"DEMO-OFF-1": {"Demo offer: patent examination training", "TECHNICAL", "OPEN", "2025-02-01", "2030-12-31", "DEMO-ORG-1", 3, []string{"en", "fr"}, []string{"PATENTS"}, []string{"AFRICA"}, nil},
					"DEMO-OFF-2": {"Demo offer: funding for registering geographical indications", "FINANCIAL", "OPEN", "2025-06-15", "", "DEMO-ORG-2", 1, []string{"es"}, []string{"AGRICULTURE_FOOD", "GEOGRAPHICAL_INDICATIONS"}, []string{"LATIN_AMERICA_CARIBBEAN"}, []string{"EC", "PE"}},
					"DEMO-OFF-3": {"Demo offer: technology transfer mentoring", "PUBLIC_PRIVATE_PARTNERSHIP", "CLOSED", "2024-01-10", "", "DEMO-ORG-4", 1, []string{"en"}, []string{"TECHNOLOGY_TRANSFER"}, nil, []string{"EG"}},
				}
				for ref, w := range want {
					o, err := c.MatchOffer.Query().Where(matchoffer.Ref(ref)).WithProvider().WithTopics().WithTargetRegions().WithTargetCountries().Only(ctx)
					if err != nil {
						t.Fatalf("%s: %v", ref, err)
					}
					got := view{Title: o.Title, Kind: string(o.Kind), Status: string(o.Status), Posted: o.PostedAt.UTC().Format(time.DateOnly),
						Provider: deref(o.Edges.Provider.Ref), Capacity: o.Capacity, Languages: o.Languages}
					if o.ExpiresAt != nil {
						got.Expires = o.ExpiresAt.UTC().Format(time.DateOnly)
					}
					for _, x := range o.Edges.Topics {
						got.Topics = append(got.Topics, x.Code)
					}
					for _, x := range o.Edges.TargetRegions {
						got.Regions = append(got.Regions, x.Code)
					}
					for _, x := range o.Edges.TargetCountries {
						got.Countries = append(got.Countries, x.Code)
					}
					got.Topics, got.Countries = sorted(got.Topics), sorted(got.Countries)
					if !reflect.DeepEqual(got, w) {
						t.Errorf("%s =\n%+v\nwant\n%+v", ref, got, w)
					}
				}
			}},
			{"needs", 3, func(t *testing.T) {
				type view struct {
					Title, Kind, Status, Posted, Seeker, Country string
					Languages, Topics                            []string
				}
				want := map[string]view{
					"DEMO-NEED-1": {"Demo need: modernising an IP office", "TECHNICAL", "OPEN", "2025-03-01", "DEMO-ORG-1", "KE", []string{"en"}, []string{"IP_OFFICE_ADMINISTRATION"}},
					"DEMO-NEED-2": {"Demo need: financing a collective mark", "FINANCIAL", "OPEN", "2025-07-20", "DEMO-ORG-2", "PE", []string{"es", "pt"}, []string{"GEOGRAPHICAL_INDICATIONS"}},
					"DEMO-NEED-3": {"Demo need: a copyright awareness campaign", "TECHNICAL", "CLOSED", "2024-05-05", "DEMO-ORG-4", "SN", []string{"fr"}, []string{"COPYRIGHT", "CREATIVE_INDUSTRIES"}},
				}
				for ref, w := range want {
					n, err := c.MatchNeed.Query().Where(matchneed.Ref(ref)).WithSeeker().WithCountry().WithTopics().Only(ctx)
					if err != nil {
						t.Fatalf("%s: %v", ref, err)
					}
					got := view{n.Title, string(n.Kind), string(n.Status), n.PostedAt.UTC().Format(time.DateOnly), deref(n.Edges.Seeker.Ref), n.Edges.Country.Code, n.Languages, nil}
					for _, x := range n.Edges.Topics {
						got.Topics = append(got.Topics, x.Code)
					}
					got.Topics = sorted(got.Topics)
					if !reflect.DeepEqual(got, w) {
						t.Errorf("%s =\n%+v\nwant\n%+v", ref, got, w)
					}
				}
			}},
		}
		for _, tt := range tests {
			res := importFile(t, db, tt.kind, example(tt.kind), false)
			if len(res.Problems) > 0 {
				t.Fatalf("%s: %v", tt.kind, res.Problems)
			}
			if res.Rows != tt.rows || res.Created != tt.rows || res.Updated != 0 || res.Unchanged != 0 {
				t.Errorf("%s: %+v, want %d rows created", tt.kind, res, tt.rows)
			}
			t.Run(tt.kind, tt.check)
		}
		// Every write is audited under the importer, as sscgraph's own.
		events, err := c.AuditEvent.Query().Where(auditevent.Via(Actor)).All(sysCtx)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 17 {
			t.Errorf("%d audit events via %s, want 17 (one CREATE per row)", len(events), Actor)
		}
		for _, e := range events {
			if e.Role != "SYSTEM" || e.Operation != auditevent.OperationCREATE || e.KeyID != nil {
				t.Errorf("audit event %+v, want a CREATE by SYSTEM without a key", e)
				break
			}
		}
	})
}
