package importer

import (
	"context"
	"fmt"
	"strings"

	"sscgraph/ent"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
	"sscgraph/ent/region"
	"sscgraph/ent/topic"
	"sscgraph/internal/search"
)

// The natural keys people have in their sheets, resolved to the records'
// keys: read once per import (they are small tables beside the rows), so
// that resolving a cell costs a map look-up, not a query.

// lookup resolves one kind of reference.
type lookup struct {
	what string // "country", for messages
	hint string // what a cell may hold
	// exact holds keys matched as written (refs); names holds folded keys
	// (codes and names, without case or accents), which may be ambiguous.
	exact map[string]int
	names map[string][]int
}

func newLookup(what, hint string) *lookup {
	return &lookup{what: what, hint: hint, exact: map[string]int{}, names: map[string][]int{}}
}

// fold is how names compare: case, accents and runs of spaces aside.
func fold(s string) string { return strings.Join(strings.Fields(search.Fold(s)), " ") }

func (l *lookup) addExact(key string, id int) {
	if key != "" {
		l.exact[key] = id
	}
}

func (l *lookup) addName(name string, id int) {
	k := fold(name)
	if k == "" {
		return
	}
	for _, have := range l.names[k] {
		if have == id {
			return
		}
	}
	l.names[k] = append(l.names[k], id)
}

// find resolves one cell value.
func (l *lookup) find(s string) (int, error) {
	if id, ok := l.exact[s]; ok {
		return id, nil
	}
	ids := l.names[fold(s)]
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return 0, fmt.Errorf("unknown %s %q (give %s)", l.what, excerpt(s), l.hint)
	default:
		return 0, fmt.Errorf("%d %ss are named %q: give the ref of the one you mean", len(ids), l.what, s)
	}
}

// keys holds the look-ups an import needs.
type keys struct {
	countries, projects, topics, regions, organizations, consultants *lookup
}

// loadKeys reads the look-ups that the named references need: "country",
// "project", "topic", "region", "organization", "consultant".
func loadKeys(ctx context.Context, c *ent.Client, need map[string]bool) (*keys, error) {
	k := &keys{}
	if need["country"] {
		k.countries = newLookup("country", "an ISO 3166-1 alpha-2 or alpha-3 code, such as EG or EGY, or the English name")
		rows, err := c.Country.Query().
			Select(country.FieldID, country.FieldCode, country.FieldIso3, country.FieldName, country.FieldOfficialName).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading countries: %w", err)
		}
		// Codes first: a name never hides a code.
		for _, r := range rows {
			k.countries.addName(r.Code, r.ID)
			k.countries.addName(r.Iso3, r.ID)
		}
		for _, r := range rows {
			k.countries.addName(r.Name, r.ID)
			k.countries.addName(r.OfficialName, r.ID)
		}
	}
	if need["project"] {
		k.projects = newLookup("project", "a project code, such as DA_1_10_12_40")
		rows, err := c.Project.Query().Select(project.FieldID, project.FieldCode).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading projects: %w", err)
		}
		for _, r := range rows {
			k.projects.addName(r.Code, r.ID)
		}
	}
	if need["topic"] {
		k.topics = newLookup("topic", "a topic code, such as PATENTS, or its English name")
		rows, err := c.Topic.Query().Select(topic.FieldID, topic.FieldCode, topic.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading topics: %w", err)
		}
		for _, r := range rows {
			k.topics.addName(r.Code, r.ID)
		}
		for _, r := range rows {
			k.topics.addName(r.Name, r.ID)
		}
	}
	if need["region"] {
		k.regions = newLookup("region", "a region code, such as AFRICA, or its English name")
		rows, err := c.Region.Query().Select(region.FieldID, region.FieldCode, region.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading regions: %w", err)
		}
		for _, r := range rows {
			k.regions.addName(r.Code, r.ID)
			k.regions.addName(r.Name, r.ID)
		}
	}
	if need["organization"] {
		k.organizations = newLookup("organization", "the organization's ref or its exact name")
		rows, err := c.Organization.Query().Select(organization.FieldID, organization.FieldRef, organization.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading organizations: %w", err)
		}
		for _, r := range rows {
			if r.Ref != nil {
				k.organizations.addExact(*r.Ref, r.ID)
			}
			k.organizations.addName(r.Name, r.ID)
		}
	}
	if need["consultant"] {
		k.consultants = newLookup("consultant", "the consultant's ref or full name")
		rows, err := c.Consultant.Query().Select(consultant.FieldID, consultant.FieldRef, consultant.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading consultants: %w", err)
		}
		for _, r := range rows {
			if r.Ref != nil {
				k.consultants.addExact(*r.Ref, r.ID)
			}
			k.consultants.addName(r.Name, r.ID)
		}
	}
	return k, nil
}
