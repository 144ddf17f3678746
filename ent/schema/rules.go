package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/hook"
	"sscgraph/ent/privacy"
	"sscgraph/internal/gid"
	"sscgraph/internal/participants"
	"sscgraph/internal/validate"
	"sscgraph/internal/viewer"
)

// The value rules of writes, as ent hooks: they see a change with the
// values it sets and, for an update of one row, the values it keeps.

// value returns what a field will hold after the mutation: the value it
// sets, else (updating one row) the value it had.
func value[T any](ctx context.Context, m ent.Mutation, set func() (T, bool), old func(context.Context) (T, error)) (T, bool, error) {
	if v, ok := set(); ok {
		return v, true, nil
	}
	var zero T
	if !m.Op().Is(ent.OpUpdateOne) {
		return zero, false, nil
	}
	v, err := old(ctx)
	if err != nil {
		return zero, false, fmt.Errorf("reading the current value: %w", err)
	}
	return v, true, nil
}

// nillable adapts the setter of an optional field to value's form.
func nillable[T any](set func() (T, bool)) func() (*T, bool) {
	return func() (*T, bool) {
		v, ok := set()
		if !ok {
			return nil, false
		}
		return &v, true
	}
}

// dateOrder refuses an end before the start.
func dateOrder(start, end time.Time, okStart, okEnd bool) error {
	if okStart && okEnd && end.Before(start) {
		return validate.Errorf("end_date", "the end date %s is before the start date %s", end.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	return nil
}

func activityRules(next ent.Mutator) ent.Mutator {
	return hook.ActivityFunc(func(ctx context.Context, m *gen.ActivityMutation) (gen.Value, error) {
		start, okS, err := dateValue(ctx, m, m.StartDate, m.StartDateCleared, m.OldStartDate)
		if err != nil {
			return nil, err
		}
		end, okE, err := dateValue(ctx, m, m.EndDate, m.EndDateCleared, m.OldEndDate)
		if err != nil {
			return nil, err
		}
		if start != nil && end != nil {
			if err := dateOrder(*start, *end, okS, okE); err != nil {
				return nil, err
			}
		}
		if lang, ok := m.Language(); ok && lang != "" {
			if err := validate.Language("language", lang); err != nil {
				return nil, err
			}
		}
		// Provider countries are not required of SOUTH_SOUTH and
		// TRIANGULAR activities: the programme's own South-South
		// conferences were organized by the secretariat alone, and a
		// provider no source names is not invented.
		if err := activityLists(m); err != nil {
			return nil, err
		}
		id, one := m.ID()
		one = one && m.Op().Is(ent.OpUpdateOne)
		if one && participantsTouched(m) {
			// Two writes of the total and the figures, each fine alone,
			// could break the rule together: they take turns.
			if err := lockActivity(ctx, m.Client(), id); err != nil {
				return nil, err
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		// A new total, or beneficiary countries added or removed, must
		// still agree with the per-country figures the links keep. Only
		// an update of one row can break it: a new activity's links have
		// no figures yet, and bulk updates of these fields do not exist.
		if one && participantsTouched(m) {
			if err := participants.Check(ctx, m.Client(), id); err != nil {
				return nil, err
			}
		}
		return v, nil
	})
}

// participantsTouched reports whether m changes the activity's total or
// its beneficiary countries.
func participantsTouched(m *gen.ActivityMutation) bool {
	_, total := m.Participants()
	_, added := m.AddedParticipants()
	return total || added || m.BeneficiaryCountriesCleared() ||
		len(m.RemovedBeneficiaryCountriesIDs()) > 0 || len(m.BeneficiaryCountriesIDs()) > 0
}

// dateValue is value for a nillable date: nil when the mutation clears it
// or no value is known.
func dateValue(ctx context.Context, m ent.Mutation, set func() (time.Time, bool), cleared func() bool, old func(context.Context) (*time.Time, error)) (*time.Time, bool, error) {
	if cleared() {
		return nil, true, nil
	}
	return value(ctx, m, nillable(set), old)
}

// activityLists bounds the activity's sources, set or appended to, as
// projectLists does a project's.
func activityLists(m *gen.ActivityMutation) error {
	return sourceLists(m.Sources, m.AppendedSources)
}

// sourceLists bounds a record's sources as set and as appended: ent has
// no validators for JSON fields.
func sourceLists(lists ...func() ([]string, bool)) error {
	for _, items := range lists {
		if v, ok := items(); ok {
			if err := validate.ShortList("sources", v); err != nil {
				return err
			}
		}
	}
	return nil
}

func organizationRules(next ent.Mutator) ent.Mutator {
	return hook.OrganizationFunc(func(ctx context.Context, m *gen.OrganizationMutation) (gen.Value, error) {
		if err := sourceLists(m.Sources, m.AppendedSources); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

func projectRules(next ent.Mutator) ent.Mutator {
	return hook.ProjectFunc(func(ctx context.Context, m *gen.ProjectMutation) (gen.Value, error) {
		start, okS, err := value(ctx, m, nillable(m.StartDate), m.OldStartDate)
		if err != nil {
			return nil, err
		}
		end, okE, err := value(ctx, m, nillable(m.EndDate), m.OldEndDate)
		if err != nil {
			return nil, err
		}
		if start != nil && end != nil {
			if err := dateOrder(*start, *end, okS, okE); err != nil {
				return nil, err
			}
		}
		if err := projectLists(m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// projectLists bounds the project's lists of symbols and addresses, set or
// appended to: ent has no validators for JSON fields. An append is checked
// on its own, so a list may grow past MaxListLen by repeated appends; each
// entry stays short, which is what bounds a read.
func projectLists(m *gen.ProjectMutation) error {
	for _, l := range []struct {
		field string
		items func() ([]string, bool)
	}{
		{"documents", m.Documents}, {"documents", m.AppendedDocuments},
		{"sources", m.Sources}, {"sources", m.AppendedSources},
	} {
		if items, ok := l.items(); ok {
			if err := validate.ShortList(l.field, items); err != nil {
				return err
			}
		}
	}
	return nil
}

func consultantRules(next ent.Mutator) ent.Mutator {
	return hook.ConsultantFunc(func(ctx context.Context, m *gen.ConsultantMutation) (gen.Value, error) {
		if langs, ok := m.Languages(); ok {
			if err := validate.Languages("languages", langs); err != nil {
				return nil, err
			}
		}
		if email, ok := m.Email(); ok && email != "" {
			if err := validate.Email("email", email); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

func countryRules(next ent.Mutator) ent.Mutator {
	return hook.CountryFunc(func(ctx context.Context, m *gen.CountryMutation) (gen.Value, error) {
		code, _, err := value(ctx, m, m.Code, m.OldCode)
		if err != nil {
			return nil, err
		}
		iso3, _, err := value(ctx, m, m.Iso3, m.OldIso3)
		if err != nil {
			return nil, err
		}
		if err := validate.CountryCodes(code, iso3); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

func matchOfferRules(next ent.Mutator) ent.Mutator {
	return hook.MatchOfferFunc(func(ctx context.Context, m *gen.MatchOfferMutation) (gen.Value, error) {
		if err := keepsMatches(m.RemovedMatchesIDs(), m.MatchesCleared(), "offer"); err != nil {
			return nil, err
		}
		if langs, ok := m.Languages(); ok {
			if err := validate.Languages("languages", langs); err != nil {
				return nil, err
			}
		}
		if err := offerLifecycle(ctx, m); err != nil {
			return nil, err
		}
		posted, okP, err := value(ctx, m, m.PostedAt, m.OldPostedAt)
		if err != nil {
			return nil, err
		}
		expires, okE, err := value(ctx, m, nillable(m.ExpiresAt), m.OldExpiresAt)
		if err != nil {
			return nil, err
		}
		if okP && okE && expires != nil && expires.Before(posted) {
			return nil, validate.Errorf("expires_at", "an offer cannot expire before it is posted")
		}
		return next.Mutate(ctx, m)
	})
}

func matchNeedRules(next ent.Mutator) ent.Mutator {
	return hook.MatchNeedFunc(func(ctx context.Context, m *gen.MatchNeedMutation) (gen.Value, error) {
		if err := keepsMatches(m.RemovedMatchesIDs(), m.MatchesCleared(), "need"); err != nil {
			return nil, err
		}
		if langs, ok := m.Languages(); ok {
			if err := validate.Languages("languages", langs); err != nil {
				return nil, err
			}
		}
		if err := needLifecycle(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// keepsMatches refuses to take matches away from their offer or need
// (removeMatchIDs, clearMatches): a match is the agreement about one
// offer and one need and cannot exist without either, so the way to end
// it is to delete the match.
func keepsMatches(removed []int, cleared bool, side string) error {
	if len(removed) > 0 || cleared {
		return validate.Errorf("matches", "a match cannot exist without its %s: withdraw or decline it, or have an EDITOR or ADMIN key delete it (deleteMatch), instead of removing it from the %s", side, side)
	}
	return nil
}

// writes is when value rules apply.
const writes = ent.OpCreate | ent.OpUpdateOne

// edgesExist refuses a write that links to a row that does not exist,
// naming the edge and the ID, instead of failing on the foreign key.
func edgesExist(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if _, ok := viewer.SystemFrom(ctx); ok {
			// sscgraph's own writes (the dataset loader) link rows it has
			// just written; checking each link would cost a query per link.
			return next.Mutate(ctx, m)
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		rctx := privacy.DecisionContext(ctx, privacy.Allow)
		for _, e := range m.AddedEdges() {
			for _, v := range m.AddedIDs(e) {
				id, ok := v.(int)
				if !ok {
					continue
				}
				if _, err := client.Noder(rctx, id); err != nil {
					if gen.IsNotFound(err) {
						codec, cerr := gid.FromContext(ctx)
						if cerr != nil {
							return nil, fmt.Errorf("naming the missing %s: %w", e, cerr)
						}
						return nil, validate.Errorf(camelCase(e), "no object has the ID %s", codec.Encode(id))
					}
					return nil, fmt.Errorf("checking %s: %w", e, err)
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}
