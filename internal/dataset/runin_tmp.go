package dataset

// TEMPORARY (integrator: delete this file and switch importIn in real.go to
// importer.RunIn). A minimal stand-in for importer.RunIn, which is being
// written on another branch, so that the loader can be built and tested
// now: it reads the two embedded sheets' columns and writes their rows in
// tx, without the importer's checks.

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/ent/country"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
	"sscgraph/ent/schema/schematype"
	"sscgraph/ent/topic"
	"sscgraph/internal/importer"
)

func tmpRunIn(ctx context.Context, tx *ent.Tx, kind, name string) (*importer.Result, error) {
	f, err := realFS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	res := &importer.Result{}
	for n, r := range recs[1:] {
		line := n + 2
		get := func(c string) string { return strings.TrimSpace(r[col[c]]) }
		list := func(c string) []string {
			var out []string
			for _, s := range strings.Split(get(c), ";") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			return out
		}
		bad := func(c string, err error) {
			res.Problems = append(res.Problems, importer.Problem{Line: line, Column: c, Reason: err.Error()})
		}
		res.Rows++
		countryID := func(code string) (int, error) {
			return tx.Country.Query().Where(country.Code(code)).OnlyID(ctx)
		}
		orgID := func(ref string) (int, error) {
			return tx.Organization.Query().Where(organization.Ref(ref)).OnlyID(ctx)
		}
		switch kind {
		case "organizations":
			b := tx.Organization.Create().SetRef(get("ref")).SetDemo(get("demo") == "true").SetName(get("name")).
				SetKind(organization.Kind(get("kind"))).SetSources(append([]string{}, list("sources")...))
			if s := get("website"); s != "" {
				b.SetWebsite(s)
			}
			if s := get("country"); s != "" {
				id, err := countryID(s)
				if err != nil {
					bad("country", err)
					continue
				}
				b.SetCountryID(id)
			}
			if err := b.Exec(ctx); err != nil {
				bad("", err)
				continue
			}
		case "activities":
			b := tx.Activity.Create().SetRef(get("ref")).SetDemo(get("demo") == "true").SetTitle(get("title")).
				SetKind(activity.Kind(get("kind"))).SetType(activity.Type(get("type"))).SetStatus(activity.Status(get("status"))).
				SetSources(append([]string{}, list("sources")...)).SetNote(get("note")).SetQuote(get("quote")).
				SetParticipantsApproximate(get("participants_approximate") == "true")
			for _, d := range []struct {
				c    string
				set  func(time.Time) *ent.ActivityCreate
				prec func(schematype.DatePrecision) *ent.ActivityCreate
			}{{"start_date", b.SetStartDate, b.SetStartDatePrecision}, {"end_date", b.SetEndDate, b.SetEndDatePrecision}} {
				s := get(d.c)
				for _, form := range []struct {
					layout string
					p      schematype.DatePrecision
				}{{"2006-01-02", schematype.DatePrecisionDay}, {"2006-01", schematype.DatePrecisionMonth}, {"2006", schematype.DatePrecisionYear}} {
					if t, err := time.Parse(form.layout, s); s != "" && err == nil {
						d.set(t)
						d.prec(form.p)
						break
					}
				}
			}
			if s := get("venue_city"); s != "" {
				b.SetVenueCity(s)
			}
			if s := get("venue_country"); s != "" {
				id, err := countryID(s)
				if err != nil {
					bad("venue_country", err)
					continue
				}
				b.SetVenueCountryID(id)
			}
			if s := get("language"); s != "" {
				b.SetLanguage(s)
			}
			if s := get("participants"); s != "" {
				n, _ := strconv.Atoi(s)
				b.SetParticipants(n)
			}
			if s := get("project"); s != "" {
				id, err := tx.Project.Query().Where(project.Code(s)).OnlyID(ctx)
				if err != nil {
					bad("project", err)
					continue
				}
				b.SetProjectID(id)
			}
			figures := map[int]int{}
			for _, e := range list("beneficiaries") {
				code, fig, _ := strings.Cut(e, ":")
				id, err := countryID(strings.TrimSpace(code))
				if err != nil {
					bad("beneficiaries", err)
					continue
				}
				b.AddBeneficiaryCountryIDs(id)
				if fig != "" {
					figures[id], _ = strconv.Atoi(strings.TrimSpace(fig))
				}
			}
			for _, e := range list("providers") {
				id, err := countryID(e)
				if err != nil {
					bad("providers", err)
					continue
				}
				b.AddProviderCountryIDs(id)
			}
			for _, e := range list("topics") {
				id, err := tx.Topic.Query().Where(topic.Code(e)).OnlyID(ctx)
				if err != nil {
					bad("topics", err)
					continue
				}
				b.AddTopicIDs(id)
			}
			for _, e := range list("organizers") {
				id, err := orgID(e)
				if err != nil {
					bad("organizers", err)
					continue
				}
				b.AddOrganizerIDs(id)
			}
			a, err := b.Save(ctx)
			if err != nil {
				bad("", err)
				continue
			}
			for c, p := range figures {
				if err := tx.ActivityBeneficiary.Update().Where(activitybeneficiary.ActivityID(a.ID), activitybeneficiary.CountryID(c)).
					SetParticipants(p).Exec(ctx); err != nil {
					bad("beneficiaries", err)
				}
			}
		}
		res.Created++
	}
	if len(res.Problems) > 0 {
		res.BadRows = len(res.Problems)
	}
	return res, nil
}
