// Package lang names the six official UN languages the programme works in
// and picks a country's name in one of them.
package lang

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"sscgraph/ent"
)

// Language is one of the six UN languages, as the GraphQL enum Language
// spells it.
type Language string

// The six languages.
const (
	AR Language = "AR"
	EN Language = "EN"
	ES Language = "ES"
	FR Language = "FR"
	RU Language = "RU"
	ZH Language = "ZH"
)

// All lists the languages in the enum's order.
var All = []Language{AR, EN, ES, FR, RU, ZH}

// Parse reads a language from its enum value or its ISO 639-1 code, in
// either case ("FR", "fr").
func Parse(s string) (Language, error) {
	l := Language(strings.ToUpper(strings.TrimSpace(s)))
	for _, known := range All {
		if l == known {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown language %q: use one of AR, EN, ES, FR, RU, ZH", s)
}

// MarshalGQL writes the enum value.
func (l Language) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(l))) }

// UnmarshalGQL reads the enum value.
func (l *Language) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a language is an enum value (AR, EN, ES, FR, RU, ZH), got %T", v)
	}
	parsed, err := Parse(s)
	if err != nil {
		return err
	}
	*l = parsed
	return nil
}

// CountryName is the country's short name in l. Where iso-codes has no
// translation, the English name stands in: a map or a table is better
// with a name in another language than with a hole.
func CountryName(c *ent.Country, l Language) string {
	var name string
	switch l {
	case AR:
		name = c.NameAr
	case ES:
		name = c.NameEs
	case FR:
		name = c.NameFr
	case RU:
		name = c.NameRu
	case ZH:
		name = c.NameZh
	}
	if name == "" {
		return c.Name
	}
	return name
}

// Names is a country's name in every language (GraphQL CountryNames):
// nil where iso-codes has no translation, so that a client can tell a
// translation from the English stand-in CountryName gives.
type Names struct {
	En                 string
	Ar, Es, Fr, Ru, Zh *string
}

// CountryNames gives every language's name.
func CountryNames(c *ent.Country) Names {
	return Names{En: c.Name, Ar: orNil(c.NameAr), Es: orNil(c.NameEs), Fr: orNil(c.NameFr), Ru: orNil(c.NameRu), Zh: orNil(c.NameZh)}
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
