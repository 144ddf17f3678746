// Package validate holds the rules that values written through the API
// must follow beyond their types: date order, ISO codes, languages. The
// ent schema's hooks apply them; a broken rule is a FieldError, which the
// API answers as BAD_USER_INPUT naming the field.
package validate

import (
	_ "embed"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"unicode/utf8"
)

// FieldError is a value that breaks a rule. Field is the ent field name
// (snake_case); the API reports it as the input's path.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Errorf returns a FieldError for field.
func Errorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

var (
	//go:embed iso639-1.txt
	iso639 string
	//go:embed iso3166-1.txt
	iso3166 string

	languages = lines(iso639, func(s string) (string, string) { return s, "" })
	alpha2    = lines(iso3166, func(s string) (string, string) { a, b, _ := strings.Cut(s, " "); return a, b })
	alpha3    = func() map[string]string {
		m := map[string]string{}
		for a2, a3 := range alpha2 {
			m[a3] = a2
		}
		return m
	}()
)

func lines(src string, split func(string) (string, string)) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v := split(l)
		m[k] = v
	}
	return m
}

// Language checks an ISO 639-1 code.
func Language(field, code string) error {
	if _, ok := languages[code]; !ok {
		return Errorf(field, "%q is not an ISO 639-1 language code (two lower-case letters, such as en or fr)", code)
	}
	return nil
}

// Languages checks a list of ISO 639-1 codes.
func Languages(field string, codes []string) error {
	for i, c := range codes {
		if err := Language(fmt.Sprintf("%s[%d]", field, i), c); err != nil {
			return err
		}
	}
	return nil
}

// CountryCodes checks an ISO 3166-1 alpha-2 and alpha-3 pair; either may
// be empty when it is not being set.
func CountryCodes(code, iso3 string) error {
	if code != "" {
		if _, ok := alpha2[code]; !ok {
			return Errorf("code", "%q is not an ISO 3166-1 alpha-2 code (two upper-case letters, such as KE)", code)
		}
	}
	if iso3 != "" {
		a2, ok := alpha3[iso3]
		if !ok {
			return Errorf("iso3", "%q is not an ISO 3166-1 alpha-3 code (three upper-case letters, such as KEN)", iso3)
		}
		if code != "" && a2 != code {
			return Errorf("iso3", "%q is the alpha-3 code of %s, not of %s", iso3, a2, code)
		}
	}
	return nil
}

// DependentsError refuses to delete a row that others cannot do without.
type DependentsError struct {
	Type       string         // the type of the row to delete
	Dependents map[string]int // edge name -> how many rows depend on it
}

func (e *DependentsError) Error() string {
	parts := make([]string, 0, len(e.Dependents))
	for _, name := range sortedKeys(e.Dependents) {
		parts = append(parts, fmt.Sprintf("%d %s", e.Dependents[name], name))
	}
	return fmt.Sprintf("the %s cannot be deleted while %s depend on it: delete or move them first", e.Type, strings.Join(parts, " and "))
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Email checks an e-mail address: one plain address, no display name.
func Email(field, addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return Errorf(field, "%q is not an e-mail address", addr)
	}
	return nil
}

// Text length limits, in characters (runes), so that one write cannot make
// every read of it huge. They are stated in the fields' descriptions.
const (
	MaxLongText = 20000 // descriptions, biographies, notes
	MaxListItem = 500   // one entry of a list of short strings
	MaxListLen  = 200   // entries of a list of short strings
)

// MaxRunes returns an ent validator that refuses strings of more than max
// characters. It counts runes, not bytes, so that the limit means the same
// in every script. Long texts take it alone (their columns stay unsized);
// sized columns take it before ent's MaxRuneLen, which sizes the column
// (varchar(n) on PostgreSQL counts characters too) but refuses without
// saying the length or the maximum.
func MaxRunes(max int) func(string) error {
	return func(s string) error {
		// len(s) is at least the rune count: most strings need no count.
		if len(s) <= max {
			return nil
		}
		if n := utf8.RuneCountInString(s); n > max {
			return &RuleError{Msg: fmt.Sprintf("is %d characters long; at most %d are allowed", n, max)}
		}
		return nil
	}
}

// ShortList checks a list of short strings: at most MaxListLen entries of
// at most MaxListItem characters each.
func ShortList(field string, items []string) error {
	if len(items) > MaxListLen {
		return Errorf(field, "has %d entries; at most %d are allowed", len(items), MaxListLen)
	}
	check := MaxRunes(MaxListItem)
	for i, s := range items {
		if err := check(s); err != nil {
			return Errorf(fmt.Sprintf("%s[%d]", field, i), "%v", err)
		}
	}
	return nil
}
