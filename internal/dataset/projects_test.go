package dataset

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"sscgraph/ent/project"
)

// The real projects: the 34 rows of the sourced DA project inventory
// (da-projects.md), 9 with the programme's own code and 25 with an
// sscgraph code (SSCG_...).
const (
	realProjects      = 34
	realConfirmedCode = 9
)

// TestProjectFactsNeedSources breaks one project's sources at a time: check
// must refuse a real project that does not say what supports it.
func TestProjectFactsNeedSources(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*projectFact)
		want   string
	}{
		{"no source", func(p *projectFact) { p.Sources = nil }, "no source"},
		{"empty list", func(p *projectFact) { p.Sources = []string{} }, "no source"},
		{"blank source", func(p *projectFact) { p.Sources = append(p.Sources, " ") }, "blank source"},
		{"source twice", func(p *projectFact) { p.Sources = append(p.Sources, p.Sources[0]) }, "listed twice"},
		{"document not a source", func(p *projectFact) { p.Documents = append(p.Documents, "CDIP/99/1") }, "CDIP/99/1 is not among its sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readFacts()
			if err != nil {
				t.Fatal(err)
			}
			p := &f.Projects[len(f.Projects)-1]
			tt.break_(p)
			err = f.check()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p.Code) {
				t.Fatalf("check() = %v, want an error naming %s and containing %q", err, p.Code, tt.want)
			}
		})
	}
}

// TestRealProjects loads the real facts and a few demo projects into SQLite
// and checks the projects against the inventory, fact by fact.
func TestRealProjects(t *testing.T) {
	ctx := context.Background()
	const demoProjects = 3
	client, _, _ := loadTestDB(t, Size{Projects: demoProjects}, DefaultSeed)

	real, err := client.Project.Query().Where(project.Demo(false)).
		WithCountries().WithRecommendations().Order(project.ByCode()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(real) != realProjects {
		t.Errorf("%d real projects, want %d", len(real), realProjects)
	}
	confirmed := 0
	for _, p := range real {
		if len(p.Sources) == 0 {
			t.Errorf("real project %s has no source", p.Code)
		}
		for _, d := range p.Documents {
			if !slices.Contains(p.Sources, d) {
				t.Errorf("project %s: document %s is not among its sources %v", p.Code, d, p.Sources)
			}
		}
		if strings.HasPrefix(p.Code, "SSCG_") {
			if !strings.Contains(p.Note, "is sscgraph's identifier, not the programme's") {
				t.Errorf("project %s: note does not say the code is sscgraph's: %q", p.Code, p.Note)
			}
		} else {
			confirmed++
		}
		if p.Status != project.StatusUNKNOWN && !strings.Contains(p.Note, "Status "+p.Status.String()) {
			t.Errorf("project %s: status %s, but the note does not say what it rests on: %q", p.Code, p.Status, p.Note)
		}
	}
	if confirmed != realConfirmedCode {
		t.Errorf("%d real projects with the programme's code, want %d", confirmed, realConfirmedCode)
	}

	demo, err := client.Project.Query().Where(project.Demo(true)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(demo) != demoProjects {
		t.Errorf("%d demo projects, want %d", len(demo), demoProjects)
	}
	for _, p := range demo {
		if p.Sources == nil || len(p.Sources) != 0 || p.Note != demoNote || !strings.HasPrefix(p.Code, "DEMO_P") {
			t.Errorf("demo project %s: sources %#v, note %q", p.Code, p.Sources, p.Note)
		}
	}

	byCode := map[string]int{}
	for i, p := range real {
		byCode[p.Code] = i
	}
	budget := func(f float64) *float64 { return &f }
	// Facts exactly as the inventory gives them; "" and nil mean none.
	tests := []struct {
		code            string
		countries       string // sorted alpha-2 codes
		recommendations []int
		status          project.Status
		startYear       int // 0: not given
		endYear         int
		budget          *float64
		source          string // one source the record must list
	}{
		// Row 26: the document's table gives 1, 10, 12, 40 (its heading's 4 is uncertain).
		{"DA_1_10_12_40", "EC,EG,LK,NA", []int{1, 10, 12, 40}, project.StatusCOMPLETED, 2016, 2018, nil, "CDIP/24/10"},
		// Row 31.
		{"DA_1_10_12_19_31_01", "OM,PK,UG", []int{1, 10, 12, 19, 31}, project.StatusUNKNOWN, 0, 0, nil, "wipo.int/sme/en/news/2021/news_0002.html"},
		// Row 14: completed end of 2013; Brazil from a country study.
		{"DA_35_37_01", "BR", []int{35, 37}, project.StatusCOMPLETED, 0, 2013, nil, "CDIP/5/7 Rev.1"},
		// Row 15: proposal with budget, later evaluated.
		{"DA_35_37_02", "", []int{35, 37}, project.StatusCOMPLETED, 0, 0, budget(801000), "CDIP/22/9"},
		// Row 13: proposal and a progress report only.
		{"DA_19_30_31_03", "", []int{19, 30, 31}, project.StatusUNKNOWN, 0, 0, budget(467792), "CDIP/13/9"},
		// Row 7: everything but the title and a progress report "not seen".
		{"SSCG_SMART_IP_INSTITUTIONS", "", nil, project.StatusUNKNOWN, 0, 0, nil, "CDIP/8/2"},
		// Row 3: Apr 2009 - Apr 2012, evaluated.
		{"SSCG_SPECIALIZED_DATABASES_PHASE_I", "", []int{8}, project.StatusCOMPLETED, 2009, 2012, nil, "studylib.net/doc/6619521"},
		// Row 2: completed 2011 (the primary document), not 2012.
		{"SSCG_IP_DMD", "", nil, project.StatusCOMPLETED, 2009, 2011, nil, "southsouth-galaxy.org/featured-partner/wipo/"},
		// Row 6: to December 2013.
		{"SSCG_STARTUP_IP_ACADEMIES_PHASE_II", "CO,DO,EG,ET,PE,TN", nil, project.StatusCOMPLETED, 0, 2013, nil, "CDIP/14/4"},
		// Row 16: a Sri Lanka study does not make Sri Lanka a beneficiary.
		{"SSCG_TECH_TRANSFER_COMMON_CHALLENGES", "", []int{19, 25, 26, 28}, project.StatusCOMPLETED, 0, 0, nil, "CDIP/16/3"},
		// Row 34: no CDIP symbol, a page only.
		{"SSCG_COLLECTIVE_MARKS", "BO,BR,PH,TN", nil, project.StatusUNKNOWN, 0, 0, nil, "wipo.int/collective-marks/en/"},
		// Row 27 is the design management pilot already shipped.
		{"DA_4_10_02", "AR,MA", []int{4, 10}, project.StatusCOMPLETED, 2014, 2016, nil, "CDIP/19/4"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			i, ok := byCode[tt.code]
			if !ok {
				t.Fatalf("project %s not loaded", tt.code)
			}
			p := real[i]
			var countries []string
			for _, c := range p.Edges.Countries {
				countries = append(countries, c.Code)
			}
			sort.Strings(countries)
			if got := strings.Join(countries, ","); got != tt.countries {
				t.Errorf("countries %q, want %q", got, tt.countries)
			}
			var recs []int
			for _, r := range p.Edges.Recommendations {
				recs = append(recs, r.Number)
			}
			sort.Ints(recs)
			if !slices.Equal(recs, tt.recommendations) {
				t.Errorf("recommendations %v, want %v", recs, tt.recommendations)
			}
			if p.Status != tt.status {
				t.Errorf("status %s, want %s", p.Status, tt.status)
			}
			start, end := 0, 0
			if p.StartDate != nil {
				start = p.StartDate.Year()
			}
			if p.EndDate != nil {
				end = p.EndDate.Year()
			}
			if start != tt.startYear || end != tt.endYear {
				t.Errorf("years %d-%d, want %d-%d (0: not given)", start, end, tt.startYear, tt.endYear)
			}
			if (p.Budget == nil) != (tt.budget == nil) || p.Budget != nil && *p.Budget != *tt.budget {
				t.Errorf("budget %v, want %v", p.Budget, tt.budget)
			}
			if !slices.Contains(p.Sources, tt.source) {
				t.Errorf("sources %v lack %q", p.Sources, tt.source)
			}
		})
	}
}
