package matching

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"sscgraph/ent/schema/schematype"
)

// The reasons are sentences a person reads beside a suggestion, one for
// each component that scored, in the order of the weights.

// freshWithin is the age, in days, up to which a suggestion says how
// recently the offer was posted: older offers score less for freshness,
// and saying so would only be noise.
const freshWithin = 30

// topicReasons says which topics are shared, IP areas first; verb is
// "shares" for postings, "is an expert in" for consultants.
func topicReasons(verb string, shared []topicRef) []string {
	var ip, sectors []string
	for _, t := range shared {
		if t.ip {
			ip = append(ip, t.name)
		} else {
			sectors = append(sectors, t.name)
		}
	}
	var out []string
	if s := countedList(verb, "IP area", "IP areas", ip); s != "" {
		out = append(out, s)
	}
	if s := countedList(verb, "sector", "sectors", sectors); s != "" {
		out = append(out, s)
	}
	return out
}

// countedList writes "shares 2 IP areas: A, B" or "shares an IP area: A".
func countedList(verb, one, many string, names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%s %s %s: %s", verb, article(one), one, names[0])
	}
	names = slices.Clone(names)
	slices.Sort(names)
	return fmt.Sprintf("%s %d %s: %s", verb, len(names), many, strings.Join(names, ", "))
}

func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// kindPhrase is a kind of support in words.
func kindPhrase(k schematype.MatchKind) string {
	switch k {
	case schematype.MatchKindPublicPrivatePartnership:
		return "public-private partnership"
	default:
		return strings.ToLower(string(k))
	}
}

var languageNames = display.English.Languages()

// languageName is an ISO 639-1 code's English name ("es" is Spanish); the
// code itself when it has none.
func languageName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := languageNames.Name(tag); name != "" {
		return name
	}
	return code
}

// postedReason says how recently an offer was posted, age being its age
// in days at the start of the day; "" for offers older than freshWithin.
func postedReason(age float64) string {
	switch days := int(math.Ceil(age)); {
	case days <= 0:
		return "posted today"
	case days == 1:
		return "posted yesterday"
	case days <= freshWithin:
		return fmt.Sprintf("posted %d days ago", days)
	default:
		return ""
	}
}

const southSouthReason = "both parties are in developing countries"

// offerReasons explains an offer's score for a need.
func offerReasons(n *needProfile, r pairRow, shared []topicRef) []string {
	out := topicReasons("shares", shared)
	switch r.Place {
	case 3:
		out = append(out, "targets "+n.countryName)
	case 2:
		out = append(out, "targets "+n.regionName)
	case 1:
		out = append(out, "open to every country")
	}
	if r.Kind == 1 {
		out = append(out, "same kind of support: "+kindPhrase(n.kind))
	}
	if r.Lang.Valid {
		out = append(out, "offered in "+languageName(r.Lang.String))
	}
	if r.SS == 1 {
		out = append(out, southSouthReason)
	}
	if s := postedReason(r.Age); s != "" {
		out = append(out, s)
	}
	return out
}

// needReasons explains an offer's score for a need, as its provider reads
// it. The offer's freshness is the same for every need, so it goes
// unsaid.
func needReasons(o *offerProfile, r pairRow, shared []topicRef) []string {
	out := topicReasons("shares", shared)
	switch r.Place {
	case 3:
		out = append(out, "is for "+o.countries[int(r.Country.Int64)]+", which the offer targets")
	case 2:
		out = append(out, "is for a country in "+o.regions[int(r.Region.Int64)]+", which the offer targets")
	case 1:
		out = append(out, "the offer is open to every country")
	}
	if r.Kind == 1 {
		out = append(out, "same kind of support: "+kindPhrase(o.offer.Kind))
	}
	if r.Lang.Valid {
		out = append(out, "the seeker works in "+languageName(r.Lang.String))
	}
	if r.SS == 1 {
		out = append(out, southSouthReason)
	}
	return out
}
