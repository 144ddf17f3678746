package dataset

import (
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Streams of the generator: each table draws from its own PCG stream, so
// that changing how many records one table gets leaves the others' values
// unchanged (the demo organizations are the same at every size).
const (
	streamProjects uint64 = iota + 1
	streamOrganizations
	streamConsultants
	streamActivities
	streamOffers
	streamNeeds
	streamMatches
)

// rng wraps math/rand/v2 with the draws the generator needs. Every method
// is safe with empty or degenerate input: it never panics.
type rng struct{ r *rand.Rand }

func newRNG(seed, stream uint64) *rng {
	// The stream constant is spread over the whole word so that the streams
	// of neighbouring seeds do not overlap.
	return &rng{rand.New(rand.NewPCG(seed, stream*0x9E3779B97F4A7C15))}
}

// intn returns a value in [0, n); 0 when n <= 0.
func (g *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return g.r.IntN(n)
}

// between returns a value in [lo, hi].
func (g *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

func (g *rng) float() float64 { return g.r.Float64() }

// weighted returns an index into weights, each chosen with probability
// proportional to its weight.
func (g *rng) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += max(w, 0)
	}
	if total == 0 {
		return 0
	}
	x := g.r.IntN(total)
	for i, w := range weights {
		x -= max(w, 0)
		if x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// pick returns a random element of xs, or ok=false when xs is empty.
func pick[T any](g *rng, xs []T) (v T, ok bool) {
	if len(xs) == 0 {
		return v, false
	}
	return xs[g.r.IntN(len(xs))], true
}

// pickStr returns a random string of xs, "" when xs is empty.
func (g *rng) pickStr(xs []string) string {
	s, _ := pick(g, xs)
	return s
}

// addDistinct appends up to n values drawn from xs to dst, skipping values
// dst already holds. It gives up after a bounded number of draws, so a short
// xs yields fewer values rather than a loop.
func addDistinct(g *rng, dst []int, n int, xs []int) []int {
	target := len(dst) + n
	for tries := 0; len(dst) < target && tries < 8*n+8; tries++ {
		v, ok := pick(g, xs)
		if !ok {
			break
		}
		if !containsInt(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// dayIn returns midnight UTC of a random day in [from, to].
func (g *rng) dayIn(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, g.between(0, days))
}

// instantIn returns a random second in [from, to): for postings, whose
// times of day vary.
func (g *rng) instantIn(from, to time.Time) time.Time {
	secs := int(to.Sub(from) / time.Second)
	return from.Add(time.Duration(g.intn(secs)) * time.Second)
}

// titleCase capitalizes a sentence-case phrase for use inside a title,
// keeping small words lower case (even the first: "on the Use of ...") and
// acronyms ("IP", "SMEs") as they are. A title that starts with the phrase
// passes it through upperFirst too.
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if smallWords[w] {
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// upperFirst capitalizes the first letter of a sentence.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// slug turns a name into a lower-case ASCII slug: "Lucía Fictora" becomes
// "lucia-fictora".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if f, ok := foldASCII[r]; ok {
			r = f
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '\'' || r == '’':
			// "Artisans' Collective" -> "artisans-collective"
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// foldASCII maps the accented letters of the word lists to ASCII.
var foldASCII = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ñ': 'n', 'ç': 'c', 'ş': 's', 'ș': 's', 'ğ': 'g', 'ı': 'i',
}
