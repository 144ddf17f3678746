package importer

import (
	"context"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/lifecycle"
)

// One create and one update for offers and needs: they share their fields
// (the schema's PostingMixin), their owner rule and their status rules, so
// a new row of either is set, and a row's change of either is compared and
// checked, here; createOffers, createNeeds, updateOffer and updateNeed only
// say what their kind has besides (the status, whose enum type is the
// kind's own, included).

// postingCreator is an offer's or a need's create builder, as newPosting
// uses it; C is the builder itself, which its setters return.
type postingCreator[C any] interface {
	SetRef(string) C
	SetDemo(bool) C
	SetTitle(string) C
	SetDescription(string) C
	SetKind(schematype.MatchKind) C
	SetPostedAt(time.Time) C
	SetLanguages([]string) C
	AddTopicIDs(...int) C
}

// newPosting sets on b the shared fields of a new offer or need, as its
// row gives them; an empty cell leaves the schema's default.
func newPosting[C postingCreator[C], R any](b C, it item[R], r *posting) C {
	b.SetTitle(r.title).SetKind(r.kind)
	addIDs(b.AddTopicIDs, r.topics)
	if it.ref != "" {
		b.SetRef(it.ref)
	}
	if it.demo != nil {
		b.SetDemo(*it.demo)
	}
	if r.description != "" {
		b.SetDescription(r.description)
	}
	if r.posted != nil {
		b.SetPostedAt(*r.posted)
	}
	if len(r.languages) > 0 {
		b.SetLanguages(r.languages)
	}
	return b
}

// postingUpdater is an offer's or a need's update builder, as
// updatePosting uses it; U is the builder itself, which its setters
// return.
type postingUpdater[U any] interface {
	SetDemo(bool) U
	SetTitle(string) U
	SetDescription(string) U
	ClearDescription() U
	SetKind(schematype.MatchKind) U
	SetPostedAt(time.Time) U
	SetLanguages([]string) U
	ClearLanguages() U
	AddTopicIDs(...int) U
	RemoveTopicIDs(...int) U
	Exec(context.Context) error
}

// postingRecord is what an offer's or a need's record holds of the fields
// they share.
type postingRecord struct {
	demo               bool
	title, description string
	kind               schematype.MatchKind
	status             string
	posted             time.Time
	expires            *time.Time // nil for needs, which never expire
	languages          []string
	topics             []int
}

// postingUpdate is one row's update of an offer or a need: what differs
// between the two.
type postingUpdate[U postingUpdater[U]] struct {
	what  string // "offer" or "need", as messages name it
	owner string // the owner's column: "provider" or "seeker"
	// ownerHas and ownerWants are the owner's key in the record and in
	// the row: the importer never moves a posting to another owner.
	ownerHas, ownerWants int
	u                    U
	cur                  postingRecord
	setStatus            func(status string)
	// more compares the fields and edges only this kind has and returns
	// the expiry the posting will have (nil for needs).
	more func(d *diff) (expires *time.Time)
}

// updatePosting changes an offer or a need to what the row says, in the
// columns the sheet has, and reports whether anything differed. A status
// change, expiry included, follows the lifecycle's rules with the rights
// of a moderator.
func updatePosting[U postingUpdater[U]](ctx context.Context, c *ent.Client, h *header, ref string, demo *bool, r *posting, p postingUpdate[U]) (bool, error) {
	if p.ownerWants != p.ownerHas {
		return false, ownerConflict(ctx, c, p.owner, p.what, ref, p.ownerHas, p.ownerWants)
	}
	u, cur := p.u, p.cur
	d := &diff{h: h}
	d.field("demo", demo != nil && *demo != cur.demo, func() { u.SetDemo(*demo) })
	d.field("title", r.title != cur.title, func() { u.SetTitle(r.title) })
	d.field("description", r.description != cur.description, func() {
		if r.description == "" {
			u.ClearDescription()
		} else {
			u.SetDescription(r.description)
		}
	})
	d.field("kind", r.kind != cur.kind, func() { u.SetKind(r.kind) })
	status := cur.status
	d.field("status", r.status != "" && r.status != cur.status, func() {
		p.setStatus(r.status)
		status = r.status
	})
	d.field("posted_at", r.posted != nil && !r.posted.Equal(cur.posted), func() { u.SetPostedAt(*r.posted) })
	d.field("languages", !sameStrings(r.languages, cur.languages), func() {
		if len(r.languages) == 0 {
			u.ClearLanguages()
		} else {
			u.SetLanguages(r.languages)
		}
	})
	edge(d, "topics", r.topics, cur.topics, u.AddTopicIDs, u.RemoveTopicIDs)
	expires := p.more(d)
	if !d.changed {
		return false, nil
	}
	// The status the posting reads as before and after, expiry included.
	now := time.Now()
	from := lifecycle.Effective(cur.status, cur.expires, now)
	if err := lifecycle.Posting(p.what, from, lifecycle.Effective(status, expires, now), r.status, true); err != nil {
		return false, err
	}
	return true, u.Exec(ctx)
}
