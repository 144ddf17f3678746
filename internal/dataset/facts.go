package dataset

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
)

// The real facts, committed as JSON so that building and running sscgraph
// needs nothing else. gencountries documents how countries.json was made.
//
//go:embed data/regions.json data/countries.json data/topics.json data/recommendations.json data/projects.json
var dataFS embed.FS

// developedRegion is the pseudo-bureau of the developed countries; every
// other bureau's countries count as developing.
const developedRegion = "DEVELOPED"

type regionFact struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

type countryFact struct {
	Code         string `json:"code"`
	ISO3         string `json:"iso3"`
	Numeric      string `json:"numeric"` // ISO 3166-1 numeric code, three digits (see gencountries)
	Name         string `json:"name"`
	OfficialName string `json:"officialName"`
	// Names is the short name in the other five UN languages, from
	// iso-codes' translations (see gencountries).
	Names     countryNames `json:"names"`
	Region    string       `json:"region"`
	LDC       bool         `json:"ldc"`
	Latitude  float64      `json:"latitude"`
	Longitude float64      `json:"longitude"`
	Sovereign bool         `json:"sovereign"`
	// Note explains sscgraph's judgement on the record (see gencountries).
	Note string `json:"note"`
}

// countryNames holds a country's name per language; a language without a
// translation is empty (and absent from the file).
type countryNames struct {
	Ar string `json:"ar"`
	Es string `json:"es"`
	Fr string `json:"fr"`
	Ru string `json:"ru"`
	Zh string `json:"zh"`
}

type topicFact struct {
	Code        string     `json:"code"`
	Name        string     `json:"name"`
	Kind        topic.Kind `json:"kind"`
	Description string     `json:"description"`
}

type recommendationFact struct {
	Number  int                    `json:"number"`
	Cluster recommendation.Cluster `json:"cluster"`
	Title   string                 `json:"title"`
}

type projectFact struct {
	Code    string         `json:"code"`
	Title   string         `json:"title"`
	Summary string         `json:"summary"`
	Status  project.Status `json:"status"`
	// StartYear and EndYear are 0 when unknown.
	StartYear int      `json:"startYear"`
	EndYear   int      `json:"endYear"`
	Budget    *float64 `json:"budget"`
	Documents []string `json:"documents"`
	// Sources is what supports the record: every CDIP document symbol the
	// inventory gives (Documents are among them) and the address of a page
	// where the text was read. Every project in projects.json is real, and
	// a real project must have at least one.
	Sources         []string `json:"sources"`
	Recommendations []int    `json:"recommendations"`
	Countries       []string `json:"countries"`
	Topics          []string `json:"topics"`
	Note            string   `json:"note"`
	// Facts are sourced statements about the project that its fields do
	// not hold: figures from a mapping, or each side of a disagreement
	// between sources (two end years), kept with the documents that say
	// it rather than settled here. Each needs a statement and a source.
	Facts []schematype.SourcedFact `json:"facts"`
}

// facts is the content of data/*.json, in file order.
type facts struct {
	Regions         []regionFact
	Countries       []countryFact
	Topics          []topicFact
	Recommendations []recommendationFact
	Projects        []projectFact
}

// readFacts decodes the embedded files and checks them: unique keys, known
// enum values and references that resolve. An error names the file and the
// offending record.
func readFacts() (*facts, error) {
	var f facts
	files := []struct {
		name string
		v    any
	}{
		{"regions.json", &f.Regions},
		{"countries.json", &f.Countries},
		{"topics.json", &f.Topics},
		{"recommendations.json", &f.Recommendations},
		{"projects.json", &f.Projects},
	}
	for _, file := range files {
		if err := decodeFile("data/"+file.name, file.v); err != nil {
			return nil, err
		}
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// decodeFile decodes one embedded JSON file strictly: an unknown field is
// most likely a typo that would otherwise silently drop a fact.
func decodeFile(name string, v any) error {
	data, err := dataFS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding %s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("decoding %s: trailing data after the JSON value", name)
	}
	return nil
}

// check validates the facts against each other and against the model's
// enums, so that Load fails before writing anything.
func (f *facts) check() error {
	regions := map[string]bool{}
	for i, r := range f.Regions {
		if r.Code == "" || r.Name == "" {
			return fmt.Errorf("regions.json: record %d: code and name are required", i)
		}
		if regions[r.Code] {
			return fmt.Errorf("regions.json: region %s listed twice", r.Code)
		}
		regions[r.Code] = true
	}
	if !regions[developedRegion] {
		return fmt.Errorf("regions.json: no %s region; developing and developed countries cannot be told apart", developedRegion)
	}

	countries := map[string]bool{}
	iso3 := map[string]bool{}
	for i, c := range f.Countries {
		if c.Code == "" || c.ISO3 == "" || c.Name == "" {
			return fmt.Errorf("countries.json: record %d: code, iso3 and name are required", i)
		}
		if countries[c.Code] {
			return fmt.Errorf("countries.json: country %s listed twice", c.Code)
		}
		if iso3[c.ISO3] {
			return fmt.Errorf("countries.json: alpha-3 code %s listed twice", c.ISO3)
		}
		if !regions[c.Region] {
			return fmt.Errorf("countries.json: country %s: unknown region %q", c.Code, c.Region)
		}
		countries[c.Code], iso3[c.ISO3] = true, true
	}

	topics := map[string]bool{}
	for i, t := range f.Topics {
		if t.Code == "" || t.Name == "" {
			return fmt.Errorf("topics.json: record %d: code and name are required", i)
		}
		if topics[t.Code] {
			return fmt.Errorf("topics.json: topic %s listed twice", t.Code)
		}
		if err := topic.KindValidator(t.Kind); err != nil {
			return fmt.Errorf("topics.json: topic %s: %w", t.Code, err)
		}
		topics[t.Code] = true
	}

	recs := map[int]bool{}
	for _, r := range f.Recommendations {
		if recs[r.Number] {
			return fmt.Errorf("recommendations.json: recommendation %d listed twice", r.Number)
		}
		if err := recommendation.ClusterValidator(r.Cluster); err != nil {
			return fmt.Errorf("recommendations.json: recommendation %d: %w", r.Number, err)
		}
		if r.Title == "" {
			return fmt.Errorf("recommendations.json: recommendation %d: title is required", r.Number)
		}
		recs[r.Number] = true
	}

	codes := map[string]bool{}
	for i, p := range f.Projects {
		if p.Code == "" || p.Title == "" {
			return fmt.Errorf("projects.json: record %d: code and title are required", i)
		}
		if codes[p.Code] {
			return fmt.Errorf("projects.json: project %s listed twice", p.Code)
		}
		codes[p.Code] = true
		if err := project.StatusValidator(p.Status); err != nil {
			return fmt.Errorf("projects.json: project %s: %w", p.Code, err)
		}
		if p.StartYear != 0 && p.EndYear != 0 && p.EndYear < p.StartYear {
			return fmt.Errorf("projects.json: project %s: ends (%d) before it starts (%d)", p.Code, p.EndYear, p.StartYear)
		}
		for _, n := range p.Recommendations {
			if !recs[n] {
				return fmt.Errorf("projects.json: project %s: unknown recommendation %d", p.Code, n)
			}
		}
		for _, c := range p.Countries {
			if !countries[c] {
				return fmt.Errorf("projects.json: project %s: unknown country %q", p.Code, c)
			}
		}
		for _, t := range p.Topics {
			if !topics[t] {
				return fmt.Errorf("projects.json: project %s: unknown topic %q", p.Code, t)
			}
		}
		if err := noDuplicates(p.Countries); err != nil {
			return fmt.Errorf("projects.json: project %s: countries: %w", p.Code, err)
		}
		if err := noDuplicates(p.Topics); err != nil {
			return fmt.Errorf("projects.json: project %s: topics: %w", p.Code, err)
		}
		if err := noDuplicates(p.Recommendations); err != nil {
			return fmt.Errorf("projects.json: project %s: recommendations: %w", p.Code, err)
		}
		if err := checkSources(p); err != nil {
			return fmt.Errorf("projects.json: project %s: %w", p.Code, err)
		}
		for k, fact := range p.Facts {
			if err := checkFact(fact); err != nil {
				return fmt.Errorf("projects.json: project %s: fact %d: %w", p.Code, k+1, err)
			}
		}
	}
	return nil
}

// checkFact requires a project's sourced fact to say something and what
// says it: a statement and at least one source, none blank or twice.
func checkFact(f schematype.SourcedFact) error {
	if strings.TrimSpace(f.Statement) == "" {
		return errors.New("no statement")
	}
	if len(f.Sources) == 0 {
		return fmt.Errorf("%q has no source", f.Statement)
	}
	for _, s := range f.Sources {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%q has a blank source", f.Statement)
		}
	}
	if err := noDuplicates(f.Sources); err != nil {
		return fmt.Errorf("%q: sources: %w", f.Statement, err)
	}
	return nil
}

// checkSources requires a real project to say what supports it: at least
// one source, none blank or listed twice, and every CDIP document among
// them.
func checkSources(p projectFact) error {
	if len(p.Sources) == 0 {
		return errors.New("no source: a real project needs at least one (a CDIP document symbol or a page address)")
	}
	sources := make(map[string]bool, len(p.Sources))
	for _, s := range p.Sources {
		if strings.TrimSpace(s) == "" {
			return errors.New("blank source")
		}
		sources[s] = true
	}
	if err := noDuplicates(p.Sources); err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	for _, d := range p.Documents {
		if !sources[d] {
			return fmt.Errorf("document %s is not among its sources", d)
		}
	}
	return nil
}

// noDuplicates reports a value listed twice; a join table would reject it.
func noDuplicates[T comparable](vs []T) error {
	seen := make(map[T]bool, len(vs))
	for _, v := range vs {
		if seen[v] {
			return fmt.Errorf("%v listed twice", v)
		}
		seen[v] = true
	}
	return nil
}
