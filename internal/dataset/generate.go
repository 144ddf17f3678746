package dataset

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
)

// The demo data's calendar. refDate is the generator's "today": activity
// and posting statuses are consistent with it. It is fixed rather than read
// from the clock so that the data does not depend on when it is loaded.
var (
	refDate      = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)
	activityFrom = jan1(2010)
	activityTo   = dec31(2026)
	// Match, the matching platform, started in 2012.
	postingFrom = jan1(2012)
)

// Demo project years.
const (
	projectFirstYear = 2008
	projectLastYear  = 2026
)

// demoNote is stored on every invented project, whose Note field is shown
// next to the real projects' provenance remarks.
const demoNote = "Invented demonstration record (demo data): not a Development Agenda project. Its code, dates, budget and links are generated."

// ---------------------------------------------------------------------------
// Projects

var projectStatuses = []project.Status{
	project.StatusCOMPLETED, project.StatusMAINSTREAMED, project.StatusPHASED_OUT,
	project.StatusONGOING, project.StatusAPPROVED, project.StatusPROPOSED,
}

func (w *world) genProjects(ctx context.Context, _ *facts) error {
	n := w.size.Projects
	if n == 0 {
		return nil
	}
	if len(w.developing) == 0 || len(w.recs) == 0 || len(w.topics) == 0 {
		return errors.New("demo projects need developing countries, recommendations and topics")
	}
	g := newRNG(w.seed, streamProjects)
	recs := make([]projectRec, n)
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.ProjectCreate, error) {
			// The first records take every status once; the rest follow
			// rough real-world proportions.
			var st project.Status
			if i < len(projectStatuses) {
				st = projectStatuses[i]
			} else {
				st = projectStatuses[g.weighted(45, 15, 8, 17, 8, 7)]
			}
			// The status decides the years, so that they agree.
			var start, end int
			switch st {
			case project.StatusONGOING:
				start, end = g.between(2022, 2025), projectLastYear
			case project.StatusAPPROVED:
				start, end = g.between(2025, 2026), projectLastYear
			case project.StatusPROPOSED:
				start, end = projectLastYear, projectLastYear
			default: // finished
				start = g.between(projectFirstYear, 2023)
				// Activities start in 2010: every project reaches it.
				end = max(min(start+g.between(1, 3), 2025), 2010)
			}
			rec := projectRec{code: fmt.Sprintf("DEMO_P%04d", i+1), startYear: start, endYear: end, demo: true}
			rec.countries = w.pickBeneficiaries(g, 1+g.weighted(30, 25, 20, 15, 10), "")
			rec.topics = w.pickTopics(g, nil)
			recNums := addDistinct(g, nil, 1+g.weighted(35, 35, 20, 10), w.recs)

			subj, aud := w.subject(g, rec.topics), w.audience(g, rec.topics)
			where := w.countries[rec.countries[0]].ref
			if len(rec.countries) > 1 {
				where += " and Other Developing Countries"
			}
			var title string
			switch g.intn(4) {
			case 0:
				title = "Strengthening " + titleCase(subj) + " for " + titleCase(aud) + " in " + where
			case 1:
				title = upperFirst(titleCase(subj)) + ": Building Capacity in " + where
			case 2:
				title = "Pilot Project on " + titleCase(subj) + " for " + titleCase(aud)
			default:
				title = upperFirst(titleCase(subj)) + " for Development in " + where
			}
			refs := make([]string, len(rec.countries))
			for k, c := range rec.countries {
				refs[k] = w.countries[c].ref
			}
			summary := fmt.Sprintf("Invented demonstration project on %s for %s in %s, %d-%d.",
				subj, aud, joinAnd(refs), start, end)

			b := w.tx.Project.Create().
				SetCode(rec.code).SetTitle(title).SetSummary(summary).SetStatus(st).
				SetStartDate(jan1(start)).SetEndDate(dec31(end)).
				SetNote(demoNote).SetDemo(true).
				AddRecommendationIDs(recNums...)
			if g.chance(0.6) {
				b.SetBudget(float64(g.between(150, 1500) * 1000))
			}
			for _, c := range rec.countries {
				b.AddCountryIDs(w.countries[c].id)
			}
			for _, t := range rec.topics {
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

// ---------------------------------------------------------------------------
// Organizations

var orgKinds = []organization.Kind{
	organization.KindIP_OFFICE, organization.KindGOVERNMENT, organization.KindUNIVERSITY,
	organization.KindRESEARCH_CENTER, organization.KindNGO, organization.KindIGO,
	organization.KindPRIVATE_SECTOR, organization.KindOTHER,
}

func (w *world) genOrganizations(ctx context.Context, _ *facts) error {
	n := w.size.Organizations
	w.orgsByCountry = map[int][]int{}
	if n == 0 {
		return nil
	}
	if len(w.developing) == 0 {
		return errors.New("demo organizations need developing countries")
	}
	g := newRNG(w.seed, streamOrganizations)
	recs := make([]orgRec, n)
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.OrganizationCreate, error) {
			var kind organization.Kind
			if i < len(orgKinds) {
				kind = orgKinds[i]
			} else {
				kind = orgKinds[g.weighted(15, 14, 20, 10, 12, 6, 15, 8)]
			}
			rec := orgRec{kind: kind, country: -1}
			// Intergovernmental bodies have no country; about a fifth of the
			// others are in developed countries (record 8 always is, so the
			// small demo set has one).
			if kind != organization.KindIGO {
				if c, ok := pick(g, w.developed); ok && (i == 8 || g.chance(0.2)) {
					rec.country = c
				} else {
					rec.country, _ = pick(g, w.developing)
				}
			}
			r := strings.NewReplacer("{m}", g.pickStr(nameMarkers), "{p}", g.pickStr(places))
			name := r.Replace(g.pickStr(orgPatterns[string(kind)])) + " (demo)"
			if strings.HasPrefix(name, " ") { // a kind without patterns
				name = g.pickStr(nameMarkers) + " Organization" + name
			}
			rec.name = strings.TrimSuffix(name, " (demo)")
			b := w.tx.Organization.Create().
				SetName(name).SetKind(kind).SetDemo(true).
				SetWebsite("https://example.org/demo/" + slug(rec.name) + "-" + strconv.Itoa(i+1))
			if rec.country >= 0 {
				b.SetCountryID(w.countries[rec.country].id)
			}
			recs[i] = rec
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.OrganizationCreate) ([]*ent.Organization, error) {
			return w.tx.Organization.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Organization) int { return e.ID })
	if err != nil {
		return err
	}
	for i := range recs {
		recs[i].id = ids[i]
		c := recs[i].country
		switch {
		case c < 0:
			w.igos = append(w.igos, i)
		case w.countries[c].developing:
			w.orgsDevCtry = append(w.orgsDevCtry, i)
		}
		if c >= 0 {
			w.orgsByCountry[c] = append(w.orgsByCountry[c], i)
		}
	}
	w.orgs = recs
	w.stats.Organizations = len(ids)
	return nil
}

// ---------------------------------------------------------------------------
// Consultants

var consultantRoles = []string{
	"an IP consultant", "a patent attorney", "a former IP office examiner", "a law professor",
	"a trainer", "an economist", "a licensing specialist", "a former judge",
}

func (w *world) genConsultants(ctx context.Context, _ *facts) error {
	n := w.size.Consultants
	w.consultantsByTopic = make([][]int, len(w.topics))
	if n == 0 {
		return nil
	}
	if len(w.developing) == 0 || len(w.topics) == 0 {
		return errors.New("demo consultants need developing countries and topics")
	}
	g := newRNG(w.seed, streamConsultants)
	expertise := make([][]int, n)
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.ConsultantCreate, error) {
			first, last := g.pickStr(firstNames), g.pickStr(surnames)
			name := first + " " + last
			nat, ok := pick(g, w.developed)
			if !ok || !g.chance(0.15) {
				nat, _ = pick(g, w.developing)
			}
			// Languages: those of the nationality first, then often English,
			// sometimes one more.
			own := w.languagesOf(nat)
			langs := []string{own[0]}
			if len(own) > 1 && g.chance(0.5) {
				langs = append(langs, own[1])
			}
			if g.chance(0.6) {
				langs = appendLang(langs, "en")
			}
			if g.chance(0.25) {
				langs = appendLang(langs, g.pickStr(extraLanguages))
			}
			langs = langs[:min(len(langs), 3)]

			topics := addDistinct(g, nil, 1+g.weighted(30, 35, 25, 10), w.topicIndexes())
			expertise[i] = topics
			subjects := w.phrase(g, topics[0])
			if len(topics) > 1 {
				subjects += " and in " + w.phrase(g, topics[1])
			}
			bio := fmt.Sprintf("Demo profile: %s with %d years of experience in %s, working mainly in %s.",
				g.pickStr(consultantRoles), g.between(5, 30), subjects, w.countries[nat].ref)

			b := w.tx.Consultant.Create().
				SetName(name).SetLanguages(langs).SetBio(bio).SetDemo(true).
				SetAvailable(g.chance(0.7)).
				SetEmail(slug(name) + "-" + strconv.Itoa(i+1) + "@example.org").
				SetNationalityID(w.countries[nat].id)
			for _, t := range topics {
				b.AddExpertiseIDs(w.topics[t].id)
			}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.ConsultantCreate) ([]*ent.Consultant, error) {
			return w.tx.Consultant.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Consultant) int { return e.ID })
	if err != nil {
		return err
	}
	w.consultants = ids
	for i, topics := range expertise {
		for _, t := range topics {
			w.consultantsByTopic[t] = append(w.consultantsByTopic[t], i)
		}
	}
	w.stats.Consultants = len(ids)
	return nil
}

func appendLang(langs []string, l string) []string {
	for _, x := range langs {
		if x == l {
			return langs
		}
	}
	return append(langs, l)
}
