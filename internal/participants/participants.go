// Package participants keeps the per-country participant figures of an
// activity: the participants column of its beneficiary links
// (activity_beneficiary_countries), beside the activity's own total.
//
// The rule between the two: where every beneficiary country has a figure,
// the activity's participants equal their sum; where only some have one,
// their sum does not exceed the total. Check enforces it after every write
// that could break it (the activity hook, Set, the importer).
package participants

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/internal/validate"
)

// Figure is one beneficiary country of an activity and its participants
// (GraphQL BeneficiaryInput; a row's cell of the importer).
type Figure struct {
	CountryID    int
	Participants *int
}

// Check applies the rule to the activity's links as the client (a
// transaction's, for a write) sees them.
func Check(ctx context.Context, client *ent.Client, activityID int) error {
	links, err := client.ActivityBeneficiary.Query().
		Where(activitybeneficiary.ActivityID(activityID)).
		Select(activitybeneficiary.FieldParticipants).
		All(ctx)
	if err != nil {
		return fmt.Errorf("reading the per-country participants of activity %d: %w", activityID, err)
	}
	a, err := client.Activity.Query().Where(activity.ID(activityID)).
		Select(activity.FieldParticipants).Only(ctx)
	if err != nil {
		return fmt.Errorf("reading the participants of activity %d: %w", activityID, err)
	}
	return Rule(a.Participants, figuresOf(links))
}

func figuresOf(links []*ent.ActivityBeneficiary) []*int {
	out := make([]*int, len(links))
	for i, l := range links {
		out[i] = l.Participants
	}
	return out
}

// Rule checks a total against the per-country figures, nil where a country
// has none. The errors name the activity's participants field, which the
// API reports as the input's path. A nil total is unknown: figures are
// then only checked to be non-negative, since they cannot disagree with
// a total nobody gave.
func Rule(total *int, figures []*int) error {
	sum, given := 0, 0
	for _, f := range figures {
		if f == nil {
			continue
		}
		if *f < 0 {
			return validate.Errorf("participants", "a country's participants cannot be negative, got %d", *f)
		}
		sum += *f
		given++
	}
	switch {
	case given == 0 || total == nil:
		return nil
	case given == len(figures) && sum != *total:
		return validate.Errorf("participants", "the total (%d) must equal the sum of the per-country figures (%d) when every beneficiary country has one", *total, sum)
	case sum > *total:
		return validate.Errorf("participants", "the per-country figures add up to %d, more than the total (%d)", sum, *total)
	}
	return nil
}

// Total is the total a write of figures leaves the activity with: the
// given one, else the sum when every country has a figure, else the
// current total (keep).
func Total(given *int, figures []Figure) (total int, set bool) {
	if given != nil {
		return *given, true
	}
	sum := 0
	for _, f := range figures {
		if f.Participants == nil {
			return 0, false
		}
		sum += *f.Participants
	}
	if len(figures) == 0 {
		return 0, false
	}
	return sum, true
}

// Set replaces the activity's beneficiary countries with figures' and
// writes their participants, and the total (see Total), through client,
// which should be a transaction's: the activity's update goes through its
// policy, audit and value rules like any other write, and the figures
// then land on the links it made. The caller commits or rolls back.
func Set(ctx context.Context, client *ent.Client, activityID int, figures []Figure, total *int) error {
	seen := make(map[int]bool, len(figures))
	ids := make([]int, 0, len(figures))
	for _, f := range figures {
		if seen[f.CountryID] {
			return validate.Errorf("beneficiary_countries", "a country is listed twice")
		}
		if f.Participants != nil && *f.Participants < 0 {
			return validate.Errorf("participants", "a country's participants cannot be negative, got %d", *f.Participants)
		}
		seen[f.CountryID] = true
		ids = append(ids, f.CountryID)
	}
	upd := client.Activity.UpdateOneID(activityID).ClearBeneficiaryCountries().AddBeneficiaryCountryIDs(ids...)
	if t, ok := Total(total, figures); ok {
		upd.SetParticipants(t)
	}
	if err := upd.Exec(ctx); err != nil {
		return err
	}
	for _, f := range figures {
		if f.Participants == nil {
			continue
		}
		err := client.ActivityBeneficiary.Update().
			Where(activitybeneficiary.ActivityID(activityID), activitybeneficiary.CountryID(f.CountryID)).
			SetParticipants(*f.Participants).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("writing the participants of a beneficiary country: %w", err)
		}
	}
	return Check(ctx, client, activityID)
}
