package graph

import (
	"sscgraph/ent"
	"sscgraph/internal/lang"
)

// countryName is Country.name(lang:): English when no language is given.
func countryName(c *ent.Country, l *lang.Language) string {
	if l == nil {
		return lang.CountryName(c, lang.EN)
	}
	return lang.CountryName(c, *l)
}
