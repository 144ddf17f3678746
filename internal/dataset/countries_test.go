package dataset

import (
	"context"
	"testing"

	"sscgraph/ent"
	"sscgraph/ent/country"
)

// TestCountryNames checks names in the other five UN languages after
// loading, against the values of iso-codes' catalogues (iso-codes 4.15.0:
// /usr/share/locale/{ar,es,fr,ru,zh_CN}/LC_MESSAGES/iso_3166-1.mo).
func TestCountryNames(t *testing.T) {
	ctx := context.Background()
	client, _, _ := loadTestDB(t, Size{}, DefaultSeed)
	name := func(c *ent.Country, lang string) string {
		return map[string]string{"ar": c.NameAr, "es": c.NameEs, "fr": c.NameFr, "ru": c.NameRu, "zh": c.NameZh}[lang]
	}
	tests := []struct {
		code, lang, want string
	}{
		{"FR", "fr", "France"},
		{"DE", "fr", "Allemagne"},
		{"EG", "ar", "مصر"},
		{"CN", "zh", "中国"},
		{"RU", "ru", "Российская Федерация"},
		{"DE", "es", "Alemania"},
		// Common name "Bolivia" is in the catalogue: it wins over the ISO name.
		{"BO", "es", "Bolivia"},
		// Common name "Iran" is not in the French catalogue: the ISO name's
		// translation is used.
		{"IR", "fr", "Iran, République islamique d'"},
		// Türkiye: only the Chinese catalogue has the new name's msgid.
		{"TR", "zh", "土耳其"},
		{"TR", "fr", ""},
	}
	for _, tt := range tests {
		c, err := client.Country.Query().Where(country.Code(tt.code)).Only(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		if got := name(c, tt.lang); got != tt.want {
			t.Errorf("%s in %s = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}

	sovereign, err := client.Country.Query().Where(country.Sovereign(true)).Order(country.ByCode()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lacking []string
	for _, c := range sovereign {
		for _, lang := range []string{"ar", "es", "fr", "ru", "zh"} {
			if name(c, lang) == "" {
				lacking = append(lacking, c.Code)
				break
			}
		}
	}
	// iso-codes 4.15.0 renamed Turkey to Türkiye; of the five catalogues
	// only zh_CN translates the new msgid. Every other sovereign country
	// has all five names.
	t.Logf("%d of %d sovereign countries have all five names; lacking one: %v", len(sovereign)-len(lacking), len(sovereign), lacking)
	if len(sovereign) != 195 || len(lacking) != 1 || lacking[0] != "TR" {
		t.Errorf("%d sovereign countries, lacking a name: %v; want 195, lacking only TR", len(sovereign), lacking)
	}
}
