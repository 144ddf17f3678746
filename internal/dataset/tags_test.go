package dataset

import (
	"context"
	"strings"
	"testing"

	"sscgraph/ent"
)

// TestDemoPostingTagsFromTitles: every topic a demo offer or need is
// tagged with is named in its title (one of the topic's phrases, or its
// sector), so that tags, and the reasons suggestions give from them, say
// what the title says: a need about traditional cultural expressions is
// not tagged PATENTS.
func TestDemoPostingTagsFromTitles(t *testing.T) {
	ctx := context.Background()
	client, _, _ := loadTestDB(t, DemoSize(), DefaultSeed)
	check := func(kind, title string, topics []*ent.Topic) {
		t.Helper()
		if len(topics) == 0 {
			t.Errorf("%s %q has no topic", kind, title)
		}
		lower := strings.ToLower(title)
		for _, tp := range topics {
			v := topicVocab[tp.Code]
			words := append([]string{strings.ToLower(tp.Name)}, v.phrases...)
			if v.sector != "" {
				words = append(words, v.sector)
			}
			named := false
			for _, w := range words {
				named = named || strings.Contains(lower, strings.ToLower(w))
			}
			if !named {
				t.Errorf("%s %q is tagged %s, which its title does not name (%q)", kind, title, tp.Code, words)
			}
		}
	}
	offers, err := client.MatchOffer.Query().WithTopics().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	needs, err := client.MatchNeed.Query().WithTopics().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) == 0 || len(needs) == 0 {
		t.Fatalf("%d offers and %d needs: the demo set has postings", len(offers), len(needs))
	}
	for _, o := range offers {
		check("offer", o.Title, o.Edges.Topics)
	}
	for _, n := range needs {
		check("need", n.Title, n.Edges.Topics)
	}
}
