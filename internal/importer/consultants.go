package importer

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/topic"
)

// consultantColumns are a consultant sheet's columns; topics are the
// consultant's expertise.
var consultantColumns = []column{
	{name: "ref"},
	{name: "demo"},
	{name: "name", required: true},
	{name: "nationality", key: "country"},
	{name: "languages"},
	{name: "bio"},
	{name: "available"},
	{name: "email"},
	{name: "topics", key: "topic"},
}

type consultantRec struct {
	name, bio, email string
	nationality      int
	languages        []string
	available        *bool
	topics           []int
}

var consultants = &spec[consultantRec, *ent.Consultant]{
	columns: consultantColumns,
	parse:   parseConsultant,
	load:    loadConsultants,
	create:  createConsultants,
	update:  updateConsultant,
	fields:  map[string]string{"expertise": "topics"},
}

func parseConsultant(r *row) *consultantRec {
	c := &consultantRec{
		name:      r.text("name"),
		bio:       r.text("bio"),
		email:     r.text("email"),
		languages: r.languages("languages"),
		available: r.boolean("available"),
	}
	if r.h.has("nationality") {
		c.nationality = r.ref("nationality", r.keys.countries)
	}
	if r.h.has("topics") {
		c.topics = r.refs("topics", r.keys.topics)
	}
	return c
}

func loadConsultants(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]*ent.Consultant, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	q := c.Consultant.Query().Where(consultant.RefIn(refs...))
	if h.has("nationality") {
		q.WithNationality(func(q *ent.CountryQuery) { q.Select(country.FieldID) })
	}
	if h.has("topics") {
		q.WithExpertise(func(q *ent.TopicQuery) { q.Select(topic.FieldID) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading consultants by ref: %w", err)
	}
	return byRef(rows, func(c *ent.Consultant) *string { return c.Ref }), nil
}

func createConsultants(ctx context.Context, c *ent.Client, _ *header, items []item[consultantRec]) error {
	bs := make([]*ent.ConsultantCreate, len(items))
	for i, it := range items {
		r := it.rec
		b := c.Consultant.Create().SetName(r.name)
		addIDs(b.AddExpertiseIDs, r.topics)
		if it.ref != "" {
			b.SetRef(it.ref)
		}
		if it.demo != nil {
			b.SetDemo(*it.demo)
		}
		if r.nationality != 0 {
			b.SetNationalityID(r.nationality)
		}
		if len(r.languages) > 0 {
			b.SetLanguages(r.languages)
		}
		if r.bio != "" {
			b.SetBio(r.bio)
		}
		if r.available != nil {
			b.SetAvailable(*r.available)
		}
		if r.email != "" {
			b.SetEmail(r.email)
		}
		bs[i] = b
	}
	return c.Consultant.CreateBulk(bs...).Exec(ctx)
}

func updateConsultant(ctx context.Context, c *ent.Client, h *header, it item[consultantRec], cur *ent.Consultant) (bool, error) {
	r := it.rec
	u := c.Consultant.UpdateOne(cur)
	d := &diff{h: h}
	d.field("demo", it.demo != nil && *it.demo != cur.Demo, func() { u.SetDemo(*it.demo) })
	d.field("name", r.name != cur.Name, func() { u.SetName(r.name) })
	d.field("nationality", r.nationality != unique(cur.Edges.Nationality, func(c *ent.Country) int { return c.ID }), func() {
		if r.nationality == 0 {
			u.ClearNationality()
		} else {
			u.SetNationalityID(r.nationality)
		}
	})
	d.field("languages", !sameStrings(r.languages, cur.Languages), func() {
		if len(r.languages) == 0 {
			u.ClearLanguages()
		} else {
			u.SetLanguages(r.languages)
		}
	})
	d.field("bio", r.bio != cur.Bio, func() {
		if r.bio == "" {
			u.ClearBio()
		} else {
			u.SetBio(r.bio)
		}
	})
	// An empty cell leaves availability as it is: it has no "unknown".
	d.field("available", r.available != nil && *r.available != cur.Available, func() { u.SetAvailable(*r.available) })
	d.field("email", r.email != cur.Email, func() {
		if r.email == "" {
			u.ClearEmail()
		} else {
			u.SetEmail(r.email)
		}
	})
	edge(d, "topics", r.topics, topicKeys(cur.Edges.Expertise), u.AddExpertiseIDs, u.RemoveExpertiseIDs)
	if !d.changed {
		return false, nil
	}
	return true, u.Exec(ctx)
}
