package graph

import (
	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/predicate"
	"sscgraph/internal/lang"
)

// countryName is Country.name(lang:): English when no language is given.
func countryName(c *ent.Country, l *lang.Language) string {
	if l == nil {
		return lang.CountryName(c, lang.EN)
	}
	return lang.CountryName(c, *l)
}

// anyNameContainsFold is the filter anyNameContainsFold: the name in any
// of the six languages contains s, ignoring case.
func anyNameContainsFold(s string) predicate.Country {
	return country.Or(
		country.NameContainsFold(s), country.NameArContainsFold(s), country.NameEsContainsFold(s),
		country.NameFrContainsFold(s), country.NameRuContainsFold(s), country.NameZhContainsFold(s),
	)
}
