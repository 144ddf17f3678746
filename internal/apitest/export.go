package apitest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// Exported is one export's answer.
type Exported struct {
	Status int
	Header http.Header
	Body   []byte
}

// Export GETs an export with the given parameters and Authorization.
func (a *API) Export(t testing.TB, path string, params url.Values, authorization string) Exported {
	t.Helper()
	u := a.Srv.URL + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Exported{Status: res.StatusCode, Header: res.Header, Body: body}
}

// CSVRows parses a CSV export: its header and rows, after checking the
// byte order mark.
func CSVRows(t testing.TB, e Exported) ([]string, []map[string]string) {
	t.Helper()
	if e.Status != http.StatusOK {
		t.Fatalf("status %d: %s", e.Status, e.Body)
	}
	body, ok := bytes.CutPrefix(e.Body, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("the CSV does not start with a UTF-8 byte order mark: %q", e.Body[:min(len(e.Body), 20)])
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	header := records[0]
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// NDJSONRows parses an NDJSON export line by line.
func NDJSONRows(t testing.TB, e Exported) []map[string]any {
	t.Helper()
	if e.Status != http.StatusOK {
		t.Fatalf("status %d: %s", e.Status, e.Body)
	}
	var rows []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(e.Body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %s", len(rows)+1, err, sc.Bytes())
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// JSONRows parses a JSON export: one array.
func JSONRows(t testing.TB, e Exported) []map[string]any {
	t.Helper()
	if e.Status != http.StatusOK {
		t.Fatalf("status %d: %s", e.Status, e.Body)
	}
	var rows []map[string]any
	if err := json.Unmarshal(e.Body, &rows); err != nil {
		t.Fatalf("the export is not a JSON array: %v", err)
	}
	return rows
}
