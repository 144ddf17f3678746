package pagesql_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// sortKeyCopies are the join tables that keep a copy of their child's
// date (ent/schema/sortkeys.go), with the SQL that finds rows whose copy
// differs from the child's date (a NULL copy of a date, or a date copied
// where the child has none; the dates of activities may be NULL).
var sortKeyCopies = map[string]string{
	"activity_beneficiary_countries": `SELECT count(*) FROM activity_beneficiary_countries j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"activity_provider_countries":    `SELECT count(*) FROM activity_provider_countries j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"activity_topics":                `SELECT count(*) FROM activity_topics j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"activity_consultants":           `SELECT count(*) FROM activity_consultants j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"activity_organizers":            `SELECT count(*) FROM activity_organizers j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"activity_partners":              `SELECT count(*) FROM activity_partners j JOIN activities a ON a.id = j.activity_id WHERE (j.start_date IS NULL) <> (a.start_date IS NULL) OR j.start_date <> a.start_date`,
	"match_offer_topics":             `SELECT count(*) FROM match_offer_topics j JOIN match_offers o ON o.id = j.match_offer_id WHERE (j.posted_at IS NULL) <> (o.posted_at IS NULL) OR j.posted_at <> o.posted_at`,
	"match_offer_target_countries":   `SELECT count(*) FROM match_offer_target_countries j JOIN match_offers o ON o.id = j.match_offer_id WHERE (j.posted_at IS NULL) <> (o.posted_at IS NULL) OR j.posted_at <> o.posted_at`,
	"match_offer_target_regions":     `SELECT count(*) FROM match_offer_target_regions j JOIN match_offers o ON o.id = j.match_offer_id WHERE (j.posted_at IS NULL) <> (o.posted_at IS NULL) OR j.posted_at <> o.posted_at`,
}

// TestSortKeysFollowWrites changes dates and links through the API and
// checks that every join table's copy still equals its child's date, and
// that a country's activities newest first (a page read from the copies)
// match SQL over the activities themselves.
func TestSortKeysFollowWrites(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSortKeysFollowWrites)
}

func testSortKeysFollowWrites(t *testing.T, a *apitest.API) {
	stale := func(when string) {
		t.Helper()
		for table, q := range sortKeyCopies {
			if n := a.Count(t, q); n != 0 {
				t.Errorf("%s: %d rows of %s have a copy that differs from their child's date", when, n, table)
			}
		}
	}
	stale("after loading")

	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	codec := a.Codec
	var country, topic, activity, offer int
	fmt.Sscan(a.Column(t, `SELECT country_id FROM activity_beneficiary_countries GROUP BY country_id ORDER BY count(*) DESC, country_id LIMIT 1`)[0], &country)
	fmt.Sscan(a.Column(t, `SELECT id FROM topics ORDER BY id LIMIT 1`)[0], &topic)
	fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT activity_id FROM activity_beneficiary_countries WHERE country_id = %d ORDER BY activity_id LIMIT 1`, country))[0], &activity)
	fmt.Sscan(a.Column(t, `SELECT match_offer_id FROM match_offer_topics ORDER BY match_offer_id LIMIT 1`)[0], &offer)

	steps := []struct {
		name, query string
		vars        map[string]any
	}{
		{"an activity moves to the future", `mutation($id: ID!) { updateActivity(id: $id, input: {startDate: "2031-03-01T00:00:00Z", endDate: "2031-03-05T00:00:00Z"}) { id } }`,
			map[string]any{"id": codec.Encode(activity)}},
		{"a new activity links to the country and a topic", `mutation($c: ID!, $t: ID!) { createActivity(input: {title: "Newest", kind: TECHNICAL_ASSISTANCE, type: WORKSHOP, status: PLANNED,
			startDate: "2032-01-01T00:00:00Z", endDate: "2032-01-02T00:00:00Z", beneficiaryCountryIDs: [$c], topicIDs: [$t]}) { id } }`,
			map[string]any{"c": codec.Encode(country), "t": codec.Encode(topic)}},
		{"an activity gains a topic", `mutation($id: ID!, $t: ID!) { updateActivity(id: $id, input: {addTopicIDs: [$t]}) { id } }`,
			map[string]any{"id": codec.Encode(activity), "t": codec.Encode(topic)}},
		{"an offer is reposted", `mutation($id: ID!) { updateMatchOffer(id: $id, input: {postedAt: "2026-11-20T00:00:00Z"}) { id } }`,
			map[string]any{"id": codec.Encode(offer)}},
	}
	for _, s := range steps {
		if r := editor.Do(t, s.query, s.vars); len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", s.name, r.Errors)
		}
		stale("after " + s.name)
	}

	// The country's and the topic's activities, newest first, through the
	// copies, against SQL over the activities' own dates.
	r := a.Query(t, `query($ids: [ID!]) { countries(where: {idIn: $ids}) { edges { node {
		activities(first: 5, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { id title } } } } } }
		topics(first: 1) { edges { node { activities(first: 5, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { id } } } } } } }`,
		map[string]any{"ids": []string{codec.Encode(country)}})
	for _, c := range []struct {
		path, sql string
	}{
		{"countries.edges.0.node.activities", fmt.Sprintf(`SELECT a.id FROM activities a JOIN activity_beneficiary_countries j ON j.activity_id = a.id WHERE j.country_id = %d ORDER BY a.start_date DESC NULLS FIRST, a.id LIMIT 5`, country)},
		{"topics.edges.0.node.activities", fmt.Sprintf(`SELECT a.id FROM activities a JOIN activity_topics j ON j.activity_id = a.id WHERE j.topic_id = %d ORDER BY a.start_date DESC NULLS FIRST, a.id LIMIT 5`, topic)},
	} {
		var want []int
		for _, s := range a.Column(t, c.sql) {
			var k int
			fmt.Sscan(s, &k)
			want = append(want, k)
		}
		got := keysOf(t, edgesOf(r, c.path))
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.path, got, want)
		}
	}
	if got := r.Str("countries.edges.0.node.activities.edges.0.node.title"); got != "Newest" {
		t.Errorf("the country's newest activity is %q, want the one just created", got)
	}
}

// edgesOf reads a connection's edges at path as page edges.
func edgesOf(r apitest.Response, path string) []pageEdge {
	var out []pageEdge
	for _, e := range r.List(path + ".edges") {
		node := e.(map[string]any)["node"].(map[string]any)
		out = append(out, pageEdge{ID: node["id"].(string)})
	}
	return out
}
