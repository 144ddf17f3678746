package dataset

import (
	"context"
	"testing"

	"sscgraph/internal/participants"
)

// TestDemoFiguresKeepTheRule: half the demo activities come with
// participants per beneficiary country, and for every activity the total
// equals their sum (participants.Rule, the API's own rule).
func TestDemoFiguresKeepTheRule(t *testing.T) {
	client, db, stats := loadTestDB(t, DemoSize(), DefaultSeed)
	// The demo activities: the real ones have figures where their source
	// gives them (TestRealActivities).
	rows, err := db.Query(`SELECT a.id, a.participants, b.participants FROM activities a
		JOIN activity_beneficiary_countries b ON b.activity_id = a.id WHERE a.demo ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	totals := map[int]*int{}
	figures := map[int][]*int{}
	for rows.Next() {
		var id int
		var total, p *int
		if err := rows.Scan(&id, &total, &p); err != nil {
			t.Fatal(err)
		}
		totals[id] = total
		figures[id] = append(figures[id], p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	with := 0
	for id, fs := range figures {
		if err := participants.Rule(totals[id], fs); err != nil {
			t.Errorf("activity %d: %v", id, err)
		}
		if fs[0] != nil {
			with++
			for _, f := range fs {
				if f == nil {
					t.Errorf("activity %d has figures for some beneficiaries only", id)
				}
			}
		}
	}
	if want := (stats.Activities + 1) / 2; with != want {
		t.Errorf("%d of %d activities have per-country figures, want %d", with, stats.Activities, want)
	}
	// Each also passes the check the API runs after a write.
	for id := range figures {
		if err := participants.Check(context.Background(), client, id); err != nil {
			t.Fatalf("activity %d: %v", id, err)
		}
	}
}
