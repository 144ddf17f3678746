package dataset

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
	"sscgraph/ent/schema/schematype"

	"sscgraph/internal/importer"
)

// sheet is a real sheet read with encoding/csv: its rows by ref, each a
// map from column to cell.
func sheet(t *testing.T, name string) map[string]map[string]string {
	t.Helper()
	rows := readCSV(t, name)
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		rec := map[string]string{}
		for i, h := range rows[0] {
			rec[h] = strings.TrimSpace(r[i])
		}
		if rec["ref"] == "" || out[rec["ref"]] != nil {
			t.Fatalf("%s: ref %q blank or listed twice", name, rec["ref"])
		}
		out[rec["ref"]] = rec
	}
	return out
}

// list splits a "; "-separated cell as the importer does, blanks dropped.
func list(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// TestRealActivities loads the demo set, whose import of data/real comes
// last, and checks the real records against the sheets themselves.
func TestRealActivities(t *testing.T) {
	acts, orgs := sheet(t, realActivitiesFile), sheet(t, realOrganizationsFile)
	forEachDialect(t, DemoSize(), func(t *testing.T, client *ent.Client, stats Stats) {
		ctx := context.Background()
		if stats.RealActivities != len(acts) || stats.RealOrganizations != len(orgs) {
			t.Errorf("Stats: %d real activities, %d real organizations; the sheets have %d and %d rows",
				stats.RealActivities, stats.RealOrganizations, len(acts), len(orgs))
		}
		if want := DemoSize(); stats.Activities != want.Activities || stats.Organizations != want.Organizations {
			t.Errorf("Stats: %d activities, %d organizations; want the demo counts %d and %d",
				stats.Activities, stats.Organizations, want.Activities, want.Organizations)
		}

		real, err := client.Activity.Query().Where(activity.RefIn(activityRefs(acts)...)).
			WithProject().WithOrganizers().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(real) != len(acts) {
			t.Errorf("%d of the sheet's %d activities loaded", len(real), len(acts))
		}
		nReal, err := client.Activity.Query().Where(activity.Demo(false)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if nReal != len(acts) {
			t.Errorf("%d activities have demo = false, want the sheet's %d", nReal, len(acts))
		}
		for _, a := range real {
			row := acts[*a.Ref]
			if a.Demo {
				t.Errorf("real activity %s has demo = true", *a.Ref)
			}
			if a.Title != row["title"] {
				t.Errorf("activity %s: title %q, the sheet says %q", *a.Ref, a.Title, row["title"])
			}
			if len(a.Sources) == 0 || !slices.Equal(a.Sources, list(row["sources"])) {
				t.Errorf("activity %s: sources %q, the sheet says %q", *a.Ref, a.Sources, row["sources"])
			}
			checkDate(t, *a.Ref, "start_date", row["start_date"], a.StartDate, a.StartDatePrecision)
			checkDate(t, *a.Ref, "end_date", row["end_date"], a.EndDate, a.EndDatePrecision)
			// An unknown count is null, never 0.
			if (row["participants"] == "") != (a.Participants == nil) {
				t.Errorf("activity %s: participants %v, the sheet says %q", *a.Ref, a.Participants, row["participants"])
			}
			code := ""
			if p := a.Edges.Project; p != nil {
				code = p.Code
				if p.Demo {
					t.Errorf("real activity %s belongs to demo project %s", *a.Ref, p.Code)
				}
			}
			if code != row["project"] {
				t.Errorf("activity %s: project %q, the sheet says %q", *a.Ref, code, row["project"])
			}
			var organizers []string
			for _, o := range a.Edges.Organizers {
				organizers = append(organizers, *o.Ref)
			}
			slices.Sort(organizers)
			want := list(row["organizers"])
			slices.Sort(want)
			if !slices.Equal(organizers, want) {
				t.Errorf("activity %s: organizers %v, the sheet says %v", *a.Ref, organizers, want)
			}
		}

		// The real organizations: the sheet's rows, each with a source.
		realOrgs, err := client.Organization.Query().Where(organization.Demo(false)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(realOrgs) != len(orgs) {
			t.Errorf("%d organizations have demo = false, want the sheet's %d", len(realOrgs), len(orgs))
		}
		for _, o := range realOrgs {
			row, ok := orgs[*o.Ref]
			if !ok || o.Name != row["name"] || len(o.Sources) == 0 {
				t.Errorf("real organization %s (%q, sources %q) does not match its row %v", *o.Ref, o.Name, o.Sources, row)
			}
		}

		checkProjectsApart(t, client)
	})
}

func activityRefs(rows map[string]map[string]string) []string {
	refs := make([]string, 0, len(rows))
	for ref := range rows {
		refs = append(refs, ref)
	}
	return refs
}

// checkDate compares a stored date and its precision with the sheet's
// cell: YYYY-MM-DD is DAY, YYYY-MM is MONTH (stored as the 1st), YYYY is
// YEAR (stored as 1 January), blank is null.
func checkDate(t *testing.T, ref, col, cell string, got *time.Time, prec schematype.DatePrecision) {
	t.Helper()
	var layout string
	var want schematype.DatePrecision
	switch len(cell) {
	case 0:
		if got != nil {
			t.Errorf("activity %s: %s is %s, the sheet leaves it blank", ref, col, got.Format(time.DateOnly))
		}
		return
	case len("2006-01-02"):
		layout, want = "2006-01-02", schematype.DatePrecisionDay
	case len("2006-01"):
		layout, want = "2006-01", schematype.DatePrecisionMonth
	case len("2006"):
		layout, want = "2006", schematype.DatePrecisionYear
	default:
		t.Fatalf("activity %s: %s %q is none of the three date forms", ref, col, cell)
	}
	if got == nil {
		t.Errorf("activity %s: %s is null, the sheet says %s", ref, col, cell)
		return
	}
	// The rest of the stored date is the period's first day.
	day := got.Format(time.DateOnly)
	if got.Format(layout) != cell || day[len(layout):] != "-01-01"[len(layout)-4:] || prec != want {
		t.Errorf("activity %s: %s %s at precision %s, the sheet says %s", ref, col, day, prec, cell)
	}
}

// checkProjectsApart asserts that demo and real activities never share a
// project: a real project's activities are all real, a demo activity
// belongs to a demo project or to none.
func checkProjectsApart(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	mixed, err := client.Project.Query().Where(project.Demo(false),
		project.HasActivitiesWith(activity.Demo(true))).Select(project.FieldCode).Strings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mixed) > 0 {
		t.Errorf("real projects %v have demo activities", mixed)
	}
	n, err := client.Activity.Query().Where(activity.Demo(true), activity.HasProjectWith(project.Demo(false))).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Errorf("%d demo activities belong to a real project", n)
	}
}

// TestDemoActivitiesOnDemoProjectsOnly: at sizes with and without demo
// projects, no demo activity is filed under a real project.
func TestDemoActivitiesOnDemoProjectsOnly(t *testing.T) {
	ctx := context.Background()
	for _, size := range []Size{
		{Projects: 3, Organizations: 10, Consultants: 10, Activities: 300},
		{Activities: 100},
	} {
		client, _, _ := loadTestDB(t, size, DefaultSeed)
		checkProjectsApart(t, client)
		linked, err := client.Activity.Query().Where(activity.Demo(true), activity.HasProject()).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if size.Projects == 0 && linked != 0 {
			t.Errorf("%+v: %d demo activities belong to a project, but there is no demo project", size, linked)
		}
		if size.Projects > 0 && linked == 0 {
			t.Errorf("%+v: no demo activity belongs to a demo project", size)
		}
	}
}

// TestLoadTwiceRefused: a second Load into a loaded database is refused
// and writes nothing, on both databases (the real import runs last, so a
// refusal before it must not leave a second copy of the real activities).
func TestLoadTwiceRefused(t *testing.T) {
	forEachDialect(t, Size{}, func(t *testing.T, client *ent.Client, stats Stats) {
		ctx := context.Background()
		_, err := LoadWith(ctx, client, Size{}, DefaultSeed, importer.Sheet)
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("second Load = %v, want ErrNotEmpty", err)
		}
		n, err := client.Activity.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != stats.RealActivities || n != csvRows(t, realActivitiesFile) {
			t.Errorf("%d activities after the refused Load, want the %d real ones", n, stats.RealActivities)
		}
	})
}

// TestSouthSouthProjectFacts: the SSC project's sourced facts come back
// from the database with their figures, periods and sources, both end
// years among them.
func TestSouthSouthProjectFacts(t *testing.T) {
	const (
		unossc = "https://www.unsouthsouth.org/2016/12/19/wipo-at-global-south-south-development-expo-2016/"
		cdip   = "CDIP/17/4"
	)
	forEachDialect(t, Size{}, func(t *testing.T, client *ent.Client, _ Stats) {
		p, err := client.Project.Query().Where(project.Code("SSCG_SOUTH_SOUTH_COOPERATION")).Only(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Facts) != 4 {
			t.Fatalf("%d facts, want 4: %+v", len(p.Facts), p.Facts)
		}
		byPeriod := map[string]schematype.SourcedFact{}
		for _, f := range p.Facts {
			if f.Statement == "" || len(f.Sources) == 0 {
				t.Errorf("fact without statement or source: %+v", f)
			}
			byPeriod[f.Period] = f
		}
		mapping := byPeriod["2014-2015"]
		if mapping.Figure == nil || *mapping.Figure != 83 || !slices.Contains(mapping.Sources, unossc) ||
			!slices.Contains(mapping.Sources, cdip) || !strings.Contains(mapping.Statement, "83") {
			t.Errorf("mapping fact %+v", mapping)
		}
		budget := byPeriod[""]
		if budget.Figure == nil || *budget.Figure != 1.5 || !slices.Equal(budget.Sources, []string{unossc}) {
			t.Errorf("budget-share fact %+v", budget)
		}
		// Both end years, each with what says it.
		if f := byPeriod["2012-2013"]; !slices.Contains(f.Sources, "https://kait2.ip-watch.org/?p=32983") ||
			!slices.Contains(f.Sources, "http://www.tcbresourceguide.org/vol1/multilateral_services/south-south/wipo.html") {
			t.Errorf("two-year fact %+v", f)
		}
		if f := byPeriod["2012-2015"]; !slices.Contains(f.Sources, cdip) {
			t.Errorf("CDIP/17/4 period fact %+v", f)
		}
		if !strings.Contains(p.Note, "disagree") || !strings.Contains(p.Note, "facts") {
			t.Errorf("note does not say the sources disagree and where both are: %q", p.Note)
		}
		// The project's own years stay the two-year reading.
		if p.StartDate == nil || p.StartDate.Year() != 2012 || p.EndDate == nil || p.EndDate.Year() != 2013 {
			t.Errorf("years %v-%v, want 2012-2013", p.StartDate, p.EndDate)
		}
	})
}

// TestProjectFactsNeedStatementAndSource: readFacts refuses a sourced fact
// that says nothing or names no source.
func TestProjectFactsNeedStatementAndSource(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*schematype.SourcedFact)
		want   string
	}{
		{"no statement", func(f *schematype.SourcedFact) { f.Statement = " " }, "no statement"},
		{"no source", func(f *schematype.SourcedFact) { f.Sources = nil }, "no source"},
		{"blank source", func(f *schematype.SourcedFact) { f.Sources = append(f.Sources, "") }, "blank source"},
		{"source twice", func(f *schematype.SourcedFact) { f.Sources = append(f.Sources, f.Sources[0]) }, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readFacts()
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(f.Projects, func(p projectFact) bool { return len(p.Facts) > 0 })
			if i < 0 {
				t.Fatal("no project has facts")
			}
			p := &f.Projects[i]
			tt.break_(&p.Facts[0])
			err = f.check()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p.Code) {
				t.Fatalf("check() = %v, want an error naming %s and containing %q", err, p.Code, tt.want)
			}
		})
	}
}

// TestLoadRefusesBadRealSheets: a real sheet the loader must not ship
// fails Load with an error naming the row, and leaves the database empty.
func TestLoadRefusesBadRealSheets(t *testing.T) {
	orgs, err := os.ReadFile(realOrganizationsFile)
	if err != nil {
		t.Fatal(err)
	}
	acts := readCSV(t, realActivitiesFile)
	col := func(name string) int {
		i := slices.Index(acts[0], name)
		if i < 0 {
			t.Fatalf("%s has no column %s", realActivitiesFile, name)
		}
		return i
	}
	tests := []struct {
		name   string
		break_ func(row []string)
		want   []string
	}{
		{"no source", func(row []string) { row[col("sources")] = "" }, []string{"no source", acts[1][col("ref")]}},
		{"demo row", func(row []string) { row[col("demo")] = "true" }, []string{"demo = false"}},
		{"unknown country", func(row []string) { row[col("venue_country")] = "XX" }, []string{"line 2", "venue_country"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([][]string, len(acts))
			for i, r := range acts {
				rows[i] = slices.Clone(r)
			}
			tt.break_(rows[1])
			var b strings.Builder
			w := csv.NewWriter(&b)
			if err := w.WriteAll(rows); err != nil {
				t.Fatal(err)
			}
			saved := realFS
			t.Cleanup(func() { realFS = saved })
			realFS = fstest.MapFS{
				realOrganizationsFile: {Data: orgs},
				realActivitiesFile:    {Data: []byte(b.String())},
			}
			client, _ := openTestDB(t)
			_, err := LoadWith(context.Background(), client, Size{}, DefaultSeed, importer.Sheet)
			if err == nil {
				t.Fatal("Load accepted the sheet")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Load = %v, want an error containing %q", err, want)
				}
			}
			if n, err := client.Region.Query().Count(context.Background()); err != nil || n != 0 {
				t.Errorf("%d regions after the failed Load (%v), want none", n, err)
			}
		})
	}
}
