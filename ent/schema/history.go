package schema

import (
	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/internal/apierr"
)

// A match's record of what happened (when it was proposed, by whom, its
// score, when it was answered and completed) is written by the server as
// the match moves, never by its parties: a MEMBER key that could set them
// could rewrite history. EDITOR and ADMIN keys may correct them.

// serverOwned refuses a MEMBER key's update of a match that writes one of
// the fields the server owns, naming it as the API does.
func serverOwned(m *gen.MatchMutation) error {
	_, proposedBy := m.ProposedByID()
	owned := []struct {
		name string
		set  bool
	}{
		{"createdAt", fieldSet(m, "created_at")},
		{"score", fieldSet(m, "score") || addedSet(m, "score")},
		{"proposedBy", proposedBy || m.ProposedByCleared()},
		{"respondedAt", fieldSet(m, "responded_at") || m.RespondedAtCleared()},
		{"completedAt", fieldSet(m, "completed_at") || m.CompletedAtCleared()},
	}
	for _, f := range owned {
		if f.set {
			return apierr.New(apierr.Forbidden, "%s is recorded by the server: MEMBER keys cannot write it (EDITOR and ADMIN keys correct it)", f.name).With("field", f.name)
		}
	}
	return nil
}

func fieldSet(m ent.Mutation, name string) bool {
	_, ok := m.Field(name)
	return ok
}

func addedSet(m ent.Mutation, name string) bool {
	_, ok := m.AddedField(name)
	return ok
}
