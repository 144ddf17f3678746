package dataset

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/organization"
	_ "sscgraph/ent/runtime" // the schema's policies and defaults, for clients opened by callers
	"sscgraph/internal/viewer"
)

// chunkSize is how many records one bulk INSERT writes. The widest table
// (activities, 13 columns) then binds 13,000 parameters, and the largest
// join-table statement of a chunk (at most 5 rows per record, 2 columns)
// 10,000: both well under SQLite's limit of 32,766 bound parameters and
// PostgreSQL's 65,535.
const chunkSize = 1000

// ErrNotEmpty is returned (wrapped) by Load when the database already holds
// data.
var ErrNotEmpty = errors.New("database already holds regions")

// Load writes the real facts and size's demo records into an empty
// database, without the real activities: LoadWith with no importer. It is
// for tests that need the demo world but not the shipped record (the
// importer's own, which LoadWith cannot serve).
func Load(ctx context.Context, client *ent.Client, size Size, seed uint64) (Stats, error) {
	return LoadWith(ctx, client, size, seed, nil)
}

// LoadWith writes the real facts, then size's demo records, then, through
// sheets (importer.Sheet), the real organizations and activities
// (data/real) into an empty database, deterministically from seed: the
// same seed and size give byte-identical rows written in the same order,
// hence the same auto-increment keys. This is the dataset `serve` and
// `seed` ship. It returns an error wrapping ErrNotEmpty if the database
// already holds regions.
//
// Everything is written in one transaction, so a failed load leaves the
// database empty and can simply be retried.
func LoadWith(ctx context.Context, client *ent.Client, size Size, seed uint64, sheets SheetImporter) (Stats, error) {
	// The loader is sscgraph itself writing its initial dataset, not a
	// caller: the schema's rules let it through, and it is not a change
	// the audit trail records.
	ctx = viewer.WithSystem(ctx, viewer.System{Name: "DATASET"})
	if err := size.validate(); err != nil {
		return Stats{}, fmt.Errorf("load dataset: %w", err)
	}
	f, err := readFacts()
	if err != nil {
		return Stats{}, fmt.Errorf("load dataset: %w", err)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("load dataset: begin transaction: %w", err)
	}
	stats, err := load(ctx, tx, f, size, seed, sheets)
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return Stats{}, fmt.Errorf("load dataset: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Stats{}, fmt.Errorf("load dataset: commit: %w", err)
	}
	return stats, nil
}

func load(ctx context.Context, tx *ent.Tx, f *facts, size Size, seed uint64, sheets SheetImporter) (Stats, error) {
	exists, err := tx.Region.Query().Exist(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("checking for existing regions: %w", err)
	}
	if exists {
		return Stats{}, ErrNotEmpty
	}
	w := &world{tx: tx, size: size, seed: seed, sheets: sheets}
	steps := []struct {
		what string
		run  func(context.Context, *facts) error
	}{
		{"regions", w.loadRegions},
		{"countries", w.loadCountries},
		{"topics", w.loadTopics},
		{"recommendations", w.loadRecommendations},
		{"projects", w.loadProjects},
		{"demo projects", w.genProjects},
		{"demo organizations", w.genOrganizations},
		{"demo consultants", w.genConsultants},
		{"demo activities", w.genActivities},
		{"demo offers", w.genOffers},
		{"demo needs", w.genNeeds},
		{"demo matches", w.genMatches},
		// The real activities and their organizations come last, so that
		// the demo records keep the keys they had before real activities
		// were shipped (keys are allocated in write order).
		{"real organizations", w.loadRealOrganizations},
		{"real activities", w.loadRealActivities},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return Stats{}, err
		}
		if err := s.run(ctx, f); err != nil {
			return Stats{}, fmt.Errorf("loading %s: %w", s.what, err)
		}
	}
	return w.stats, nil
}

// insertAll creates n records in chunks of chunkSize through ent's bulk
// builder and returns their keys in creation order. Keys come from the
// database (each type owns a key range), never from counting.
func insertAll[B any, E any](ctx context.Context, n int,
	build func(i int) (B, error),
	save func(context.Context, ...B) ([]E, error),
	key func(E) int,
) ([]int, error) {
	ids := make([]int, 0, n)
	batch := make([]B, 0, min(n, chunkSize))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		saved, err := save(ctx, batch...)
		if err != nil {
			return fmt.Errorf("records %d-%d: %w", len(ids)+1, len(ids)+len(batch), err)
		}
		if len(saved) != len(batch) {
			return fmt.Errorf("records %d-%d: %d saved", len(ids)+1, len(ids)+len(batch), len(saved))
		}
		for _, e := range saved {
			ids = append(ids, key(e))
		}
		clear(batch) // let the builders be collected
		batch = batch[:0]
		return nil
	}
	for i := range n {
		b, err := build(i)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, err)
		}
		batch = append(batch, b)
		if len(batch) == chunkSize {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return ids, nil
}

// Records as the generator remembers them: just what later tables need.
type (
	regionRec struct {
		id   int
		code string
		name string
	}
	countryRec struct {
		id         int
		code       string
		title      string // for titles: "Democratic Republic of the Congo"
		ref        string // inside a sentence: "the Democratic Republic of the Congo"
		region     string
		developing bool
		sovereign  bool
	}
	topicRec struct {
		id   int
		code string
		name string
	}
	projectRec struct {
		id                 int
		code               string
		startYear, endYear int  // 0 when unknown
		demo               bool // invented (DEMO_P...), not from projects.json
		countries          []int
		topics             []int
	}
	orgRec struct {
		id      int
		name    string // without the "(demo)" label
		kind    organization.Kind
		country int // index into world.countries, -1 for none
	}
	offerRec struct {
		id       int
		provider int // index into world.orgs
		topics   []int
		posted   time.Time
	}
	needRec struct {
		id      int
		seeker  int // index into world.orgs
		country int
		topics  []int
		posted  time.Time
	}
)

// world holds the loader's state: the transaction, the records written so
// far and the indexes the generator draws from.
type world struct {
	tx    *ent.Tx
	size  Size
	seed  uint64
	stats Stats
	// sheets imports the real sheets; nil loads none (Load).
	sheets SheetImporter

	regions       []regionRec
	regionByCode  map[string]int
	countries     []countryRec
	countryByCode map[string]int
	topics        []topicRec
	topicByCode   map[string]int
	recs          []int // keys of the recommendations, in file order
	recByNumber   map[int]int
	projects      []projectRec
	demoProjects  []int // indexes into projects of the invented ones

	// Demo picks use sovereign countries only: an activity in Bouvet Island
	// would look like a bug.
	developing       []int
	developed        []int
	devByRegion      map[string][]int // developing countries per bureau
	ldcByRegion      map[string][]int // LDCs per bureau, and all under ""
	developingRegion []string         // bureaus other than DEVELOPED, in file order

	orgs          []orgRec
	orgsByCountry map[int][]int
	orgsDevCtry   []int // organizations in developing countries
	igos          []int

	consultants        []int
	consultantsByTopic [][]int

	offers []offerRec
	needs  []needRec
}

func (w *world) loadRegions(ctx context.Context, f *facts) error {
	ids, err := insertAll(ctx, len(f.Regions),
		func(i int) (*ent.RegionCreate, error) {
			r := f.Regions[i]
			b := w.tx.Region.Create().SetCode(r.Code).SetName(r.Name)
			if r.Description != "" {
				b.SetDescription(r.Description)
			}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.RegionCreate) ([]*ent.Region, error) {
			return w.tx.Region.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Region) int { return e.ID })
	if err != nil {
		return err
	}
	w.regionByCode = make(map[string]int, len(ids))
	w.devByRegion = map[string][]int{}
	w.ldcByRegion = map[string][]int{}
	for i, r := range f.Regions {
		w.regions = append(w.regions, regionRec{id: ids[i], code: r.Code, name: r.Name})
		w.regionByCode[r.Code] = i
		if r.Code != developedRegion {
			w.developingRegion = append(w.developingRegion, r.Code)
		}
	}
	w.stats.Regions = len(ids)
	return nil
}

func (w *world) loadCountries(ctx context.Context, f *facts) error {
	ids, err := insertAll(ctx, len(f.Countries),
		func(i int) (*ent.CountryCreate, error) {
			c := f.Countries[i]
			b := w.tx.Country.Create().
				SetCode(c.Code).SetIso3(c.ISO3).SetName(c.Name).
				SetLdc(c.LDC).SetSovereign(c.Sovereign).
				SetLatitude(c.Latitude).SetLongitude(c.Longitude).
				SetRegionID(w.regions[w.regionByCode[c.Region]].id)
			if c.OfficialName != "" {
				b.SetOfficialName(c.OfficialName)
			}
			// Every entry has one today; an entry without one stays NULL
			// rather than failing the schema's three-digit rule.
			if c.Numeric != "" {
				b.SetNumericCode(c.Numeric)
			}
			for _, n := range []struct {
				name string
				set  func(string) *ent.CountryCreate
			}{
				{c.Names.Ar, b.SetNameAr}, {c.Names.Es, b.SetNameEs}, {c.Names.Fr, b.SetNameFr},
				{c.Names.Ru, b.SetNameRu}, {c.Names.Zh, b.SetNameZh},
			} {
				if n.name != "" {
					n.set(n.name)
				}
			}
			if c.Note != "" {
				b.SetNote(c.Note)
			}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.CountryCreate) ([]*ent.Country, error) {
			return w.tx.Country.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Country) int { return e.ID })
	if err != nil {
		return err
	}
	w.countryByCode = make(map[string]int, len(ids))
	for i, c := range f.Countries {
		title, ref := displayNames(c.Code, c.Name)
		rec := countryRec{
			id: ids[i], code: c.Code, title: title, ref: ref,
			region: c.Region, developing: c.Region != developedRegion, sovereign: c.Sovereign,
		}
		w.countries = append(w.countries, rec)
		w.countryByCode[c.Code] = i
		if !c.Sovereign {
			continue
		}
		if rec.developing {
			w.developing = append(w.developing, i)
			w.devByRegion[c.Region] = append(w.devByRegion[c.Region], i)
			if c.LDC {
				w.ldcByRegion[""] = append(w.ldcByRegion[""], i)
				w.ldcByRegion[c.Region] = append(w.ldcByRegion[c.Region], i)
			}
		} else {
			w.developed = append(w.developed, i)
		}
	}
	w.stats.Countries = len(ids)
	return nil
}

// displayNames turns an ISO name into the forms titles and sentences need:
// "Congo, The Democratic Republic of the" becomes "Democratic Republic of
// the Congo" and, inside a sentence, "the Democratic Republic of the Congo".
func displayNames(code, name string) (title, ref string) {
	title = name
	if head, tail, ok := strings.Cut(name, ", "); ok {
		title = tail + " " + head
	}
	article := theNames[code]
	if rest, ok := strings.CutPrefix(title, "The "); ok {
		title, article = rest, true
	}
	ref = title
	if article {
		ref = "the " + title
	}
	return title, ref
}

func (w *world) loadTopics(ctx context.Context, f *facts) error {
	ids, err := insertAll(ctx, len(f.Topics),
		func(i int) (*ent.TopicCreate, error) {
			t := f.Topics[i]
			b := w.tx.Topic.Create().SetCode(t.Code).SetName(t.Name).SetKind(t.Kind)
			if t.Description != "" {
				b.SetDescription(t.Description)
			}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.TopicCreate) ([]*ent.Topic, error) {
			return w.tx.Topic.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Topic) int { return e.ID })
	if err != nil {
		return err
	}
	w.topicByCode = make(map[string]int, len(ids))
	for i, t := range f.Topics {
		w.topics = append(w.topics, topicRec{id: ids[i], code: t.Code, name: t.Name})
		w.topicByCode[t.Code] = i
	}
	w.stats.Topics = len(ids)
	return nil
}

func (w *world) loadRecommendations(ctx context.Context, f *facts) error {
	ids, err := insertAll(ctx, len(f.Recommendations),
		func(i int) (*ent.RecommendationCreate, error) {
			r := f.Recommendations[i]
			return w.tx.Recommendation.Create().SetNumber(r.Number).SetCluster(r.Cluster).SetTitle(r.Title), nil
		},
		func(ctx context.Context, bs ...*ent.RecommendationCreate) ([]*ent.Recommendation, error) {
			return w.tx.Recommendation.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Recommendation) int { return e.ID })
	if err != nil {
		return err
	}
	w.recs = ids
	w.recByNumber = make(map[int]int, len(ids))
	for i, r := range f.Recommendations {
		w.recByNumber[r.Number] = ids[i]
	}
	w.stats.Recommendations = len(ids)
	return nil
}

// loadProjects writes the real DA projects with their sources. Years become
// 1 January of the start year and 31 December of the end year: the facts
// give years only, and a year the sources do not give stays unset.
func (w *world) loadProjects(ctx context.Context, f *facts) error {
	recs := make([]projectRec, len(f.Projects))
	ids, err := insertAll(ctx, len(f.Projects),
		func(i int) (*ent.ProjectCreate, error) {
			p := f.Projects[i]
			rec := projectRec{code: p.Code, startYear: p.StartYear, endYear: p.EndYear}
			b := w.tx.Project.Create().
				SetCode(p.Code).SetTitle(p.Title).SetStatus(p.Status).SetDemo(false)
			if p.Summary != "" {
				b.SetSummary(p.Summary)
			}
			if p.Note != "" {
				b.SetNote(p.Note)
			}
			if len(p.Documents) > 0 {
				b.SetDocuments(p.Documents)
			}
			b.SetSources(p.Sources)
			if len(p.Facts) > 0 {
				b.SetFacts(p.Facts)
			}
			if p.Budget != nil {
				b.SetBudget(*p.Budget)
			}
			if p.StartYear != 0 {
				b.SetStartDate(jan1(p.StartYear))
			}
			if p.EndYear != 0 {
				b.SetEndDate(dec31(p.EndYear))
			}
			for _, n := range p.Recommendations {
				b.AddRecommendationIDs(w.recByNumber[n])
			}
			for _, code := range p.Countries {
				c := w.countryByCode[code]
				rec.countries = append(rec.countries, c)
				b.AddCountryIDs(w.countries[c].id)
			}
			for _, code := range p.Topics {
				t := w.topicByCode[code]
				rec.topics = append(rec.topics, t)
				b.AddTopicIDs(w.topics[t].id)
			}
			recs[i] = rec
			return b, nil
		},
		w.saveProjects, projectID)
	if err != nil {
		return err
	}
	w.addProjects(recs, ids)
	return nil
}

func jan1(year int) time.Time  { return time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC) }
func dec31(year int) time.Time { return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC) }

// saveProjects writes a batch of projects (for insertAll).
func (w *world) saveProjects(ctx context.Context, bs ...*ent.ProjectCreate) ([]*ent.Project, error) {
	return w.tx.Project.CreateBulk(bs...).Save(ctx)
}

func projectID(p *ent.Project) int { return p.ID }

// addProjects records written projects with their keys.
func (w *world) addProjects(recs []projectRec, ids []int) {
	for i := range recs {
		recs[i].id = ids[i]
		if recs[i].demo {
			w.demoProjects = append(w.demoProjects, len(w.projects)+i)
		}
	}
	w.projects = append(w.projects, recs...)
	w.stats.Projects += len(ids)
}
