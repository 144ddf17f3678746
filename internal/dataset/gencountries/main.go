//go:build ignore

// Command gencountries generates internal/dataset/data/countries.json, the
// country list that sscgraph embeds. It is run by hand, once, and its output is
// committed, so building sscgraph needs none of its inputs.
//
// Run it from the repository root:
//
//	go run ./internal/dataset/gencountries/main.go \
//		-iso /usr/share/iso-codes/json/iso_3166-1.json \
//		-locale /usr/share/locale \
//		-latlng /tmp/wc/node_modules/world-countries/countries.json \
//		-out internal/dataset/data/countries.json
//
// The committed file was generated from iso-codes 4.15.0 (Debian package
// 4.15.0-1) and world-countries 5.1.0 (npm install world-countries@5.1.0).
//
// (The file carries a "go:build ignore" constraint so that it is not part of
// the sscgraph build; go run therefore has to be given the file, not the
// directory.)
//
// Inputs:
//
//   - -iso: ISO 3166-1 as shipped by Debian's iso-codes package
//     (apt-get install iso-codes). Codes, alpha-3, the numeric code (three
//     digits with leading zeros, as ISO writes it; maps join Natural Earth
//     shapes on it), names and official names come from here; "name" is the entry's common_name when it has one.
//   - -locale: the directory of iso-codes' gettext catalogues (the same
//     package), read as <dir>/<locale>/LC_MESSAGES/iso_3166-1.mo for the
//     other five UN languages: ar, es, fr, ru, and zh from the zh_CN
//     catalogue (Simplified Chinese, the UN's written form; iso-codes also
//     ships zh_HK and zh_TW, which are not used). A catalogue's msgids are
//     the English strings of iso_3166-1.json; a country's translated name is
//     the translation of its common_name where the catalogue has one, else
//     of its name (the same choice as the English "name" below). A language
//     without a translation is left out of the record's "names".
//   - -latlng: countries.json of the npm package world-countries
//     (mkdir -p /tmp/wc && cd /tmp/wc && npm init -y && npm install
//     world-countries). Its "latlng" field, keyed by "cca2", gives the
//     centroid. The data is under the ODbL, which NOTICE credits.
//
// Everything else (bureau, LDC status, sovereignty, notes) is the Go data
// below. The facts come from the project's programme facts
// (programme-facts.md, sections "Regions" and "Least developed countries"); where the facts leave a choice open, the choice is
// sscgraph's own and the record says so in its "note".
//
// Judgement calls, README-ready:
//
//   - "sovereign" means a UN member state or one of the two UN non-member
//     observer states (Holy See, State of Palestine): 195 records. Everything
//     else in ISO 3166-1 is a territory or other area, sovereign=false.
//   - Asia and the Pacific: the facts give the bureau 38 countries. The 34
//     developing UN members of the region, plus the Republic of Korea and
//     Singapore (high-income, but served by the regional bureau rather than
//     listed as developed), plus Cook Islands and Niue (self-governing in free
//     association with New Zealand, not UN members) make exactly 38, so all
//     four are placed in ASIA_PACIFIC.
//   - Certain countries in Europe and Asia: the "some Mediterranean countries"
//     are taken to be Cyprus, Israel, Malta and Türkiye.
//   - Territories follow the bureau of their geographic area when the state
//     that administers them is developing (Hong Kong, Macao, and Taiwan as
//     listed by ISO 3166-1, all ASIA_PACIFIC), otherwise DEVELOPED. Western
//     Sahara, whose status is disputed, is placed in AFRICA by geography.
//     Antarctica and uninhabited territories are DEVELOPED.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Bureau codes, as in regions.json.
const (
	africa   = "AFRICA"
	arab     = "ARAB"
	asiaPac  = "ASIA_PACIFIC"
	latAm    = "LATIN_AMERICA_CARIBBEAN"
	euroAsia = "EUROPE_ASIA"
	devd     = "DEVELOPED"
)

// sovereignStates maps each bureau to the sovereign states it is responsible
// for (for DEVELOPED: the developed states, which appear as providers and
// partners). Every UN member state appears exactly once, plus the Holy See
// and the State of Palestine.
var sovereignStates = map[string][]string{
	// The 22 members of the League of Arab States, wherever they lie:
	// Algeria, Bahrain, Comoros, Djibouti, Egypt, Iraq, Jordan, Kuwait,
	// Lebanon, Libya, Mauritania, Morocco, Oman, Palestine, Qatar, Saudi
	// Arabia, Somalia, Sudan, Syria, Tunisia, United Arab Emirates, Yemen.
	arab: {
		"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
		"MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
	},
	// The African states that are not Arab League members (44).
	africa: {
		"AO", "BJ", "BW", "BF", "BI", "CV", "CM", "CF", "TD", "CG", "CD",
		"CI", "GQ", "ER", "SZ", "ET", "GA", "GM", "GH", "GN", "GW", "KE",
		"LS", "LR", "MG", "MW", "ML", "MU", "MZ", "NA", "NE", "NG", "RW",
		"ST", "SN", "SC", "SL", "ZA", "SS", "TZ", "TG", "UG", "ZM", "ZW",
	},
	// Developing countries of Asia and the Pacific: South Asia, Iran and
	// Afghanistan, East and South-East Asia, the Pacific island states, plus
	// the Republic of Korea and Singapore (judgement: see the package doc and
	// the records' notes). With Cook Islands and Niue (associatedStates)
	// this is the bureau's 38 countries.
	asiaPac: {
		// South and West Asia
		"AF", "BD", "BT", "IN", "IR", "MV", "NP", "PK", "LK",
		// East Asia
		"CN", "KP", "KR", "MN",
		// South-East Asia
		"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN",
		// Pacific island states
		"FJ", "KI", "MH", "FM", "NR", "PW", "PG", "WS", "SB", "TO", "TV",
		"VU",
	},
	// Latin America and the Caribbean: the 33 sovereign states of the region.
	latAm: {
		"AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CL", "CO", "CR", "CU",
		"DM", "DO", "EC", "SV", "GD", "GT", "GY", "HT", "HN", "JM", "MX",
		"NI", "PA", "PY", "PE", "KN", "LC", "VC", "SR", "TT", "UY", "VE",
	},
	// Central European and Baltic states, Central Asian, Eastern European
	// and Caucasian countries, and some Mediterranean countries (Cyprus,
	// Israel, Malta, Türkiye: judgement, noted on the records).
	euroAsia: {
		// Central European and Baltic states, South-Eastern Europe
		"AL", "BA", "BG", "HR", "CZ", "EE", "HU", "LV", "LT", "ME", "MK",
		"PL", "RO", "RS", "SK", "SI",
		// Eastern Europe and the Caucasus
		"AM", "AZ", "BY", "GE", "MD", "RU", "UA",
		// Central Asia
		"KZ", "KG", "TJ", "TM", "UZ",
		// Mediterranean
		"CY", "IL", "MT", "TR",
	},
	// Developed countries: Western Europe, North America, Japan, Australia,
	// New Zealand.
	devd: {
		"AD", "AT", "BE", "DK", "FI", "FR", "DE", "GR", "IS", "IE", "IT",
		"LI", "LU", "MC", "NL", "NO", "PT", "SM", "ES", "SE", "CH", "GB",
		"VA", "CA", "US", "JP", "AU", "NZ",
	},
}

// otherAreas holds every ISO 3166-1 entry that is not in sovereignStates,
// with its bureau. All are sovereign=false.
var otherAreas = map[string]string{
	// Self-governing in free association with New Zealand; counted among the
	// Asia and the Pacific bureau's 38 countries.
	"CK": asiaPac, "NU": asiaPac,
	// Administered by (or, for Taiwan, listed by ISO 3166-1 under) China, a
	// developing country: the bureau of the geographic area.
	"HK": asiaPac, "MO": asiaPac, "TW": asiaPac,
	// Disputed status; Africa by geography.
	"EH": africa,

	// Territories of developed states: DEVELOPED.
	// Australia
	"CX": devd, "CC": devd, "NF": devd, "HM": devd,
	// Denmark
	"FO": devd, "GL": devd,
	// Finland
	"AX": devd,
	// France
	"BL": devd, "GF": devd, "GP": devd, "MF": devd, "MQ": devd, "NC": devd,
	"PF": devd, "PM": devd, "RE": devd, "TF": devd, "WF": devd, "YT": devd,
	// Netherlands
	"AW": devd, "BQ": devd, "CW": devd, "SX": devd,
	// New Zealand
	"TK": devd,
	// Norway
	"BV": devd, "SJ": devd,
	// United Kingdom (including Crown Dependencies)
	"AI": devd, "BM": devd, "FK": devd, "GG": devd, "GI": devd, "GS": devd,
	"IM": devd, "IO": devd, "JE": devd, "KY": devd, "MS": devd, "PN": devd,
	"SH": devd, "TC": devd, "VG": devd,
	// United States
	"AS": devd, "GU": devd, "MP": devd, "PR": devd, "UM": devd, "VI": devd,
	// Antarctica
	"AQ": devd,
}

// ldc is the UN list of least developed countries: 44 since São Tomé and
// Príncipe graduated on 13 December 2024 (earlier graduations: Vanuatu 2020,
// Bhutan 2023). Bangladesh, Lao PDR and Nepal were due to graduate in late
// 2026; until the facts file records that, they stay on the list.
var ldc = []string{
	// Africa (32)
	"AO", "BJ", "BF", "BI", "CF", "TD", "KM", "CD", "DJ", "ER", "ET",
	"GM", "GN", "GW", "LS", "LR", "MG", "MW", "ML", "MR", "MZ", "NE",
	"RW", "SN", "SL", "SO", "SS", "SD", "TG", "UG", "TZ", "ZM",
	// Asia (8)
	"AF", "BD", "KH", "LA", "MM", "NP", "TL", "YE",
	// Pacific (3)
	"KI", "SB", "TV",
	// Caribbean (1)
	"HT",
}

// notes records sscgraph's judgement on individual records. Territories of
// developed states get territoryNote unless they appear here.
var notes = map[string]string{
	"KR": "Bureau is sscgraph's judgement: high-income, but placed with Asia and the Pacific (one of the bureau's 38 countries) rather than DEVELOPED.",
	"SG": "Bureau is sscgraph's judgement: high-income, but placed with Asia and the Pacific (one of the bureau's 38 countries) rather than DEVELOPED.",
	"CK": "Self-governing in free association with New Zealand and not a UN member, so sovereign is false; bureau ASIA_PACIFIC is sscgraph's judgement.",
	"NU": "Self-governing in free association with New Zealand and not a UN member, so sovereign is false; bureau ASIA_PACIFIC is sscgraph's judgement.",
	"HK": "Special Administrative Region of China; bureau follows China (sscgraph's judgement).",
	"MO": "Special Administrative Region of China; bureau follows China (sscgraph's judgement).",
	"TW": "Region and sovereign follow the ISO 3166-1 listing (Taiwan, Province of China); sscgraph takes no position on status.",
	"EH": "Disputed status; placed in AFRICA by geography (sscgraph's judgement; no position on status).",
	"PS": "UN non-member observer State and Arab League member; sovereign=true is sscgraph's judgement.",
	"VA": "UN non-member observer State; sovereign=true is sscgraph's judgement.",
	"CY": "Placed in EUROPE_ASIA as one of 'some Mediterranean countries' (sscgraph's judgement).",
	"IL": "Placed in EUROPE_ASIA as one of 'some Mediterranean countries' (sscgraph's judgement).",
	"MT": "Placed in EUROPE_ASIA as one of 'some Mediterranean countries' (sscgraph's judgement).",
	"TR": "Placed in EUROPE_ASIA as one of 'some Mediterranean countries' (sscgraph's judgement).",
	"AQ": "Not a country; placed in DEVELOPED by sscgraph's rule for Antarctica and uninhabited territories.",
}

const territoryNote = "Territory of a developed state; placed in DEVELOPED by sscgraph's rule for non-sovereign territories."

// approxCentroids is the fallback for codes that world-countries lacks
// (latitude, longitude). world-countries 5.1.0 covers all 249 codes, so it is
// empty; add an entry here if a later version drops one.
var approxCentroids = map[string][2]float64{}

// Expected counts, checked before writing.
const (
	wantArab      = 22
	wantLDC       = 44
	wantSovereign = 195
)

type isoEntry struct {
	Alpha2       string `json:"alpha_2"`
	Alpha3       string `json:"alpha_3"`
	Numeric      string `json:"numeric"`
	Name         string `json:"name"`
	CommonName   string `json:"common_name"`
	OfficialName string `json:"official_name"`
}

type wcEntry struct {
	CCA2   string    `json:"cca2"`
	LatLng []float64 `json:"latlng"`
}

// languages are the UN languages other than English, with the iso-codes
// locale whose catalogue gives each. Chinese is zh_CN (Simplified Chinese,
// the form the UN writes); zh_HK and zh_TW are not used.
var languages = []struct{ lang, locale string }{
	{"ar", "ar"}, {"es", "es"}, {"fr", "fr"}, {"ru", "ru"}, {"zh", "zh_CN"},
}

// names is a country's short name in the other five UN languages; a
// language without a translation is omitted.
type names struct {
	Ar string `json:"ar,omitempty"`
	Es string `json:"es,omitempty"`
	Fr string `json:"fr,omitempty"`
	Ru string `json:"ru,omitempty"`
	Zh string `json:"zh,omitempty"`
}

func (n *names) set(lang, s string) {
	switch lang {
	case "ar":
		n.Ar = s
	case "es":
		n.Es = s
	case "fr":
		n.Fr = s
	case "ru":
		n.Ru = s
	case "zh":
		n.Zh = s
	default:
		panic("unknown language " + lang)
	}
}

func (n *names) complete() bool {
	return n.Ar != "" && n.Es != "" && n.Fr != "" && n.Ru != "" && n.Zh != ""
}

type country struct {
	Code         string  `json:"code"`
	ISO3         string  `json:"iso3"`
	Numeric      string  `json:"numeric"`
	Name         string  `json:"name"`
	OfficialName string  `json:"officialName,omitempty"`
	Names        *names  `json:"names,omitempty"`
	Region       string  `json:"region"`
	LDC          bool    `json:"ldc"`
	Latitude     float64 `json:"latitude"`
	Longitude    float64 `json:"longitude"`
	Sovereign    bool    `json:"sovereign"`
	Note         string  `json:"note,omitempty"`
}

func main() {
	isoPath := flag.String("iso", "/usr/share/iso-codes/json/iso_3166-1.json", "iso-codes ISO 3166-1 JSON file")
	localeDir := flag.String("locale", "/usr/share/locale", "directory of iso-codes' gettext catalogues (<locale>/LC_MESSAGES/iso_3166-1.mo)")
	latlngPath := flag.String("latlng", "", "world-countries countries.json")
	outPath := flag.String("out", "internal/dataset/data/countries.json", "output file")
	flag.Parse()
	if *latlngPath == "" {
		log.Fatal("-latlng is required")
	}

	var iso map[string][]isoEntry
	readJSON(*isoPath, &iso)
	entries := iso["3166-1"]
	if len(entries) == 0 {
		log.Fatalf("%s: no \"3166-1\" entries", *isoPath)
	}

	var wc []wcEntry
	readJSON(*latlngPath, &wc)
	latlng := make(map[string][]float64, len(wc))
	for _, c := range wc {
		latlng[c.CCA2] = c.LatLng
	}

	catalogues := make(map[string]map[string]string, len(languages))
	for _, l := range languages {
		path := filepath.Join(*localeDir, l.locale, "LC_MESSAGES", "iso_3166-1.mo")
		cat, err := readMO(path)
		if err != nil {
			log.Fatal(err)
		}
		catalogues[l.lang] = cat
	}

	countries, err := build(entries, latlng, catalogues)
	if err != nil {
		log.Fatal(err)
	}

	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(countries); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*outPath, []byte(buf.String()), 0o644); err != nil {
		log.Fatal(err)
	}

	perRegion := map[string]int{}
	for _, c := range countries {
		perRegion[c.Region]++
	}
	fmt.Fprintf(os.Stderr, "wrote %d countries to %s\n", len(countries), *outPath)
	for _, r := range []string{africa, arab, asiaPac, latAm, euroAsia, devd} {
		fmt.Fprintf(os.Stderr, "  %-24s %d\n", r, perRegion[r])
	}
	perLang := map[string]int{}
	var complete, sovComplete int
	var sovMissing []string
	for _, c := range countries {
		n := c.Names
		if n == nil {
			n = &names{}
		}
		for lang, s := range map[string]string{"ar": n.Ar, "es": n.Es, "fr": n.Fr, "ru": n.Ru, "zh": n.Zh} {
			if s != "" {
				perLang[lang]++
			}
		}
		switch {
		case n.complete():
			complete++
			if c.Sovereign {
				sovComplete++
			}
		case c.Sovereign:
			sovMissing = append(sovMissing, c.Code)
		}
	}
	fmt.Fprintf(os.Stderr, "names: %d of %d records have all five (%d of %d sovereign)\n",
		complete, len(countries), sovComplete, wantSovereign)
	for _, l := range languages {
		fmt.Fprintf(os.Stderr, "  %s (%s) %d\n", l.lang, l.locale, perLang[l.lang])
	}
	if len(sovMissing) > 0 {
		fmt.Fprintf(os.Stderr, "  sovereign without all five: %s\n", strings.Join(sovMissing, " "))
	}
}

// readMO reads a GNU gettext catalogue (.mo) into a map from msgid to
// msgstr. The format: a little- or big-endian header (magic 0x950412de,
// revision, string count N, offset of the msgid table, offset of the msgstr
// table), then two tables of N (length, offset) pairs pointing at the
// strings. The catalogue must declare charset=UTF-8. The header entry (empty
// msgid) is dropped; iso_3166-1 has no contexts or plurals, and an entry
// with either is rejected rather than misread.
func readMO(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	if len(data) < 20 {
		return nil, fail("too short for a .mo header")
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint32(data) == 0x950412de:
		order = binary.LittleEndian
	case binary.BigEndian.Uint32(data) == 0x950412de:
		order = binary.BigEndian
	default:
		return nil, fail("not a .mo file (magic %#x)", binary.LittleEndian.Uint32(data))
	}
	if rev := order.Uint32(data[4:]); rev>>16 != 0 {
		return nil, fail("unsupported major revision %d", rev>>16)
	}
	n := int(order.Uint32(data[8:]))
	origTab, transTab := int(order.Uint32(data[12:])), int(order.Uint32(data[16:]))
	str := func(table, i int) (string, error) {
		at := table + 8*i
		if at < 0 || at+8 > len(data) {
			return "", errors.New("string table out of range")
		}
		length, off := int(order.Uint32(data[at:])), int(order.Uint32(data[at+4:]))
		if off < 0 || length < 0 || off+length > len(data) {
			return "", fmt.Errorf("string %d out of range", i)
		}
		return string(data[off : off+length]), nil
	}
	out := make(map[string]string, n)
	for i := range n {
		id, err := str(origTab, i)
		if err != nil {
			return nil, fail("msgid: %v", err)
		}
		s, err := str(transTab, i)
		if err != nil {
			return nil, fail("msgstr: %v", err)
		}
		if id == "" {
			if !strings.Contains(strings.ToLower(s), "charset=utf-8") {
				return nil, fail("catalogue is not UTF-8")
			}
			continue
		}
		if strings.ContainsAny(id, "\x00\x04") || strings.Contains(s, "\x00") {
			return nil, fail("msgid %q has a context or plural forms", id)
		}
		if s != "" {
			out[id] = s
		}
	}
	if len(out) == 0 {
		return nil, fail("no translations")
	}
	return out, nil
}

func readJSON(path string, v any) {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

// build joins the inputs with the tables above and checks the result.
func build(entries []isoEntry, latlng map[string][]float64, catalogues map[string]map[string]string) ([]country, error) {
	known := make(map[string]bool, len(entries))
	for _, e := range entries {
		known[e.Alpha2] = true
	}

	region := map[string]string{}
	sovereign := map[string]bool{}
	for r, codes := range sovereignStates {
		for _, code := range codes {
			if _, dup := region[code]; dup {
				return nil, fmt.Errorf("%s listed twice in sovereignStates", code)
			}
			region[code] = r
			sovereign[code] = true
		}
	}
	for code, r := range otherAreas {
		if _, dup := region[code]; dup {
			return nil, fmt.Errorf("%s is in both sovereignStates and otherAreas", code)
		}
		region[code] = r
	}
	isLDC := map[string]bool{}
	for _, code := range ldc {
		if isLDC[code] {
			return nil, fmt.Errorf("%s listed twice in ldc", code)
		}
		isLDC[code] = true
	}

	// Every table code must be a real ISO code.
	for _, table := range []map[string]bool{sovereign, isLDC} {
		for code := range table {
			if !known[code] {
				return nil, fmt.Errorf("%s is not in ISO 3166-1", code)
			}
		}
	}
	for code := range region {
		if !known[code] {
			return nil, fmt.Errorf("%s is not in ISO 3166-1", code)
		}
	}
	for code := range notes {
		if !known[code] {
			return nil, fmt.Errorf("note for unknown code %s", code)
		}
	}

	out := make([]country, 0, len(entries))
	numerics := make(map[string]string, len(entries))
	for _, e := range entries {
		// ISO writes the numeric code as exactly three digits; the schema
		// rejects anything else, and a map joins on it, so it must be unique.
		if !isNumeric3(e.Numeric) {
			return nil, fmt.Errorf("%s: numeric code %q is not three digits", e.Alpha2, e.Numeric)
		}
		if other, dup := numerics[e.Numeric]; dup {
			return nil, fmt.Errorf("%s and %s share the numeric code %s", other, e.Alpha2, e.Numeric)
		}
		numerics[e.Numeric] = e.Alpha2
		r, ok := region[e.Alpha2]
		if !ok {
			return nil, fmt.Errorf("%s (%s) has no bureau: add it to sovereignStates or otherAreas", e.Alpha2, e.Name)
		}
		c := country{
			Code:         e.Alpha2,
			ISO3:         e.Alpha3,
			Numeric:      e.Numeric,
			Name:         e.Name,
			OfficialName: e.OfficialName,
			Region:       r,
			LDC:          isLDC[e.Alpha2],
			Sovereign:    sovereign[e.Alpha2],
			Note:         notes[e.Alpha2],
		}
		if e.CommonName != "" {
			c.Name = e.CommonName
		}
		var n names
		for _, l := range languages {
			cat := catalogues[l.lang]
			s, ok := cat[e.CommonName]
			if !ok || e.CommonName == "" {
				s = cat[e.Name]
			}
			n.set(l.lang, s)
		}
		if n != (names{}) {
			c.Names = &n
		}
		if c.Note == "" && !c.Sovereign && r == devd {
			c.Note = territoryNote
		}
		if ll := latlng[e.Alpha2]; len(ll) == 2 {
			c.Latitude, c.Longitude = ll[0], ll[1]
		} else if ll, ok := approxCentroids[e.Alpha2]; ok {
			c.Latitude, c.Longitude = ll[0], ll[1]
			if c.Note != "" {
				c.Note += " "
			}
			c.Note += "centroid approximate"
		} else {
			return nil, fmt.Errorf("%s: no centroid in world-countries: add it to approxCentroids", e.Alpha2)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })

	var nArab, nLDC, nSov int
	for _, c := range out {
		if c.Region == arab {
			nArab++
		}
		if c.LDC {
			nLDC++
		}
		if c.Sovereign {
			nSov++
		}
	}
	if nArab != wantArab {
		return nil, fmt.Errorf("%d ARAB records, want %d", nArab, wantArab)
	}
	if nLDC != wantLDC {
		return nil, fmt.Errorf("%d LDCs, want %d", nLDC, wantLDC)
	}
	if nSov != wantSovereign {
		return nil, fmt.Errorf("%d sovereign records, want %d", nSov, wantSovereign)
	}
	if len(out) != len(entries) {
		return nil, fmt.Errorf("%d records for %d ISO entries", len(out), len(entries))
	}
	return out, nil
}

// isNumeric3 reports whether s is exactly three ASCII digits.
func isNumeric3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
