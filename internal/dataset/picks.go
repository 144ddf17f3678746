package dataset

import "strings"

// pickDeveloping draws a sovereign developing country, from region when it
// is not empty; about 40% of draws come from the LDCs, which the programme
// prioritizes. It returns -1 when there is none.
func (w *world) pickDeveloping(g *rng, region string) int {
	pool := w.developing
	if region != "" {
		pool = w.devByRegion[region]
	}
	if g.chance(0.4) {
		if c, ok := pick(g, w.ldcByRegion[region]); ok {
			return c
		}
	}
	if c, ok := pick(g, pool); ok {
		return c
	}
	return -1
}

// pickBeneficiaries draws n distinct developing countries, the first from
// region when it is given, the others often from the first one's region.
func (w *world) pickBeneficiaries(g *rng, n int, region string) []int {
	first := w.pickDeveloping(g, region)
	if first < 0 {
		first = w.pickDeveloping(g, "")
	}
	out := []int{first}
	for tries := 0; len(out) < n && tries < 4*n; tries++ {
		r := ""
		if g.chance(0.6) {
			r = w.countries[first].region
		}
		out = addDistinct(g, out, 1, []int{w.pickDeveloping(g, r)})
	}
	return removeNegative(out)
}

// pickTopics draws one to three distinct topics, the first from prefer
// when it is not empty.
func (w *world) pickTopics(g *rng, prefer []int) []int {
	n := 1 + g.weighted(40, 40, 20)
	var out []int
	if t, ok := pick(g, prefer); ok {
		out = append(out, t)
	}
	return addDistinct(g, out, n-len(out), w.topicIndexes())
}

func (w *world) topicIndexes() []int { return indexes(len(w.topics)) }

func indexes(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

func removeNegative(xs []int) []int {
	out := xs[:0]
	for _, x := range xs {
		if x >= 0 {
			out = append(out, x)
		}
	}
	return out
}

func (w *world) sameRegion(cs []int) bool {
	for _, c := range cs[1:] {
		if w.countries[c].region != w.countries[cs[0]].region {
			return false
		}
	}
	return true
}

func (w *world) refs(cs []int) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = w.countries[c].ref
	}
	return out
}

// vocab returns the words for topic t, falling back to its name.
func (w *world) vocab(t int) topicWords {
	v, ok := topicVocab[w.topics[t].code]
	if !ok || len(v.phrases) == 0 {
		v.phrases = []string{strings.ToLower(w.topics[t].name)}
	}
	if len(v.audiences) == 0 {
		v.audiences = genericAudiences
	}
	return v
}

func (w *world) phrase(g *rng, t int) string { return g.pickStr(w.vocab(t).phrases) }

// subject phrases what an activity or posting is about: the first topic,
// qualified by a sector when the second topic is one ("trademarks and
// branding in the tourism sector").
func (w *world) subject(g *rng, topics []int) string {
	if len(topics) == 0 {
		return "intellectual property"
	}
	s := w.phrase(g, topics[0])
	if len(topics) > 1 && w.vocab(topics[0]).sector == "" {
		if sector := w.vocab(topics[1]).sector; sector != "" {
			s += " " + sector
		}
	}
	return s
}

// postingSubject phrases what an offer or need is about, naming every
// topic it is tagged with: the first topic, a second (and third) joined
// with "and", and a sector qualifying them ("patent drafting and trademark
// examination in the tourism sector"). It returns the topics it named: a
// posting is tagged with these only, so that its tags say what its title
// says (a need about traditional cultural expressions is not tagged
// PATENTS, and a reason "shares an IP area" names an area both titles are
// about). At most two topics are named by phrase and one by its sector.
func (w *world) postingSubject(g *rng, topics []int) (string, []int) {
	if len(topics) == 0 {
		return "intellectual property", nil
	}
	s, named := w.phrase(g, topics[0]), topics[:1:1]
	sector, phrases := w.vocab(topics[0]).sector != "", 1
	var qualifier string
	for _, t := range topics[1:] {
		switch v := w.vocab(t); {
		case v.sector != "" && !sector:
			qualifier, sector = " "+v.sector, true
		case v.sector == "" && phrases < 2:
			s += " and " + w.phrase(g, t)
			phrases++
		default:
			continue
		}
		named = append(named, t)
	}
	return s + qualifier, named
}

func (w *world) audience(g *rng, topics []int) string {
	if len(topics) == 0 {
		return g.pickStr(genericAudiences)
	}
	return g.pickStr(w.vocab(topics[0]).audiences)
}

// city returns a city of country c: usually the capital, sometimes another
// large city, or "<name> capital" for a country the list lacks.
func (w *world) city(g *rng, c int) string {
	cs := cities[w.countries[c].code]
	switch {
	case len(cs) == 0:
		return w.countries[c].title + " capital"
	case len(cs) > 1 && g.chance(0.3):
		return cs[1+g.intn(len(cs)-1)]
	}
	return cs[0]
}

// languagesOf returns the languages of country c, working language first;
// never empty.
func (w *world) languagesOf(c int) []string {
	if c < 0 {
		return []string{"en"}
	}
	if ls := languages[w.countries[c].code]; len(ls) > 0 {
		return ls
	}
	if ls := regionLanguages[w.countries[c].region]; len(ls) > 0 {
		return ls
	}
	return []string{"en"}
}

// orgName is the name of organization o without its "(demo)" label, for
// use inside descriptions.
func (w *world) orgName(o int) string { return w.orgs[o].name }
