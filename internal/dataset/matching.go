package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/cooperation"
)

// ---------------------------------------------------------------------------
// Match offers

var (
	offerStatuses = []matchoffer.Status{matchoffer.StatusOPEN, matchoffer.StatusMATCHED, matchoffer.StatusCLOSED, matchoffer.StatusEXPIRED}
	needStatuses  = []matchneed.Status{matchneed.StatusOPEN, matchneed.StatusMATCHED, matchneed.StatusCLOSED}
	matchStatuses = []match.Status{match.StatusPROPOSED, match.StatusACCEPTED, match.StatusDECLINED, match.StatusCOMPLETED, match.StatusWITHDRAWN}
)

// matchKind draws a kind, the first records taking each once.
func matchKind(g *rng, i int) schematype.MatchKind {
	if i < len(schematype.MatchKinds) {
		return schematype.MatchKinds[i]
	}
	// TECHNICAL is the common case on Match.
	return schematype.MatchKinds[g.weighted(20, 55, 25)]
}

func (w *world) genOffers(ctx context.Context, _ *facts) error {
	n := w.size.Offers
	if n == 0 {
		return nil
	}
	if len(w.orgs) == 0 || len(w.topics) == 0 {
		return errors.New("demo offers need organizations and topics")
	}
	g := newRNG(w.seed, streamOffers)
	recs := make([]offerRec, n)
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.MatchOfferCreate, error) {
			kind := matchKind(g, i)
			status := offerStatuses[g.weighted(35, 25, 25, 15)]
			if i < len(offerStatuses) {
				status = offerStatuses[i]
			}
			// Dates consistent with the status.
			var posted time.Time
			var expires *time.Time
			switch status {
			case matchoffer.StatusEXPIRED:
				posted = g.instantIn(postingFrom, jan1(2025))
				e := posted.AddDate(0, 0, g.between(180, 540))
				expires = &e
			case matchoffer.StatusOPEN:
				posted = g.instantIn(jan1(2022), refDate)
				if g.chance(0.6) {
					e := posted.AddDate(0, 0, g.between(365, 1095))
					if e.Before(refDate) {
						e = refDate.AddDate(0, 0, g.between(30, 365))
					}
					expires = &e
				}
			default:
				posted = g.instantIn(postingFrom, refDate)
				if g.chance(0.5) {
					e := posted.AddDate(0, 0, g.between(180, 1095))
					expires = &e
				}
			}
			provider := g.intn(len(w.orgs))
			prov := w.orgs[provider]
			topics := w.pickTopics(g, nil)

			var regions, countries []int
			for k := g.weighted(40, 40, 20); k > 0 || (i == 0 && len(regions) == 0); k-- {
				r, ok := pick(g, w.developingRegion)
				if !ok {
					break
				}
				regions = addDistinct(g, regions, 1, []int{w.regionByCode[r]})
			}
			for k := g.weighted(40, 30, 20, 10); k > 0 || (i == 0 && len(countries) == 0); k-- {
				r := ""
				if len(regions) > 0 && g.chance(0.6) {
					r = w.regions[regions[g.intn(len(regions))]].code
				}
				countries = addDistinct(g, countries, 1, []int{w.pickDeveloping(g, r)})
			}
			countries = removeNegative(countries)

			langs := []string{"en"}
			if prov.country >= 0 {
				langs = []string{w.languagesOf(prov.country)[0]}
			}
			if g.chance(0.4) {
				langs = appendLang(langs, g.pickStr(extraLanguages))
			}

			subj, topics := w.postingSubject(g, topics)
			aud := w.audience(g, topics)
			Subj, Aud := titleCase(subj), titleCase(aud)
			var title, offerWhat string
			switch kind {
			case schematype.MatchKindFinancial:
				title = []string{
					"Funding for Projects on " + Subj,
					"Grants for " + Aud + " Working on " + Subj,
					"Fellowships in " + Subj,
				}[g.intn(3)]
				offerWhat = "funding"
			case schematype.MatchKindPublicPrivatePartnership:
				title = []string{
					"Industry Partnership on " + Subj,
					"Public-Private Partnership for " + Aud + " on " + Subj,
				}[g.intn(2)]
				offerWhat = "a public-private partnership"
			default:
				title = []string{
					"Expert Advice on " + Subj,
					"Training for " + Aud + " on " + Subj,
					"Mentoring in " + Subj,
					"Technical Assistance with " + Subj,
				}[g.intn(4)]
				offerWhat = "technical help"
			}
			desc := fmt.Sprintf("%s offers %s on %s for %s", w.orgName(provider), offerWhat, subj, aud)
			switch {
			case len(countries) > 0:
				desc += " in " + joinAnd(w.refs(countries))
			case len(regions) > 0:
				names := make([]string, len(regions))
				for k, r := range regions {
					names[k] = w.regions[r].name
				}
				desc += " in " + joinAnd(names)
			}
			desc += "."

			b := w.tx.MatchOffer.Create().
				SetDemo(true).SetTitle(title).SetDescription(desc).
				SetKind(kind).SetStatus(status).SetPostedAt(posted).SetNillableExpiresAt(expires).
				SetLanguages(langs).SetProviderID(prov.id)
			for _, t := range topics {
				b.AddTopicIDs(w.topics[t].id)
			}
			for _, r := range regions {
				b.AddTargetRegionIDs(w.regions[r].id)
			}
			for _, c := range countries {
				b.AddTargetCountryIDs(w.countries[c].id)
			}
			recs[i] = offerRec{provider: provider, topics: topics, posted: posted}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.MatchOfferCreate) ([]*ent.MatchOffer, error) {
			return w.tx.MatchOffer.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.MatchOffer) int { return e.ID })
	if err != nil {
		return err
	}
	for i := range recs {
		recs[i].id = ids[i]
	}
	w.offers = recs
	w.stats.Offers = len(ids)
	return nil
}

// ---------------------------------------------------------------------------
// Match needs

func (w *world) genNeeds(ctx context.Context, _ *facts) error {
	n := w.size.Needs
	if n == 0 {
		return nil
	}
	if len(w.orgs) == 0 || len(w.developing) == 0 || len(w.topics) == 0 {
		return errors.New("demo needs need organizations, developing countries and topics")
	}
	g := newRNG(w.seed, streamNeeds)
	recs := make([]needRec, n)
	ids, err := insertAll(ctx, n,
		func(i int) (*ent.MatchNeedCreate, error) {
			kind := matchKind(g, i)
			status := needStatuses[g.weighted(40, 30, 30)]
			if i < len(needStatuses) {
				status = needStatuses[i]
			}
			from := postingFrom
			if status == matchneed.StatusOPEN {
				from = jan1(2020)
			}
			posted := g.instantIn(from, refDate)

			// Seekers are mostly organizations in developing countries,
			// sometimes intergovernmental bodies seeking on a country's
			// behalf. Record 0 seeks for another country than its own and
			// record 1 is intergovernmental, so that the small demo set has
			// both.
			var seeker int
			switch {
			case i == 1 && len(w.igos) > 0:
				seeker, _ = pick(g, w.igos)
			case (i == 0 || g.chance(0.88)) && len(w.orgsDevCtry) > 0:
				seeker, _ = pick(g, w.orgsDevCtry)
			case len(w.igos) > 0:
				seeker, _ = pick(g, w.igos)
			default:
				seeker = g.intn(len(w.orgs))
			}
			// The need is usually for the seeker's own country; otherwise for
			// another developing country, often a neighbour.
			own := w.orgs[seeker].country
			ownDeveloping := own >= 0 && w.countries[own].developing
			country := -1
			if ownDeveloping && i != 0 && g.chance(0.8) {
				country = own
			}
			for tries := 0; country < 0 && tries < 10; tries++ {
				r := ""
				if own >= 0 && g.chance(0.7) {
					r = w.countries[own].region
				}
				if c := w.pickDeveloping(g, r); c >= 0 && c != own {
					country = c
				}
			}
			if country < 0 && ownDeveloping {
				country = own
			}
			if country < 0 {
				country, _ = pick(g, w.developing)
			}
			topics := w.pickTopics(g, nil)

			subj, topics := w.postingSubject(g, topics)
			aud := w.audience(g, topics)
			Subj, Aud := titleCase(subj), titleCase(aud)
			place := w.countries[country].ref
			var title, needWhat string
			switch kind {
			case schematype.MatchKindFinancial:
				title = []string{
					"Funding Sought for a Programme on " + Subj + " in " + place,
					"Financial Support Sought for " + Aud + " Working on " + Subj,
				}[g.intn(2)]
				needWhat = "funding"
			case schematype.MatchKindPublicPrivatePartnership:
				title = []string{
					"Industry Partner Sought for " + Subj + " in " + place,
					"Partnership Sought on " + Subj + " for " + Aud,
				}[g.intn(2)]
				needWhat = "a private-sector partner"
			default:
				title = []string{
					"Assistance Needed with " + Subj + " in " + place,
					"Training Sought on " + Subj + " for " + Aud,
					"Expert Sought to Advise on " + Subj,
				}[g.intn(3)]
				needWhat = "technical help"
			}
			desc := fmt.Sprintf("%s seeks %s on %s for %s in %s.", w.orgName(seeker), needWhat, subj, aud, place)

			b := w.tx.MatchNeed.Create().
				SetDemo(true).SetTitle(title).SetDescription(desc).
				SetKind(kind).SetStatus(status).SetPostedAt(posted).
				SetSeekerID(w.orgs[seeker].id).SetCountryID(w.countries[country].id)
			for _, t := range topics {
				b.AddTopicIDs(w.topics[t].id)
			}
			recs[i] = needRec{seeker: seeker, country: country, topics: topics, posted: posted}
			return b, nil
		},
		func(ctx context.Context, bs ...*ent.MatchNeedCreate) ([]*ent.MatchNeed, error) {
			return w.tx.MatchNeed.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.MatchNeed) int { return e.ID })
	if err != nil {
		return err
	}
	for i := range recs {
		recs[i].id = ids[i]
	}
	w.needs = recs
	w.stats.Needs = len(ids)
	return nil
}

// ---------------------------------------------------------------------------
// Matches

type pair struct{ offer, need int }

func (w *world) genMatches(ctx context.Context, _ *facts) error {
	n := w.size.Matches
	if n == 0 {
		return nil
	}
	if len(w.offers) == 0 || len(w.needs) == 0 {
		return errors.New("demo matches need offers and needs")
	}
	g := newRNG(w.seed, streamMatches)
	used := make(map[pair]bool, n)
	pairs := make([]pair, 0, n)
	add := func(p pair) {
		used[p] = true
		pairs = append(pairs, p)
	}
	// First one pair of each cooperation kind, where the data has one.
	for _, want := range []match.Cooperation{match.CooperationSOUTH_SOUTH, match.CooperationTRIANGULAR, match.CooperationOTHER} {
		for tries := 0; tries < 20000 && len(pairs) < n; tries++ {
			p := pair{g.intn(len(w.offers)), g.intn(len(w.needs))}
			if !used[p] && w.cooperation(p) == want {
				add(p)
				break
			}
		}
	}
	offersByTopic := make([][]int, len(w.topics))
	for o, rec := range w.offers {
		for _, t := range rec.topics {
			offersByTopic[t] = append(offersByTopic[t], o)
		}
	}
	for len(pairs) < n {
		add(w.freePair(g, used, offersByTopic))
	}

	_, err := insertAll(ctx, n,
		func(i int) (*ent.MatchCreate, error) {
			p := pairs[i]
			o, nd := w.offers[p.offer], w.needs[p.need]
			status := matchStatuses[g.weighted(30, 35, 12, 18, 5)]
			if i < len(matchStatuses) {
				status = matchStatuses[i]
			}
			// The score rises with the topics the offer and need share.
			score := 0.15 + 0.6*jaccard(o.topics, nd.topics) + 0.25*g.float()
			score = math.Round(min(max(score, 0), 1)*100) / 100
			// Created after both postings, within four months where
			// refDate allows.
			base := o.posted
			if nd.posted.After(base) {
				base = nd.posted
			}
			room := int(refDate.Sub(base).Hours() / 24)
			created := base.AddDate(0, 0, g.between(1, max(1, min(120, room))))
			c := w.tx.Match.Create().
				SetDemo(true).SetStatus(status).SetScore(score).SetCreatedAt(created).
				SetCooperation(w.cooperation(p)).
				SetOfferID(o.id).SetNeedID(nd.id)
			// Either party proposes; the other answers within two weeks,
			// and the work takes up to half a year.
			if g.intn(2) == 0 {
				c.SetProposedByID(w.orgs[o.provider].id)
			} else {
				c.SetProposedByID(w.orgs[nd.seeker].id)
			}
			if status != match.StatusPROPOSED {
				responded := created.AddDate(0, 0, g.between(1, 14))
				c.SetRespondedAt(responded)
				if status == match.StatusCOMPLETED {
					c.SetCompletedAt(responded.AddDate(0, 0, g.between(30, 180)))
				}
			}
			return c, nil
		},
		func(ctx context.Context, bs ...*ent.MatchCreate) ([]*ent.Match, error) {
			return w.tx.Match.CreateBulk(bs...).Save(ctx)
		},
		func(e *ent.Match) int { return e.ID })
	if err != nil {
		return err
	}
	w.stats.Matches = n
	return nil
}

// freePair draws an unused offer-need pair, usually one sharing a topic.
// When random draws keep hitting used pairs (a size close to offers×needs)
// it scans for the next free one; Size.validate guarantees there is one.
func (w *world) freePair(g *rng, used map[pair]bool, offersByTopic [][]int) pair {
	for tries := 0; tries < 100; tries++ {
		nd := g.intn(len(w.needs))
		o := g.intn(len(w.offers))
		if t, ok := pick(g, w.needs[nd].topics); ok && g.chance(0.75) {
			if cand, ok := pick(g, offersByTopic[t]); ok {
				o = cand
			}
		}
		if p := (pair{o, nd}); !used[p] {
			return p
		}
	}
	total := len(w.offers) * len(w.needs)
	start := g.intn(total)
	for k := range total {
		idx := (start + k) % total
		if p := (pair{idx / len(w.needs), idx % len(w.needs)}); !used[p] {
			return p
		}
	}
	return pair{} // unreachable after Size.validate
}

// cooperation applies Cooperation to an offer-need pair.
func (w *world) cooperation(p pair) match.Cooperation {
	o, nd := w.offers[p.offer], w.needs[p.need]
	return cooperation.Of(
		w.party(w.orgs[o.provider].country),
		w.party(w.orgs[nd.seeker].country),
		w.party(nd.country),
	)
}

func (w *world) party(country int) cooperation.Party {
	if country < 0 {
		return cooperation.Party{}
	}
	c := w.countries[country]
	return cooperation.Party{Country: c.code, Developing: c.developing}
}

func jaccard(a, b []int) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	common := 0
	for _, x := range a {
		if containsInt(b, x) {
			common++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
