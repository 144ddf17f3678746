package importer

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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
		Start: dateString(a.StartDate), End: dateString(a.EndDate),
		VenueCity: deref(a.VenueCity), Language: a.Language, Participants: deref(a.Participants), Budget: a.Budget,
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

// dateString is a stored date as YYYY-MM-DD, "" for none.
func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// TestImportExamples imports each example file into a seeded database and reads
// every record back.
func TestImportExamples(t *testing.T) {
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
			{"activities", 5, func(t *testing.T) {
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
					// Known to the month: the 1st (its precision, organizers,
					// sources and the rest: TestImportRealColumns).
					"DEMO-ACT-5": {
						Title: "Demo: regional meeting known only to the month", Description: "Demo record: a meeting a source dates to May 2012 only, with an approximate count.",
						Kind: "OTHER", Type: "MEETING", Status: "UNKNOWN", Start: "2012-05-01", End: "2012-05-01",
						VenueCountry: "KE", Language: "en", Participants: 60, Topics: []string{"PATENTS"},
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
		if len(events) != 18 {
			t.Errorf("%d audit events via %s, want 18 (one CREATE per row)", len(events), Actor)
		}
		for _, e := range events {
			if e.Role != "SYSTEM" || e.Operation != auditevent.OperationCREATE || e.KeyID != nil {
				t.Errorf("audit event %+v, want a CREATE by SYSTEM without a key", e)
				break
			}
		}
	})
}

// problemKeys reduces problems to "LINE column" for comparison.
func problemKeys(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strconv.Itoa(p.Line) + " " + p.Column
	}
	return out
}

// TestImportBadRows imports a file with many kinds of bad rows: nothing is
// written and every bad row is reported with its line and column, however
// the rows fall into batches.
func TestImportBadRows(t *testing.T) {
	const file = `ref,title,kind,type,status,start_date,end_date,beneficiaries,participants,providers,colour
BAD-1,a good row,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG:3,3,,
BAD-2,unknown country,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,Atlantis,,,
BAD-3,bad date,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-13-01,2024-01-02,EG,,,
BAD-4,end before start,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-02-01,2024-01-02,EG,,,
BAD-5,total is not the sum,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG:3; EC:4,9,,
BAD-1,duplicate ref,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,
BAD-7,month 13,SOUTH_SOUTH,WORKSHOP,COMPLETED,2024-01,2024-13,EG,,,
BAD-8,another good row,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,

,partial figures and no total,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG:3; EC,,,
BAD-11,bad kind,TECHNICAL,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,
BAD-12,a language that is not one,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,
`
	// The language column is added to row 13 by hand: the header above
	// has none, so it is a row longer than the header.
	path := writeFile(t, "bad.csv", strings.Replace(file, "not one,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,", "not one,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG,,,,xx", 1))
	want := []string{
		"1 colour",        // unknown column
		"3 beneficiaries", // unknown country
		"4 start_date",    // not a date
		"5 end_date",      // the schema's date rule
		"6 participants",  // the total-equals-sum rule
		"7 ref",           // duplicate ref in the file
		"8 end_date",      // not a month
		"12 kind",         // not an enum value
		"13 #12",          // a cell beyond the header
	}
	backends(t, func(t *testing.T, db *database.DB) {
		before := auditCount(t, db.Client)
		for _, size := range []int{0, 1, 3} {
			res, err := Run(context.Background(), db.Client, Options{Kind: "activities", Path: path, BatchSize: size})
			if err != nil {
				t.Fatal(err)
			}
			if got := problemKeys(res.Problems); !slices.Equal(got, want) {
				t.Errorf("batch %d: problems %v, want %v\n%+v", size, got, want, res.Problems)
			}
			// Line 11, partial figures without a total, is good: the
			// total is unknown (null), which no figure contradicts.
			if res.Rows != 11 || res.BadRows != 8 {
				t.Errorf("batch %d: %d rows, %d bad, want 11 and 8", size, res.Rows, res.BadRows)
			}
		}
		n, err := db.Client.Activity.Query().Where(activity.Or(activity.RefHasPrefix("BAD-"), activity.TitleContains("figures"))).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 || auditCount(t, db.Client) != before {
			t.Errorf("a bad file wrote %d activities and %d audit events", n, auditCount(t, db.Client)-before)
		}
	})
}

// TestImportBadRowReasons checks the words of the report, which people act on.
func TestImportBadRowReasons(t *testing.T) {
	db := openSQLite(t)
	path := writeFile(t, "reasons.csv", `ref,title,kind,type,status,start_date,end_date,beneficiaries,participants,language,budget,project
R-1,x,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2023-12-31,Atlantis:3,,xx,cheap,NOPE
R-2,x,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,EG:3; EC:4,9,xx,,
`)
	res := importFile(t, db, "activities", path, false)
	want := []Problem{
		{2, "beneficiaries", `unknown country "Atlantis" (give an ISO 3166-1 alpha-2 or alpha-3 code, such as EG or EGY, or the English name)`},
		{2, "budget", `"cheap" is not a number (use a decimal point and no thousands separators)`},
		{2, "project", `unknown project "NOPE" (give a project code, such as DA_1_10_12_40)`},
		{3, "participants", "the total (9) must equal the sum of the per-country figures (7) when every beneficiary country has one"},
	}
	if !reflect.DeepEqual(res.Problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, want)
	}
	// Rows that read well meet the schema's rules when written.
	path = writeFile(t, "rules.csv", `title,kind,type,status,start_date,end_date,language
x,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2023-12-31,en
y,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02,xx
`)
	res = importFile(t, db, "activities", path, false)
	want = []Problem{
		{2, "end_date", "the end date 2023-12-31 is before the start date 2024-01-01"},
		{3, "language", `"xx" is not an ISO 639-1 language code (two lower-case letters, such as en or fr)`},
	}
	if !reflect.DeepEqual(res.Problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, want)
	}
}

// TestImportHeaderProblems: a header with an unknown, a repeated and a missing
// required column is reported on its line, and nothing is written.
func TestImportHeaderProblems(t *testing.T) {
	db := openSQLite(t)
	path := writeFile(t, "header.csv", "\ufeffRef,Name,name,Websit\nH-1,Somewhere,Somewhere,x\n")
	res := importFile(t, db, "organizations", path, false)
	if got, want := problemKeys(res.Problems), []string{"1 name", "1 Websit", "1 kind"}; !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v: %+v", got, want, res.Problems)
	}
	if n := db.Client.Organization.Query().Where(organization.Ref("H-1")).CountX(context.Background()); n != 0 {
		t.Errorf("%d organizations written", n)
	}
}

// TestImportDryRun reports what a real import would do and writes nothing, also
// not the audit trail.
func TestImportDryRun(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		for _, kind := range []string{"organizations", "consultants"} {
			res := importFile(t, db, kind, example(kind), true)
			if len(res.Problems) > 0 || res.Created != res.Rows || res.Rows == 0 {
				t.Errorf("dry run of %s: %+v", kind, res)
			}
		}
		if n := db.Client.Organization.Query().Where(organization.RefHasPrefix("DEMO-")).CountX(ctx); n != 0 {
			t.Errorf("a dry run wrote %d organizations", n)
		}
		if n := auditCount(t, db.Client); n != 0 {
			t.Errorf("a dry run wrote %d audit events", n)
		}
		// A dry run writes, then rolls back: it meets the same rules, and
		// rows that need earlier files need them written.
		res := importFile(t, db, "activities", example("activities"), true)
		// 2 of each of lines 2 to 4 (3 on line 4, two partners), 3 on
		// line 6 (its requester and two organizers).
		if got := problemKeys(res.Problems); len(got) != 10 || got[0] != "2 consultants" || got[1] != "2 partners" || got[9] != "6 organizers" {
			t.Errorf("dry run of activities before consultants: %v", res.Problems)
		}
	})
}

// TestImportTwice: a second import of the same files changes nothing and
// writes no audit event.
func TestImportTwice(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		importExamples(t, db)
		events := auditCount(t, db.Client)
		for _, kind := range exampleKinds {
			res := importFile(t, db, kind, example(kind), false)
			if len(res.Problems) > 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != res.Rows {
				t.Errorf("%s again: %+v, want every row unchanged", kind, res)
			}
		}
		if n := auditCount(t, db.Client); n != events {
			t.Errorf("the second import wrote %d audit events", n-events)
		}
	})
}

// TestImportChangedRows: a row that differs from its record updates just what
// differs; columns the sheet does not have are left alone.
func TestImportChangedRows(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		c := db.Client
		importExamples(t, db)
		before := viewActivity(t, c, "DEMO-ACT-4")
		path := writeFile(t, "changed.csv", `ref,title,kind,type,status,start_date,end_date,participants,beneficiaries,topics
DEMO-ACT-1,Demo: workshop on patent information for universities,TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-03-11,2024-03-12,,EG:15; Ecuador:8,PATENTS; TECHNOLOGY_TRANSFER
DEMO-ACT-2,Demo: South-South study visit on geographical indications,SOUTH_SOUTH,STUDY_VISIT,CANCELLED,2023-09-04,2023-09-08,10,KEN:6; SEN:4,GEOGRAPHICAL_INDICATIONS
DEMO-ACT-4,Demo: study on IP and tourism,TECHNICAL_ASSISTANCE,STUDY,ONGOING,2025-01-15,2026-12-31,0,Senegal,TOURISM
NEW-1,Demo: a row without a record,TECHNICAL_ASSISTANCE,SEMINAR,PLANNED,2026-01-01,2026-01-01,,,
`)
		events := auditCount(t, c)
		res := importFile(t, db, "activities", path, false)
		if len(res.Problems) > 0 || res.Created != 1 || res.Updated != 2 || res.Unchanged != 1 {
			t.Fatalf("%+v, want 1 created, 2 updated, 1 unchanged", res)
		}
		a1 := viewActivity(t, c, "DEMO-ACT-1")
		if a1.Participants != 23 || !slices.Equal(a1.Beneficiaries, []string{"EC:8", "EG:15"}) || a1.VenueCity != "Cairo" || a1.Project != "DA_1_10_12_40" {
			t.Errorf("DEMO-ACT-1 after the update: %+v", a1)
		}
		if a2 := viewActivity(t, c, "DEMO-ACT-2"); a2.Status != "CANCELLED" || a2.Participants != 10 || a2.Partners[0] != "DEMO-ORG-2" {
			t.Errorf("DEMO-ACT-2 after the update: %+v", a2)
		}
		if after := viewActivity(t, c, "DEMO-ACT-4"); !reflect.DeepEqual(after, before) {
			t.Errorf("an unchanged row changed its record:\n%+v\n%+v", before, after)
		}
		// DEMO-ACT-2's event names its one change; DEMO-ACT-1's figures go
		// through setActivityBeneficiaries' path (one UPDATE).
		id2 := c.Activity.Query().Where(activity.Ref("DEMO-ACT-2")).OnlyIDX(ctx)
		ev, err := c.AuditEvent.Query().Where(auditevent.NodeID(id2), auditevent.OperationEQ(auditevent.OperationUPDATE)).Only(sysCtx)
		if err != nil {
			t.Fatal(err)
		}
		if keys := mapKeys(ev.Changes); !slices.Equal(keys, []string{"status"}) || ev.Via != Actor {
			t.Errorf("DEMO-ACT-2's audit event changes %v via %s, want only status via %s", keys, ev.Via, Actor)
		}
		if n := auditCount(t, c) - events; n != 3 {
			t.Errorf("%d audit events, want 3 (one create, two updates)", n)
		}

		// A consultant whose e-mail cell is emptied loses it; the others
		// keep theirs.
		path = writeFile(t, "consultants.csv", "ref,name,email\nDEMO-CON-1,Demo Consultant Amina Diallo,\nDEMO-CON-3,Demo Consultant Wanjiru Kamau,wanjiru.kamau@example.org\n")
		if res := importFile(t, db, "consultants", path, false); res.Updated != 1 || res.Unchanged != 1 {
			t.Errorf("consultants: %+v", res)
		}
		x := c.Consultant.Query().Where(consultant.Ref("DEMO-CON-1")).OnlyX(ctx)
		if x.Email != "" || x.Bio == "" || len(x.Languages) != 2 {
			t.Errorf("DEMO-CON-1 after emptying its e-mail: %+v", x)
		}
	})
}

func mapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestImportNaturalKeys: countries by alpha-2, alpha-3 or English name in any
// case and without accents, topics and projects by code or name; an
// ambiguous name is refused.
func TestImportNaturalKeys(t *testing.T) {
	db := openSQLite(t)
	importExamples(t, db)
	path := writeFile(t, "keys.csv", `ref,title,kind,type,status,start_date,end_date,venue_country,participants,beneficiaries,providers,topics,project,partners
K-1,Keys,triangular,study visit,completed,2024-01-01,2024-01-02,egy,10,Cote d'Ivoire:5; ECUADOR:3; ken,BRA; Switzerland,patents; creative industries,da_1_10_12_40,demo regional ip network
`)
	res := importFile(t, db, "activities", path, false)
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	got := viewActivity(t, db.Client, "K-1")
	want := activityView{
		Title: "Keys", Kind: "TRIANGULAR", Type: "STUDY_VISIT", Status: "COMPLETED", Start: "2024-01-01", End: "2024-01-02",
		VenueCountry: "EG", Participants: 10, Project: "DA_1_10_12_40", Beneficiaries: []string{"CI:5", "EC:3", "KE"},
		Providers: []string{"BR", "CH"}, Topics: []string{"CREATIVE_INDUSTRIES", "PATENTS"}, Partners: []string{"DEMO-ORG-3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}

	// Two organizations of one name: the name no longer says which.
	twin := writeFile(t, "twin.csv", "name,kind\nDemo Regional IP Network,IGO\n")
	if res := importFile(t, db, "organizations", twin, false); res.Created != 1 {
		t.Fatalf("%+v", res)
	}
	res = importFile(t, db, "activities", path, false)
	if len(res.Problems) != 1 || res.Problems[0].Column != "partners" || !strings.Contains(res.Problems[0].Reason, "2 organizations are named") {
		t.Errorf("ambiguous partner: %+v", res.Problems)
	}
}

// TestImportXLSX imports the first sheet of a workbook.
func TestImportXLSX(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"ref", "name", "kind", "country"},
		{"X-1", "Demo workbook office", "IP_OFFICE", "KEN"},
		{}, // a blank row is skipped
		{"X-2", "Demo workbook university", "university", "Ecuador"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "orgs.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t)
	res := importFile(t, db, "organizations", path, false)
	if len(res.Problems) > 0 || res.Created != 2 {
		t.Fatalf("%+v", res)
	}
	o := db.Client.Organization.Query().Where(organization.Ref("X-2")).WithCountry().OnlyX(context.Background())
	if o.Name != "Demo workbook university" || o.Kind != organization.KindUNIVERSITY || o.Edges.Country.Code != "EC" {
		t.Errorf("X-2 = %+v", o)
	}
	// Line numbers are the sheet's row numbers.
	if err := f.SetCellValue(sheet, "C4", "PALACE"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	res = importFile(t, db, "organizations", path, false)
	if got := problemKeys(res.Problems); !slices.Equal(got, []string{"4 kind"}) {
		t.Errorf("problems %v, want 4 kind", res.Problems)
	}
}

// TestImportPostingStatus: offers and needs change status as the lifecycle lets
// a moderator, and EXPIRED, which is derived, is never written.
func TestImportPostingStatus(t *testing.T) {
	db := openSQLite(t)
	importExamples(t, db)
	path := writeFile(t, "offers.csv", `ref,title,kind,status,provider
DEMO-OFF-1,Demo offer: patent examination training,TECHNICAL,EXPIRED,DEMO-ORG-1
DEMO-OFF-2,Demo offer: funding for registering geographical indications,FINANCIAL,CLOSED,DEMO-ORG-2
DEMO-OFF-3,Demo offer: technology transfer mentoring,PUBLIC_PRIVATE_PARTNERSHIP,MATCHED,DEMO-ORG-4
`)
	res := importFile(t, db, "offers", path, false)
	want := []Problem{
		{2, "status", "EXPIRED cannot be written: an offer is EXPIRED once its expiresAt has passed"},
		{4, "status", "an offer cannot go from CLOSED to MATCHED (OPEN → MATCHED → CLOSED, or OPEN → CLOSED)"},
	}
	if !reflect.DeepEqual(res.Problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, want)
	}
	// Reopening is a moderator's move, which the importer may make.
	path = writeFile(t, "needs.csv", "ref,title,kind,status,seeker,country\nDEMO-NEED-3,Demo need: a copyright awareness campaign,TECHNICAL,OPEN,DEMO-ORG-4,SEN\n")
	if res := importFile(t, db, "needs", path, false); len(res.Problems) > 0 || res.Updated != 1 {
		t.Errorf("reopening a need: %+v", res)
	}
	if s := db.Client.MatchNeed.Query().Where(matchneed.Ref("DEMO-NEED-3")).OnlyX(context.Background()).Status; s != matchneed.StatusOPEN {
		t.Errorf("DEMO-NEED-3 is %s, want OPEN", s)
	}
}
