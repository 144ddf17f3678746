package dataset

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/ent/organization"
)

var (
	activityKinds = []activity.Kind{activity.KindTECHNICAL_ASSISTANCE, activity.KindSOUTH_SOUTH, activity.KindTRIANGULAR}
	activityTypes = []activity.Type{
		activity.TypeTRAINING, activity.TypeWORKSHOP, activity.TypeSEMINAR, activity.TypeADVISORY_MISSION,
		activity.TypeSTUDY, activity.TypeSTUDY_VISIT, activity.TypeCONFERENCE, activity.TypeTOOL_DEVELOPMENT,
	}
)

// typeInfo describes an activity type: its length in days, its
// participants and its budget range in Swiss francs.
type typeInfo struct {
	noun                 string
	minDays, maxDays     int
	minPeople, maxPeople int
	minBudget, maxBudget int
}

var activityTypeInfo = map[activity.Type]typeInfo{
	activity.TypeTRAINING:         {"training course", 2, 10, 15, 40, 10_000, 80_000},
	activity.TypeWORKSHOP:         {"workshop", 1, 5, 20, 80, 5_000, 60_000},
	activity.TypeSEMINAR:          {"seminar", 1, 3, 30, 120, 5_000, 40_000},
	activity.TypeADVISORY_MISSION: {"advisory mission", 2, 10, 5, 15, 3_000, 25_000},
	activity.TypeSTUDY:            {"study", 30, 180, 5, 20, 15_000, 120_000},
	activity.TypeSTUDY_VISIT:      {"study visit", 3, 10, 5, 15, 10_000, 70_000},
	activity.TypeCONFERENCE:       {"conference", 1, 4, 60, 120, 30_000, 250_000},
	activity.TypeTOOL_DEVELOPMENT: {"tool development", 30, 180, 5, 20, 20_000, 150_000},
}

// Records with a fixed role, so that even the small demo set holds every
// value: the first ones cover kinds, types, years and bureaus; then one
// activity spans refDate (ONGOING), one lies after it (PLANNED), one is
// CANCELLED; then one activity per demo project.
const (
	ongoingActivity   = 17
	plannedActivity   = 18
	cancelledActivity = 19
	firstProjectCover = 20
)

func (w *world) genActivities(ctx context.Context, _ *facts) error {
	n := w.size.Activities
	if n == 0 {
		return nil
	}
	if len(w.developing) == 0 || len(w.topics) == 0 {
		return errors.New("demo activities need developing countries and topics")
	}
	g := newRNG(w.seed, streamActivities)
	byYear := w.projectsByYear()
	allOrgs := indexes(len(w.orgs))
	allConsultants := indexes(len(w.consultants))

	// figures are the per-country participants of the activities that
	// get them, by activity index.
	figures := map[int]countryFigures{}
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.ActivityCreate, error) {
			kind := activityKinds[g.weighted(60, 30, 10)]
			if i < len(activityKinds) {
				kind = activityKinds[i]
			}
			typ := activityTypes[g.weighted(20, 25, 15, 15, 6, 7, 7, 5)]
			if i < len(activityTypes) {
				typ = activityTypes[i]
			}
			info := activityTypeInfo[typ]
			days := g.between(info.minDays, info.maxDays)

			// Dates, and the project they tie the activity to.
			proj := -1
			var start time.Time
			switch {
			case i < 2026-2010+1: // one activity in each year
				start = g.dayIn(jan1(2010+i), dec31(2010+i))
			case i == ongoingActivity:
				start = refDate.AddDate(0, 0, -g.between(1, 3))
				days = max(days, 6)
			case i == plannedActivity:
				start = refDate.AddDate(0, 0, g.between(5, 50))
			case i >= firstProjectCover && i < firstProjectCover+len(w.demoProjects):
				proj = w.demoProjects[i-firstProjectCover]
				p := w.projects[proj]
				from, to := 2010, 2026
				if p.startYear != 0 {
					from = min(max(p.startYear, 2010), 2026)
				}
				if p.endYear != 0 {
					to = min(max(p.endYear, from), 2026)
				}
				start = g.dayIn(jan1(from), dec31(to))
			default:
				start = g.dayIn(activityFrom, activityTo)
			}
			end := start.AddDate(0, 0, days-1)
			if proj < 0 && len(w.demoProjects) > 0 && g.chance(0.7) {
				// Only a project running that year: an activity never
				// belongs to a project that had already ended.
				if cands := byYear[start.Year()]; len(cands) > 0 {
					proj, _ = pick(g, cands)
				}
			}
			var status activity.Status
			switch {
			case end.Before(refDate):
				status = activity.StatusCOMPLETED
				if g.chance(0.07) {
					status = activity.StatusCANCELLED
				}
			case !start.Before(refDate):
				status = activity.StatusPLANNED
				if g.chance(0.04) {
					status = activity.StatusCANCELLED
				}
			default:
				status = activity.StatusONGOING
			}
			switch i {
			case ongoingActivity:
				status = activity.StatusONGOING
			case plannedActivity:
				status = activity.StatusPLANNED
			case cancelledActivity:
				status = activity.StatusCANCELLED
			}

			// Countries.
			region := ""
			if i < len(w.developingRegion) {
				region = w.developingRegion[i]
			}
			var bens []int
			if proj >= 0 && region == "" && g.chance(0.6) {
				if c, ok := pick(g, w.projects[proj].countries); ok && w.countries[c].developing && w.countries[c].sovereign {
					bens = append(bens, c)
				}
			}
			if len(bens) == 0 {
				bens = w.pickBeneficiaries(g, 1, region)
			}
			for extra := g.weighted(60, 25, 15); extra > 0; extra-- {
				r := ""
				if g.chance(0.6) {
					r = w.countries[bens[0]].region
				}
				bens = addDistinct(g, bens, 1, []int{w.pickDeveloping(g, r)})
			}
			bens = removeNegative(bens)
			var provs []int
			developedPartner := false
			switch kind {
			case activity.KindSOUTH_SOUTH:
				for k := 1 + g.weighted(70, 30); k > 0; k-- {
					provs = w.addProvider(g, provs, bens)
				}
			case activity.KindTRIANGULAR:
				provs = w.addProvider(g, provs, bens)
				if c, ok := pick(g, w.developed); ok && (i == 2 || g.chance(0.7)) {
					provs = append(provs, c)
					developedPartner = true
				}
			}
			if kind != activity.KindTECHNICAL_ASSISTANCE && len(provs) == 0 {
				// No developing country is left to provide: deliver it as
				// technical assistance rather than break the model's rule.
				kind = activity.KindTECHNICAL_ASSISTANCE
			}

			// Topics: often those of the project.
			var prefer []int
			if proj >= 0 && g.chance(0.7) {
				prefer = w.projects[proj].topics
			}
			topics := w.pickTopics(g, prefer)

			// Consultants, mostly experts in one of the topics.
			var consultants []int
			for k := min(g.weighted(25, 40, 25, 10), len(w.consultants)); k > 0; k-- {
				pool := allConsultants
				if t, _ := pick(g, topics); g.chance(0.8) && len(w.consultantsByTopic[t]) > 0 {
					pool = w.consultantsByTopic[t]
				}
				consultants = addDistinct(g, consultants, 1, pool)
			}

			// Partners, often based in a country taking part.
			var partners []int
			if len(w.orgs) > 0 {
				var local []int
				for _, c := range append(append([]int(nil), bens...), provs...) {
					local = append(local, w.orgsByCountry[c]...)
				}
				for k := g.weighted(45, 40, 15); k > 0; k-- {
					pool := allOrgs
					if len(local) > 0 && g.chance(0.5) {
						pool = local
					}
					partners = addDistinct(g, partners, 1, pool)
				}
				// A triangular activity without a developed provider country
				// has an intergovernmental body as its third party.
				if kind == activity.KindTRIANGULAR && !developedPartner && len(w.igos) > 0 && !w.anyIGO(partners) {
					igo, _ := pick(g, w.igos)
					if len(partners) >= 2 {
						partners[1] = igo
					} else {
						partners = append(partners, igo)
					}
				}
			}

			// Venue: a study visit goes to the provider (or, for technical
			// assistance, to another country); studies and tools have no
			// venue.
			venue, host := bens[0], -1
			if typ == activity.TypeSTUDY_VISIT {
				if host = w.visitHost(g, bens, provs); host >= 0 {
					venue = host
				}
			}
			city := ""
			if typ != activity.TypeSTUDY && typ != activity.TypeTOOL_DEVELOPMENT {
				city = w.city(g, venue)
			}
			participants := g.between(info.minPeople, info.maxPeople)
			title, desc := w.activityText(g, kind, typ, bens, provs, host, topics, city, days, participants)
			if i%2 == 0 && i < maxActivitiesWithFigures {
				figures[i] = countryFigures{countries: bens, participants: splitParticipants(participants, len(bens))}
			}

			b := w.tx.Activity.Create().
				SetDemo(true).SetTitle(title).SetDescription(desc).
				SetKind(kind).SetType(typ).SetStatus(status).
				SetStartDate(start).SetEndDate(end).
				SetLanguage(w.languagesOf(venue)[0]).
				SetParticipants(participants)
			if city != "" {
				b.SetVenueCity(city).SetVenueCountryID(w.countries[venue].id)
			}
			if g.chance(0.5) {
				b.SetBudget(float64(g.between(info.minBudget/100, info.maxBudget/100) * 100))
			}
			if proj >= 0 {
				b.SetProjectID(w.projects[proj].id)
			}
			if strings.HasSuffix(desc, requestedSentence) {
				if o := w.authority(bens); o >= 0 {
					b.SetRequesterID(w.orgs[o].id)
				}
			}
			for _, c := range bens {
				b.AddBeneficiaryCountryIDs(w.countries[c].id)
			}
			for _, c := range provs {
				b.AddProviderCountryIDs(w.countries[c].id)
			}
			for _, c := range consultants {
				b.AddConsultantIDs(w.consultants[c])
			}
			for _, o := range partners {
				b.AddPartnerIDs(w.orgs[o].id)
			}
			for _, t := range topics {
				b.AddTopicIDs(w.topics[t].id)
			}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.ActivityCreate) ([]*ent.Activity, error) {
			return w.tx.Activity.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Activity) int { return e.ID })
	if err != nil {
		return err
	}
	if err := w.setFigures(ctx, ids, figures); err != nil {
		return err
	}
	w.stats.Activities = n
	return nil
}

// maxActivitiesWithFigures bounds the activities given per-country
// figures (every other one below it): all of the demo set's half, and
// no more in the synthetic sets, whose figures are written one link at a
// time.
const maxActivitiesWithFigures = 2000

// splitParticipants divides an activity's participants among its
// beneficiary countries, the first (the one it was planned for) taking
// the largest share: weights n, n-1, …, 1, the remainder to the first.
// It draws no random numbers, so the rest of the demo data is the same
// with or without the figures.
func splitParticipants(total, n int) []int {
	out := make([]int, n)
	weights := n * (n + 1) / 2
	given := 0
	for k := range n {
		out[k] = total * (n - k) / weights
		given += out[k]
	}
	out[0] += total - given
	return out
}

// countryFigures are an activity's beneficiary countries (indexes into
// the world's countries) and the participants from each.
type countryFigures struct {
	countries, participants []int
}

// setFigures writes the per-country figures onto the beneficiary links
// the activities' creation made.
func (w *world) setFigures(ctx context.Context, ids []int, figures map[int]countryFigures) error {
	for i, fig := range figures {
		for k, p := range fig.participants {
			err := w.tx.ActivityBeneficiary.Update().
				Where(activitybeneficiary.ActivityID(ids[i]), activitybeneficiary.CountryID(w.countries[fig.countries[k]].id)).
				SetParticipants(p).Exec(ctx)
			if err != nil {
				return fmt.Errorf("activity %d's participants from a beneficiary country: %w", i+1, err)
			}
		}
	}
	return nil
}

// projectsByYear indexes the demo projects by the years they run, limited
// to the years activities span. Demo activities attach to demo projects
// only: an invented activity under a real project would read as a fact
// about that project, whose activities are the real ones of data/real.
func (w *world) projectsByYear() map[int][]int {
	byYear := map[int][]int{}
	for _, p := range w.demoProjects {
		rec := w.projects[p]
		if rec.startYear == 0 || rec.endYear == 0 {
			continue
		}
		for y := max(rec.startYear, 2010); y <= min(rec.endYear, 2026); y++ {
			byYear[y] = append(byYear[y], p)
		}
	}
	return byYear
}

// addProvider adds a developing provider country that is not a beneficiary.
func (w *world) addProvider(g *rng, provs, bens []int) []int {
	for tries := 0; tries < 20; tries++ {
		c := w.pickDeveloping(g, "")
		if c >= 0 && !containsInt(bens, c) && !containsInt(provs, c) {
			return append(provs, c)
		}
	}
	return provs
}

// visitHost is the country a study visit goes to: the first provider, or
// for technical assistance a country that is not a beneficiary, half the
// time a developed one. It returns -1 when there is none.
func (w *world) visitHost(g *rng, bens, provs []int) int {
	if len(provs) > 0 {
		return provs[0]
	}
	pool := w.developing
	if len(w.developed) > 0 && g.chance(0.5) {
		pool = w.developed
	}
	for tries := 0; tries < 20; tries++ {
		if c, ok := pick(g, pool); ok && !containsInt(bens, c) {
			return c
		}
	}
	return -1
}

func (w *world) anyIGO(orgs []int) bool {
	for _, o := range orgs {
		if w.orgs[o].country < 0 {
			return true
		}
	}
	return false
}

// requestedSentence ends the description of a technical-assistance
// activity a beneficiary asked for; such an activity's requester is a
// national authority of its beneficiaries where the demo set has one.
const requestedSentence = " Organized at the request of the national authorities."

// authority returns the first demo organization (in creation order, so no
// random number is drawn) that is a government body or IP office based in
// one of the countries cs, or -1.
func (w *world) authority(cs []int) int {
	for _, c := range cs {
		for _, o := range w.orgsByCountry[c] {
			if k := w.orgs[o].kind; k == organization.KindGOVERNMENT || k == organization.KindIP_OFFICE {
				return o
			}
		}
	}
	return -1
}

// activityText writes an activity's title and description.
// host is the country a study visit goes to, -1 for other types.
func (w *world) activityText(g *rng, kind activity.Kind, typ activity.Type, bens, provs []int, host int,
	topics []int, city string, days, participants int) (title, desc string) {
	subj, aud := w.subject(g, topics), w.audience(g, topics)
	Subj, Aud := titleCase(subj), titleCase(aud)
	benRefs := w.refs(bens)
	provRefs := w.refs(provs)
	where := joinAnd(benRefs)

	scope := "National"
	if len(bens) > 1 {
		scope = "Interregional"
		if w.sameRegion(bens) {
			scope = []string{"Regional", "Sub-regional"}[g.intn(2)]
		}
	}
	if kind != activity.KindTECHNICAL_ASSISTANCE && g.chance(0.4) {
		scope = map[activity.Kind]string{
			activity.KindSOUTH_SOUTH: "South-South",
			activity.KindTRIANGULAR:  "Triangular Cooperation",
		}[kind]
	}

	noun := activityTypeInfo[typ].noun
	length := strconv.Itoa(days) + "-day"
	tool := g.pickStr(tools)
	switch typ {
	case activity.TypeTRAINING:
		title = scope + " Training Course on " + Subj + " for " + Aud
	case activity.TypeWORKSHOP:
		title = scope + " Workshop on " + Subj + " for " + Aud
	case activity.TypeSEMINAR:
		title = scope + " Seminar on " + Subj
	case activity.TypeCONFERENCE:
		title = scope + " Conference on " + Subj + " and Development"
	case activity.TypeADVISORY_MISSION:
		title = "Advisory Mission on " + Subj + " to " + where
	case activity.TypeSTUDY:
		title = "Study on " + Subj + " in " + where
	case activity.TypeSTUDY_VISIT:
		title = "Study Visit on " + Subj + " for " + Aud + " from " + where
		if host >= 0 {
			title += " to " + w.countries[host].ref
		}
	case activity.TypeTOOL_DEVELOPMENT:
		title = "Development of a " + titleCase(tool) + " on " + Subj + " for " + Aud + " in " + where
	}
	switch typ {
	case activity.TypeTRAINING, activity.TypeWORKSHOP, activity.TypeSEMINAR, activity.TypeCONFERENCE:
		title += ", " + city
		desc = fmt.Sprintf("A %s %s for %d %s from %s on %s.", length, noun, participants, aud, where, subj)
	case activity.TypeADVISORY_MISSION:
		desc = fmt.Sprintf("A %s expert mission to advise %s on %s, with meetings with %s.", length, where, subj, aud)
	case activity.TypeSTUDY:
		desc = fmt.Sprintf("A study of %s in %s, based on interviews with %s.", subj, where, aud)
	case activity.TypeSTUDY_VISIT:
		desc = fmt.Sprintf("A %s visit for %d %s from %s", length, participants, aud, where)
		if host >= 0 {
			desc += " to learn from the experience of " + w.countries[host].ref
		}
		desc += "."
	case activity.TypeTOOL_DEVELOPMENT:
		desc = fmt.Sprintf("A %s on %s for %s in %s.", tool, subj, aud, where)
	}
	switch kind {
	case activity.KindSOUTH_SOUTH:
		desc += " Experts from " + joinAnd(provRefs) + " shared their national experience."
	case activity.KindTRIANGULAR:
		if len(provs) > 1 {
			desc += fmt.Sprintf(" Delivered by experts from %s with support from %s.", provRefs[0], joinAnd(provRefs[1:]))
		} else if len(provs) == 1 {
			desc += " Delivered by experts from " + provRefs[0] + " with support from an intergovernmental partner."
		}
	default:
		if g.chance(0.3) {
			desc += requestedSentence
		}
	}
	return title, desc
}
