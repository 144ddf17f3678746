// Package cooperation derives whether a Match is South-South, triangular or
// other cooperation from the countries of its parties.
package cooperation

import "sscgraph/ent/match"

// Party is one party to a match as the cooperation rule sees it: the offer's
// provider organization, the need's seeker organization, or the country the
// need is for.
type Party struct {
	// Country is the ISO 3166-1 alpha-2 code of the party's country, empty
	// for an organization without one (an intergovernmental body).
	Country string
	// Developing reports that Country's region is not DEVELOPED. It is
	// ignored when Country is empty.
	Developing bool
}

func (p Party) developing() bool { return p.Country != "" && p.Developing }
func (p Party) developed() bool  { return p.Country != "" && !p.Developing }

// Of derives a match's cooperation kind from its parties: the
// offer's provider organization, the need's seeker organization and the
// need's country.
//
// The rule, in order:
//
//   - SOUTH_SOUTH: the provider is in a developing country, every other
//     party that has a country is in a developing one, and at least two
//     distinct developing countries take part (help within one country is
//     domestic, not South-South).
//   - TRIANGULAR: the provider is in a developed country or has no country
//     (an intergovernmental body), the seeker is in a developing country,
//     the need is for a developing country, and the seeker's country is not
//     the need's, so that two developing countries cooperate with the
//     provider's support.
//   - OTHER: everything else, e.g. a developed-country provider helping a
//     seeker with a need in its own country (classic North-South help), or
//     any party in a developed country besides the provider.
//
// A provider without a country is never South-South: South-South
// cooperation is between developing countries, and an intergovernmental
// provider makes it triangular at best.
func Of(provider, seeker, need Party) match.Cooperation {
	if provider.developing() {
		if seeker.developed() || need.developed() {
			return match.CooperationOTHER
		}
		countries := map[string]bool{provider.Country: true}
		if seeker.developing() {
			countries[seeker.Country] = true
		}
		if need.developing() {
			countries[need.Country] = true
		}
		if len(countries) >= 2 {
			return match.CooperationSOUTH_SOUTH
		}
		return match.CooperationOTHER
	}
	// The provider is in a developed country or has none.
	if seeker.developing() && need.developing() && seeker.Country != need.Country {
		return match.CooperationTRIANGULAR
	}
	return match.CooperationOTHER
}
