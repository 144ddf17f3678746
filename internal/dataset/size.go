package dataset

import (
	"errors"
	"fmt"
)

// DefaultSeed is the seed `serve` and `seed` use, so that every installation
// shows the same demo data (the date the Development Agenda work began).
const DefaultSeed uint64 = 20070101

// Size says how many invented records to add to the real facts.
type Size struct {
	Projects, Organizations, Consultants, Activities, Offers, Needs, Matches int
}

// DemoSize is the small demo data set that `serve` ships: enough records for
// every field value and edge of the model to occur, few enough to read
// through. Its few invented projects (DEMO_P0001 ...) are there for the
// demo activities to belong to: at every size demo activities attach to
// demo projects only, so that a real project's activities are all real.
func DemoSize() Size {
	return Size{
		Projects:      8,
		Organizations: 40,
		Consultants:   100,
		Activities:    400,
		Offers:        80,
		Needs:         60,
		Matches:       40,
	}
}

// SyntheticSize is the benchmark data set at the given scale: scale 1 holds
// 100,000 activities. A scale below 1 counts as 1.
func SyntheticSize(scale int) Size {
	if scale < 1 {
		scale = 1
	}
	return Size{
		Projects:      500 * scale,
		Organizations: 5000 * scale,
		Consultants:   10000 * scale,
		Activities:    100000 * scale,
		Offers:        20000 * scale,
		Needs:         5000 * scale,
		Matches:       5000 * scale,
	}
}

// Stats counts the rows Load wrote, per type. Projects counts the real
// projects and the invented ones together; Organizations and Activities
// count the invented ones only (they equal the Size asked for), and
// RealOrganizations and RealActivities the real ones from data/real, so
// that the database holds Organizations+RealOrganizations organizations
// and Activities+RealActivities activities.
type Stats struct {
	Regions, Countries, Topics, Recommendations, Projects int
	// Invented records only.
	Organizations, Consultants, Activities, Offers, Needs, Matches int
	// The real records of data/real.
	RealOrganizations, RealActivities int
}

// validate rejects sizes the generator cannot honour exactly, so that Stats
// always equals the size asked for.
func (s Size) validate() error {
	counts := []struct {
		name string
		n    int
	}{
		{"projects", s.Projects}, {"organizations", s.Organizations},
		{"consultants", s.Consultants}, {"activities", s.Activities},
		{"offers", s.Offers}, {"needs", s.Needs}, {"matches", s.Matches},
	}
	for _, c := range counts {
		if c.n < 0 {
			return fmt.Errorf("size: %d %s is negative", c.n, c.name)
		}
	}
	// Project codes are DEMO_P0001 ... and must stay within the column.
	if s.Projects > 99_999_999 {
		return fmt.Errorf("size: %d projects is too many", s.Projects)
	}
	if s.Organizations == 0 && (s.Offers > 0 || s.Needs > 0) {
		return errors.New("size: offers and needs need at least one organization")
	}
	if s.Matches > 0 && int64(s.Matches) > int64(s.Offers)*int64(s.Needs) {
		return fmt.Errorf("size: %d matches need as many distinct offer-need pairs, but %d offers and %d needs make only %d",
			s.Matches, s.Offers, s.Needs, int64(s.Offers)*int64(s.Needs))
	}
	return nil
}
