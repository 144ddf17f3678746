package export

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	entsql "entgo.io/ent/dialect/sql"

	"sscgraph/ent/activity"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/project"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
)

// countryFields are the countries' fields of the GeoJSON, read through
// the API like any export.
const countryQuery = `query ExportCountries($first: Int!, $after: Cursor, $lang: Language) { countries(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id code iso3 name(lang: $lang) ldc latitude longitude region { code } } } } }`

// whereCheck runs the client's activity filter through the API's checks
// (IDs, limits, price, rate limit) without reading rows: first: 0.
const whereCheck = `query ExportActivityFilter($where: ActivityWhereInput) { activities(first: 0, where: $where) { pageInfo { hasNextPage } } }`

// feature is one country of the FeatureCollection.
type feature struct {
	Type       string         `json:"type"`
	Geometry   geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometry struct {
	Type        string    `json:"type"`
	Coordinates []float64 `json:"coordinates"`
}

// serveGeoJSON answers /export/countries.geojson: a Point per country with
// its activities (as beneficiary), projects and offers targeting it,
// counted in SQL by GROUP BY; where (an ActivityWhereInput) narrows the
// activities counted.
func (h *Handler) serveGeoJSON(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	params, bad := parseParams(r, "where", "lang")
	if bad != nil {
		writeErrors(w, bad.status, bad.errors)
		return
	}
	language, bad := langParam(params)
	if bad != nil {
		writeErrors(w, bad.status, bad.errors)
		return
	}
	codec, err := gid.FromContext(ctx)
	if err != nil {
		h.refuse(ctx, w, fmt.Errorf("geojson export: %w", err))
		return
	}
	var pred func(*entsql.Selector)
	if v, ok := params["where"]; ok {
		if f := jsonParam("where", v, '{', "an object, the ActivityWhereInput of the GraphQL argument"); f != nil {
			writeErrors(w, f.status, f.errors)
			return
		}
		if f := h.checkFilter("ActivityWhereInput", v); f != nil {
			writeErrors(w, f.status, f.errors)
			return
		}
		// The API checks and coerces the filter, as it would in a query:
		// IDs of the right type, limits, its price, the rate limit, the
		// search field; WhereCapture hands over what it coerced.
		checkCtx, captured := withWhereCapture(ctx)
		if _, err := h.run(checkCtx, whereCheck, map[string]any{"where": json.RawMessage(v)}); err != nil {
			h.refuse(ctx, w, err)
			return
		}
		p, err := captured.predicate()
		if err != nil {
			writeErrors(w, apierr.Status(apierr.BadUserInput), badRequest(apierr.BadUserInput, "parameter \"where\": %v", err))
			return
		}
		pred = p
	}
	var features []feature
	var keys []int
	var after *string
	for {
		vars := map[string]any{"first": DefaultPageSize, "lang": language}
		if after != nil {
			vars["after"] = *after
		}
		ans, err := h.run(ctx, countryQuery, vars)
		if err != nil {
			h.refuse(ctx, w, err)
			return
		}
		var p page
		if err := decode(ans.data["countries"], &p); err != nil {
			h.refuse(ctx, w, fmt.Errorf("decoding countries: %w", err))
			return
		}
		for _, e := range p.Edges {
			n := e.Node
			id, _ := n["id"].(string)
			key, err := codec.Decode(id)
			if err != nil {
				h.refuse(ctx, w, fmt.Errorf("decoding a country's ID: %w", err))
				return
			}
			lon, _ := n["longitude"].(json.Number).Float64()
			lat, _ := n["latitude"].(json.Number).Float64()
			region, _ := n["region"].(map[string]any)
			keys = append(keys, key)
			features = append(features, feature{
				Type:     "Feature",
				Geometry: geometry{Type: "Point", Coordinates: []float64{lon, lat}},
				Properties: map[string]any{
					"id": id, "code": n["code"], "iso3": n["iso3"], "name": n["name"],
					"region": region["code"], "ldc": n["ldc"],
				},
			})
		}
		if !p.PageInfo.HasNextPage || p.PageInfo.EndCursor == nil {
			break
		}
		after = p.PageInfo.EndCursor
	}
	counts := []struct {
		property          string
		table, owner, col string
		filter            func(*entsql.Selector)
		ownerTable        string
	}{
		{"activities", activity.BeneficiaryCountriesTable, activity.BeneficiaryCountriesPrimaryKey[0], activity.BeneficiaryCountriesPrimaryKey[1], pred, activity.Table},
		{"projects", project.CountriesTable, project.CountriesPrimaryKey[0], project.CountriesPrimaryKey[1], nil, project.Table},
		{"offers", matchoffer.TargetCountriesTable, matchoffer.TargetCountriesPrimaryKey[0], matchoffer.TargetCountriesPrimaryKey[1], nil, matchoffer.Table},
	}
	for _, c := range counts {
		byCountry, err := h.countBy(ctx, c.table, c.owner, c.col, c.ownerTable, c.filter)
		if err != nil {
			h.refuse(ctx, w, fmt.Errorf("counting %s per country: %w", c.property, err))
			return
		}
		for i, k := range keys {
			features[i].Properties[c.property] = byCountry[k]
		}
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Content-Disposition", `attachment; filename="countries.geojson"`)
	if features == nil {
		features = []feature{}
	}
	if err := json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "features": features}); err != nil {
		h.logger.ErrorContext(ctx, "writing the countries' GeoJSON", "request_id", requestID(ctx), "err", err)
	}
}

// countBy counts the rows of a join table per country in one GROUP BY;
// filter, when given, restricts the owners (the activities) counted.
func (h *Handler) countBy(ctx context.Context, table, owner, country, ownerTable string, filter func(*entsql.Selector)) (map[int]int, error) {
	b := entsql.Dialect(h.db.Dialect)
	t := entsql.Table(table)
	q := b.Select(t.C(country), entsql.Count("*")).From(t)
	if filter != nil {
		owners := b.Select(entsql.Table(ownerTable).C("id")).From(entsql.Table(ownerTable))
		filter(owners)
		q.Where(entsql.In(t.C(owner), owners))
	}
	q.GroupBy(t.C(country))
	query, args := q.Query()
	// Through the router: on a standby when one may serve the request.
	rows, err := h.db.Read(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", query, err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var k, n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("reading counts: %w", err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading counts: %w", err)
	}
	return out, nil
}
