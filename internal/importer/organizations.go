package importer

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/migrate"
	"sscgraph/ent/organization"
)

// organizationColumns are an organization sheet's columns.
var organizationColumns = []column{
	{name: "ref"},
	{name: "demo"},
	{name: "name", required: true},
	{name: "kind", required: true},
	{name: "website"},
	{name: "country", key: "country"},
	{name: "sources"},
}

var organizationKinds = enumValues(migrate.OrganizationsTable, organization.FieldKind)

type organizationRec struct {
	name, website string
	kind          organization.Kind
	country       int
	sources       []string
}

var organizations = &spec[organizationRec, *ent.Organization]{
	columns: organizationColumns,
	parse:   parseOrganization,
	load:    loadOrganizations,
	create:  createOrganizations,
	update:  updateOrganization,
}

func parseOrganization(r *row) *organizationRec {
	o := &organizationRec{
		name:    r.text("name"),
		website: r.text("website"),
		kind:    organization.Kind(r.enum("kind", organizationKinds)),
		sources: r.sources("sources"),
	}
	if r.h.has("country") {
		o.country = r.ref("country", r.keys.countries)
	}
	return o
}

func loadOrganizations(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]*ent.Organization, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	q := c.Organization.Query().Where(organization.RefIn(refs...))
	if h.has("country") {
		q.WithCountry(func(q *ent.CountryQuery) { q.Select(country.FieldID) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading organizations by ref: %w", err)
	}
	return byRef(rows, func(o *ent.Organization) *string { return o.Ref }), nil
}

func createOrganizations(ctx context.Context, c *ent.Client, _ *header, items []item[organizationRec]) error {
	bs := make([]*ent.OrganizationCreate, len(items))
	for i, it := range items {
		r := it.rec
		b := c.Organization.Create().SetName(r.name).SetKind(r.kind)
		if it.ref != "" {
			b.SetRef(it.ref)
		}
		if it.demo != nil {
			b.SetDemo(*it.demo)
		}
		if r.website != "" {
			b.SetWebsite(r.website)
		}
		if r.country != 0 {
			b.SetCountryID(r.country)
		}
		if len(r.sources) > 0 {
			b.SetSources(r.sources)
		}
		bs[i] = b
	}
	return c.Organization.CreateBulk(bs...).Exec(ctx)
}

func updateOrganization(ctx context.Context, c *ent.Client, h *header, it item[organizationRec], cur *ent.Organization) (bool, error) {
	r := it.rec
	u := c.Organization.UpdateOne(cur)
	d := &diff{h: h}
	d.field("demo", it.demo != nil && *it.demo != cur.Demo, func() { u.SetDemo(*it.demo) })
	d.field("name", r.name != cur.Name, func() { u.SetName(r.name) })
	d.field("kind", r.kind != cur.Kind, func() { u.SetKind(r.kind) })
	d.field("website", r.website != cur.Website, func() {
		if r.website == "" {
			u.ClearWebsite()
		} else {
			u.SetWebsite(r.website)
		}
	})
	d.field("country", r.country != unique(cur.Edges.Country, func(c *ent.Country) int { return c.ID }), func() {
		if r.country == 0 {
			u.ClearCountry()
		} else {
			u.SetCountryID(r.country)
		}
	})
	d.field("sources", !sameStrings(r.sources, cur.Sources), func() { u.SetSources(nonNil(r.sources)) })
	if !d.changed {
		return false, nil
	}
	return true, u.Exec(ctx)
}
