package importer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/migrate"
	"sscgraph/ent/organization"
	"sscgraph/ent/predicate"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
	"sscgraph/internal/participants"
)

// activityColumns are an activity sheet's columns: the Activity's fields,
// and its edges by natural key.
var activityColumns = []column{
	{name: "ref"},
	{name: "demo"},
	{name: "title", required: true},
	{name: "description"},
	{name: "kind", required: true},
	{name: "type", required: true},
	{name: "status", required: true},
	{name: "start_date"},
	{name: "end_date"},
	{name: "venue_city"},
	{name: "venue_country", key: "country"},
	{name: "language"},
	{name: "participants"},
	{name: "participants_approximate"},
	{name: "budget"},
	{name: "project", key: "project"},
	{name: "beneficiaries", key: "country"},
	{name: "providers", key: "country"},
	{name: "topics", key: "topic"},
	{name: "consultants", key: "consultant"},
	{name: "partners", key: "organization"},
	{name: "requester", key: "organization"},
	{name: "organizers", key: "organization"},
	{name: "sources"},
	{name: "note"},
	{name: "quote"},
}

// activityRec is an activity row, resolved: keys instead of names.
type activityRec struct {
	title, description, language string
	kind                         activity.Kind
	typ                          activity.Type
	status                       activity.Status
	// start and end are nil where the cell is empty (unknown), with
	// the precision the cell gives (DAY then).
	start, end                   *time.Time
	startPrecision, endPrecision schematype.DatePrecision
	venueCity                    string
	venueCountry, project        int // 0: none
	requester                    int // 0: none
	total                        *int
	approximate                  bool
	budget                       *float64
	beneficiaries                []participants.Figure
	providers, topics            []int
	consultants, partners        []int
	organizers                   []int
	sources                      []string
	note, quote                  string
}

var activities = &spec[activityRec, *ent.Activity]{
	columns: activityColumns,
	parse:   parseActivity,
	load:    loadActivities,
	create:  createActivities,
	update:  updateActivity,
	fields: map[string]string{
		"beneficiary_countries": "beneficiaries",
		"beneficiary_country":   "beneficiaries",
		"provider_countries":    "providers",
		"provider_country":      "providers",
		"venue_country":         "venue_country",
		"project":               "project",
		"start_date_precision":  "start_date",
		"end_date_precision":    "end_date",
		"requester":             "requester",
		"organizers":            "organizers",
		"sources":               "sources",
	},
}

var (
	activityKinds    = enumValues(migrate.ActivitiesTable, activity.FieldKind)
	activityTypes    = enumValues(migrate.ActivitiesTable, activity.FieldType)
	activityStatuses = enumValues(migrate.ActivitiesTable, activity.FieldStatus)
)

func parseActivity(r *row) *activityRec {
	a := &activityRec{
		title:       r.text("title"),
		description: r.text("description"),
		kind:        activity.Kind(r.enum("kind", activityKinds)),
		typ:         activity.Type(r.enum("type", activityTypes)),
		status:      activity.Status(r.enum("status", activityStatuses)),
		venueCity:   r.text("venue_city"),
		language:    lower(r.text("language")),
		total:       r.integer("participants"),
		approximate: deref(r.boolean("participants_approximate")),
		budget:      r.number("budget"),
		sources:     r.sources("sources"),
		note:        r.text("note"),
		quote:       r.text("quote"),
	}
	a.start, a.startPrecision, _ = r.period("start_date")
	a.end, a.endPrecision, _ = r.period("end_date")
	k := r.keys
	if r.h.has("venue_country") {
		a.venueCountry = r.ref("venue_country", k.countries)
	}
	if r.h.has("project") {
		a.project = r.ref("project", k.projects)
	}
	if r.h.has("beneficiaries") {
		a.beneficiaries = r.figures("beneficiaries", k.countries)
	}
	if r.h.has("providers") {
		a.providers = r.refs("providers", k.countries)
	}
	if r.h.has("topics") {
		a.topics = r.refs("topics", k.topics)
	}
	if r.h.has("consultants") {
		a.consultants = r.refs("consultants", k.consultants)
	}
	if r.h.has("partners") {
		a.partners = r.refs("partners", k.organizations)
	}
	if r.h.has("requester") {
		a.requester = r.ref("requester", k.organizations)
	}
	if r.h.has("organizers") {
		a.organizers = r.refs("organizers", k.organizations)
	}
	// The total against the per-country figures, by the API's own rule,
	// here where it can be checked for every row before any is written. An
	// update without a total keeps the record's, which participants.Set
	// checks when it writes.
	if total, set := participants.Total(a.total, a.beneficiaries); set || a.total != nil {
		if err := participants.Rule(&total, figuresOf(a.beneficiaries)); err != nil {
			r.bad("participants", "%s", fieldMessage(err))
		}
	}
	return a
}

func figuresOf(fs []participants.Figure) []*int {
	out := make([]*int, len(fs))
	for i, f := range fs {
		out[i] = f.Participants
	}
	return out
}

func hasFigures(fs []participants.Figure) bool {
	for _, f := range fs {
		if f.Participants != nil {
			return true
		}
	}
	return false
}

func loadActivities(ctx context.Context, c *ent.Client, h *header, refs []string) (map[string]*ent.Activity, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	q := c.Activity.Query().Where(activity.RefIn(refs...))
	if h.has("beneficiaries") {
		q.WithBeneficiaryLinks()
	}
	if h.has("providers") {
		q.WithProviderCountries(func(q *ent.CountryQuery) { q.Select(country.FieldID) })
	}
	if h.has("topics") {
		q.WithTopics(func(q *ent.TopicQuery) { q.Select(topic.FieldID) })
	}
	if h.has("consultants") {
		q.WithConsultants(func(q *ent.ConsultantQuery) { q.Select(consultant.FieldID) })
	}
	if h.has("partners") {
		q.WithPartners(func(q *ent.OrganizationQuery) { q.Select(organization.FieldID) })
	}
	if h.has("organizers") {
		q.WithOrganizers(func(q *ent.OrganizationQuery) { q.Select(organization.FieldID) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading activities by ref: %w", err)
	}
	return byRef(rows, func(a *ent.Activity) *string { return a.Ref }), nil
}

// createActivities writes new activities in one bulk insert (through the
// schema's hooks, one mutation each), then the per-country figures on the
// beneficiary links the insert made.
func createActivities(ctx context.Context, c *ent.Client, h *header, items []item[activityRec]) error {
	bs := make([]*ent.ActivityCreate, len(items))
	for i, it := range items {
		a := it.rec
		b := c.Activity.Create().
			SetTitle(a.title).SetKind(a.kind).SetType(a.typ).SetStatus(a.status)
		// Fields at their default (DAY, false, no sources) are left out,
		// so that the audit event shows what the row gave.
		if a.start != nil {
			b.SetStartDate(*a.start)
		}
		if a.startPrecision != schematype.DatePrecisionDay {
			b.SetStartDatePrecision(a.startPrecision)
		}
		if a.end != nil {
			b.SetEndDate(*a.end)
		}
		if a.endPrecision != schematype.DatePrecisionDay {
			b.SetEndDatePrecision(a.endPrecision)
		}
		if a.approximate {
			b.SetParticipantsApproximate(true)
		}
		if len(a.sources) > 0 {
			b.SetSources(a.sources)
		}
		if a.note != "" {
			b.SetNote(a.note)
		}
		if a.quote != "" {
			b.SetQuote(a.quote)
		}
		if a.requester != 0 {
			b.SetRequesterID(a.requester)
		}
		addIDs(b.AddOrganizerIDs, a.organizers)
		addIDs(b.AddBeneficiaryCountryIDs, countryIDs(a.beneficiaries))
		addIDs(b.AddProviderCountryIDs, a.providers)
		addIDs(b.AddTopicIDs, a.topics)
		addIDs(b.AddConsultantIDs, a.consultants)
		addIDs(b.AddPartnerIDs, a.partners)
		if it.ref != "" {
			b.SetRef(it.ref)
		}
		if it.demo != nil {
			b.SetDemo(*it.demo)
		}
		if a.description != "" {
			b.SetDescription(a.description)
		}
		if a.venueCity != "" {
			b.SetVenueCity(a.venueCity)
		}
		if a.venueCountry != 0 {
			b.SetVenueCountryID(a.venueCountry)
		}
		if a.language != "" {
			b.SetLanguage(a.language)
		}
		if total, set := participants.Total(a.total, a.beneficiaries); set {
			b.SetParticipants(total)
		}
		if a.budget != nil {
			b.SetBudget(*a.budget)
		}
		if a.project != 0 {
			b.SetProjectID(a.project)
		}
		bs[i] = b
	}
	saved, err := c.Activity.CreateBulk(bs...).Save(ctx)
	if err != nil {
		return err
	}
	ids := make([]int, 0, len(items))
	figures := make(map[int][]participants.Figure)
	for i, it := range items {
		if hasFigures(it.rec.beneficiaries) {
			ids = append(ids, saved[i].ID)
			figures[saved[i].ID] = it.rec.beneficiaries
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if err := writeFigures(ctx, c, ids, figures); err != nil {
		return err
	}
	return checkFigures(ctx, c, ids)
}

// linksPerStatement bounds the links one UPDATE names (two parameters
// each), well under SQLite's and PostgreSQL's limits.
const linksPerStatement = 400

// writeFigures sets the participants of new activities' beneficiary links
// (the links carry no audit of their own, as through the API). Links with
// the same figure are set by one statement: one per link made the figures
// a third of a large import's time.
func writeFigures(ctx context.Context, c *ent.Client, ids []int, figures map[int][]participants.Figure) error {
	byValue := map[int][]predicate.ActivityBeneficiary{}
	var values []int
	for _, id := range ids {
		for _, f := range figures[id] {
			if f.Participants == nil {
				continue
			}
			v := *f.Participants
			if _, ok := byValue[v]; !ok {
				values = append(values, v)
			}
			byValue[v] = append(byValue[v], activitybeneficiary.And(activitybeneficiary.ActivityID(id), activitybeneficiary.CountryID(f.CountryID)))
		}
	}
	for _, v := range values {
		for chunk := range slices.Chunk(byValue[v], linksPerStatement) {
			err := c.ActivityBeneficiary.Update().Where(activitybeneficiary.Or(chunk...)).SetParticipants(v).Exec(ctx)
			if err != nil {
				return fmt.Errorf("writing the participants of beneficiary countries: %w", err)
			}
		}
	}
	return nil
}

// checkFigures applies the API's rule (participants.Rule) to new
// activities as the transaction now holds them, which is what
// participants.Check does for one activity, in two queries for the batch
// instead of two per activity.
func checkFigures(ctx context.Context, c *ent.Client, ids []int) error {
	links, err := c.ActivityBeneficiary.Query().
		Where(activitybeneficiary.ActivityIDIn(ids...)).
		Select(activitybeneficiary.FieldActivityID, activitybeneficiary.FieldParticipants).
		All(ctx)
	if err != nil {
		return fmt.Errorf("reading the per-country participants: %w", err)
	}
	perActivity := make(map[int][]*int, len(ids))
	for _, l := range links {
		perActivity[l.ActivityID] = append(perActivity[l.ActivityID], l.Participants)
	}
	totals, err := c.Activity.Query().Where(activity.IDIn(ids...)).
		Select(activity.FieldID, activity.FieldParticipants).All(ctx)
	if err != nil {
		return fmt.Errorf("reading the participants: %w", err)
	}
	for _, a := range totals {
		if err := participants.Rule(a.Participants, perActivity[a.ID]); err != nil {
			return err
		}
	}
	return nil
}

func countryIDs(fs []participants.Figure) []int {
	ids := make([]int, len(fs))
	for i, f := range fs {
		ids[i] = f.CountryID
	}
	return ids
}

// updateActivity writes what differs between the row and the activity.
// The beneficiaries and their figures go through participants.Set, as
// setActivityBeneficiaries does, which checks the total against them.
func updateActivity(ctx context.Context, c *ent.Client, h *header, it item[activityRec], cur *ent.Activity) (bool, error) {
	a := it.rec
	u := c.Activity.UpdateOne(cur)
	d := &diff{h: h}
	d.field("demo", it.demo != nil && *it.demo != cur.Demo, func() { u.SetDemo(*it.demo) })
	d.field("title", a.title != cur.Title, func() { u.SetTitle(a.title) })
	d.field("description", a.description != cur.Description, func() {
		if a.description == "" {
			u.ClearDescription()
		} else {
			u.SetDescription(a.description)
		}
	})
	d.field("kind", a.kind != cur.Kind, func() { u.SetKind(a.kind) })
	d.field("type", a.typ != cur.Type, func() { u.SetType(a.typ) })
	d.field("status", a.status != cur.Status, func() { u.SetStatus(a.status) })
	// A date is its day and its precision: "2012-05" again is unchanged,
	// "2012-05-01" after it changes the precision alone.
	d.field("start_date", !sameDate(a.start, cur.StartDate), func() {
		if a.start == nil {
			u.ClearStartDate()
		} else {
			u.SetStartDate(*a.start)
		}
	})
	d.field("start_date", a.startPrecision != cur.StartDatePrecision, func() { u.SetStartDatePrecision(a.startPrecision) })
	d.field("end_date", !sameDate(a.end, cur.EndDate), func() {
		if a.end == nil {
			u.ClearEndDate()
		} else {
			u.SetEndDate(*a.end)
		}
	})
	d.field("end_date", a.endPrecision != cur.EndDatePrecision, func() { u.SetEndDatePrecision(a.endPrecision) })
	d.field("venue_city", a.venueCity != deref(cur.VenueCity), func() {
		if a.venueCity == "" {
			u.ClearVenueCity()
		} else {
			u.SetVenueCity(a.venueCity)
		}
	})
	d.field("venue_country", a.venueCountry != deref(cur.VenueCountryID), func() {
		if a.venueCountry == 0 {
			u.ClearVenueCountry()
		} else {
			u.SetVenueCountryID(a.venueCountry)
		}
	})
	d.field("language", a.language != cur.Language, func() {
		if a.language == "" {
			u.ClearLanguage()
		} else {
			u.SetLanguage(a.language)
		}
	})
	d.field("participants_approximate", a.approximate != cur.ParticipantsApproximate, func() { u.SetParticipantsApproximate(a.approximate) })
	d.field("budget", !samePtr(a.budget, cur.Budget), func() {
		if a.budget == nil {
			u.ClearBudget()
		} else {
			u.SetBudget(*a.budget)
		}
	})
	d.field("project", a.project != deref(cur.ProjectID), func() {
		if a.project == 0 {
			u.ClearProject()
		} else {
			u.SetProjectID(a.project)
		}
	})
	d.field("requester", a.requester != deref(cur.RequesterID), func() {
		if a.requester == 0 {
			u.ClearRequester()
		} else {
			u.SetRequesterID(a.requester)
		}
	})
	// sources is never null: an empty cell empties the list.
	d.field("sources", !sameStrings(a.sources, cur.Sources), func() { u.SetSources(nonNil(a.sources)) })
	d.field("note", a.note != cur.Note, func() {
		if a.note == "" {
			u.ClearNote()
		} else {
			u.SetNote(a.note)
		}
	})
	d.field("quote", a.quote != cur.Quote, func() {
		if a.quote == "" {
			u.ClearQuote()
		} else {
			u.SetQuote(a.quote)
		}
	})
	edge(d, "providers", a.providers, countryKeys(cur.Edges.ProviderCountries), u.AddProviderCountryIDs, u.RemoveProviderCountryIDs)
	edge(d, "topics", a.topics, topicKeys(cur.Edges.Topics), u.AddTopicIDs, u.RemoveTopicIDs)
	edge(d, "consultants", a.consultants, consultantKeys(cur.Edges.Consultants), u.AddConsultantIDs, u.RemoveConsultantIDs)
	edge(d, "partners", a.partners, organizationKeys(cur.Edges.Partners), u.AddPartnerIDs, u.RemovePartnerIDs)
	edge(d, "organizers", a.organizers, organizationKeys(cur.Edges.Organizers), u.AddOrganizerIDs, u.RemoveOrganizerIDs)

	// The total: given, or the sum of complete figures, or kept.
	total, totalSet := a.total, a.total != nil
	if h.has("beneficiaries") {
		var t int
		t, totalSet = participants.Total(a.total, a.beneficiaries)
		total = &t
	}
	setBeneficiaries := h.has("beneficiaries") && !sameFigures(a.beneficiaries, cur.Edges.BeneficiaryLinks)
	switch {
	case !setBeneficiaries && totalSet && !samePtr(total, cur.Participants):
		// The activity's hook checks the new total against the figures.
		d.changed = true
		u.SetParticipants(*total)
	case h.has("participants") && !totalSet && cur.Participants != nil:
		// An empty cell is an unknown count, as on a new activity (null,
		// not 0): it clears the total, which no figures can then
		// contradict, before participants.Set writes any.
		d.changed = true
		u.ClearParticipants()
	}
	if d.changed {
		if err := u.Exec(ctx); err != nil {
			return false, err
		}
	}
	if setBeneficiaries {
		if err := participants.Set(ctx, c, cur.ID, a.beneficiaries, a.total); err != nil {
			return false, err
		}
	}
	return d.changed || setBeneficiaries, nil
}

// sameFigures reports whether the links hold exactly the countries and
// figures of fs.
func sameFigures(fs []participants.Figure, links []*ent.ActivityBeneficiary) bool {
	if len(fs) != len(links) {
		return false
	}
	have := make(map[int]*int, len(links))
	for _, l := range links {
		have[l.CountryID] = l.Participants
	}
	for _, f := range fs {
		p, ok := have[f.CountryID]
		if !ok || !samePtr(f.Participants, p) {
			return false
		}
	}
	return true
}
