package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/shlex"

	"sscgraph/internal/apitest"
	"sscgraph/internal/cli"
)

// The documents people read, from this package's directory.
func userDocs(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"../../README.md", "../../CONTRIBUTING.md", "../../NOTICE"}, docs...)
}

// shellLine is one command of a ```sh block: backslash continuations
// joined, with its file and line.
type shellLine struct {
	file string
	line int
	text string
}

// shellLines returns the commands of the ```sh blocks of path.
func shellLines(t *testing.T, path string) []shellLine {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```(?:sh|bash|shell)\n(.*?)```")
	var out []shellLine
	for _, m := range block.FindAllSubmatchIndex(text, -1) {
		first := 1 + strings.Count(string(text[:m[2]]), "\n")
		lines := strings.Split(string(text[m[2]:m[3]]), "\n")
		for i := 0; i < len(lines); i++ {
			start, cmd := i, lines[i]
			for strings.HasSuffix(strings.TrimSpace(cmd), "\\") && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(strings.TrimSpace(cmd), "\\") + " " + strings.TrimSpace(lines[i])
			}
			if strings.TrimSpace(cmd) != "" {
				out = append(out, shellLine{filepath.Base(path), first + start, cmd})
			}
		}
	}
	return out
}

// docCommand is a documented command line split into words: env, the
// VAR=value words before it; program, "sscgraph" (also for go run
// ./cmd/sscgraph) or "curl"; args, the rest up to a comment, pipe or
// background &.
type docCommand struct {
	shellLine
	env     map[string]string
	program string
	args    []string
}

func parseCommand(t *testing.T, l shellLine) (docCommand, bool) {
	words, err := shlex.Split(l.text)
	if err != nil {
		t.Errorf("%s:%d: %v: %s", l.file, l.line, err, l.text)
		return docCommand{}, false
	}
	c := docCommand{shellLine: l, env: map[string]string{}}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
		k, v, _ := strings.Cut(words[0], "=")
		c.env[k] = v
		words = words[1:]
	}
	switch {
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/sscgraph":
		c.program, words = "sscgraph", words[3:]
	case len(words) > 0 && (words[0] == "sscgraph" || words[0] == "curl"):
		c.program, words = words[0], words[1:]
	default:
		return c, false
	}
	for _, w := range words {
		if w == "|" || w == "&" || w == "&&" || w == ";" || w == ">" {
			break
		}
		c.args = append(c.args, strings.TrimSuffix(w, ";"))
	}
	return c, true
}

// TestDocCommands runs the sscgraph and curl commands of README.md,
// CONTRIBUTING.md and docs/*.md, so that they cannot drift from the
// program: sscgraph commands through cli.Run (the binary's own entry) in a
// directory of their own, per document and in its order, whose
// sscgraph.db holds the dataset; curl commands as HTTP requests to a test
// server. A command that cannot run here (serve, which the tests start
// themselves; a placeholder; PostgreSQL; minutes of synthetic data) has
// at least its command and flags checked against the command's -h.
func TestDocCommands(t *testing.T) {
	var sscgraph, curls int
	for _, path := range userDocs(t) {
		if filepath.Ext(path) != ".md" {
			continue
		}
		var cmds []docCommand
		for _, l := range shellLines(t, path) {
			if c, ok := parseCommand(t, l); ok {
				cmds = append(cmds, c)
			}
		}
		if len(cmds) == 0 {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			db := apitest.SQLiteCopy(t)
			dir := filepath.Dir(db)
			var a *apitest.API
			for _, c := range cmds {
				if c.program == "curl" && a == nil {
					a = apitest.New(t, apitest.SQLiteCopy(t))
				}
			}
			for _, c := range cmds {
				t.Run(strconv.Itoa(c.line), func(t *testing.T) {
					switch c.program {
					case "sscgraph":
						sscgraph++
						runSSCGraph(t, c, dir)
					case "curl":
						curls++
						runCurl(t, c, a)
					}
				})
			}
		})
	}
	if sscgraph < 10 || curls < 5 {
		t.Errorf("found %d sscgraph and %d curl commands in the docs: the parser lost them", sscgraph, curls)
	}
}

// notRunnable says why a documented sscgraph command is only checked, or
// "" when it runs.
func notRunnable(c docCommand) string {
	line := strings.Join(c.args, " ")
	switch {
	case len(c.args) == 0:
		return "no command"
	case c.args[0] == "serve":
		return "serve runs until stopped: the tests start the server themselves"
	case strings.Contains(line, "…") || strings.Contains(line, "$"):
		return "a placeholder"
	case strings.Contains(line, "postgres://") || strings.Contains(c.env["SSCGRAPH_DB"], "postgres://"):
		return "a PostgreSQL of the reader's"
	case strings.Contains(line, "--synthetic"):
		return "synthetic data takes minutes (TestSizeValidate and the benchmarks load it)"
	}
	for _, w := range c.args[1:] {
		if strings.Contains(w, ".") && !strings.HasPrefix(w, "-") && strings.ContainsAny(w, "/") {
			if _, err := os.Stat(filepath.Join("../..", w)); err != nil {
				return "names a file of the reader's (" + w + ")"
			}
		}
	}
	if c.args[0] == "import" && !strings.Contains(line, "examples/") {
		return "imports a file of the reader's"
	}
	return ""
}

func runSSCGraph(t *testing.T, c docCommand, dir string) {
	line := strings.Join(c.args, " ")
	if c.args[0] == "serve" && (strings.Contains(line, "postgres://") || strings.Contains(c.env["SSCGRAPH_DB"], "postgres://")) &&
		!strings.Contains(line, "--id-secret") && c.env["SSCGRAPH_ID_SECRET"] == "" && !strings.Contains(line, "--insecure-default-secret") {
		// The line may continue on the next (a replica's flags): the
		// secret may be given there, in the document's words.
		t.Errorf("%s:%d: serve on PostgreSQL refuses to start without --id-secret or SSCGRAPH_ID_SECRET: %s", c.file, c.line, c.text)
	}
	if reason := notRunnable(c); reason != "" {
		// Not run here, but its command and flags are checked against
		// the command's own usage, which is what drifts: a pass, not a skip.
		checkFlags(t, c)
		t.Logf("%s: checked its command and flags, not run: sscgraph %s", reason, strings.Join(c.args, " "))
		return
	}
	env := map[string]string{"SSCGRAPH_DB": filepath.Join(dir, "sscgraph.db")}
	for k, v := range c.env {
		env[k] = v
	}
	args := make([]string, len(c.args))
	for i, w := range c.args {
		switch {
		case i > 0 && c.args[i-1] == "--db":
			// A database of the document's directory, not the reader's.
			w = filepath.Join(dir, filepath.Base(w))
		case strings.Contains(w, "/") && !strings.HasPrefix(w, "-"):
			// A file of the repository, from its root as the docs say.
			if _, err := os.Stat(filepath.Join("../..", w)); err == nil {
				w = filepath.Join("../..", w)
			}
		}
		args[i] = w
	}
	var stdout, stderr bytes.Buffer
	err := cli.Run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	if err != nil {
		t.Fatalf("sscgraph %s: %v\n%s", strings.Join(c.args, " "), err, stderr.String())
	}
	out := stdout.String()
	switch c.args[0] {
	case "schema":
		if !strings.Contains(out, "type Query") {
			t.Errorf("sscgraph schema printed no Query type: %.200s", out)
		}
	case "key":
		if len(c.args) > 1 && c.args[1] == "create" && !strings.Contains(out, "sscg_") {
			t.Errorf("sscgraph key create printed no key: %.200s", out)
		}
	}
}

// checkFlags runs `sscgraph <command> [subcommand] -h` and checks that
// the command exists and has every flag the document gives it.
func checkFlags(t *testing.T, c docCommand) {
	t.Helper()
	help := []string{c.args[0]}
	if c.args[0] == "key" && len(c.args) > 1 {
		help = append(help, c.args[1])
	}
	var stdout, stderr bytes.Buffer
	err := cli.Run(context.Background(), append(help, "-h"), func(string) string { return "" }, &stdout, &stderr)
	usage := stdout.String() + stderr.String()
	if code := cli.ExitCode(err); code != 0 {
		t.Fatalf("sscgraph %s -h: exit %d (%v): the documented command does not exist\n%s", strings.Join(help, " "), code, err, usage)
	}
	for _, w := range c.args[1:] {
		if !strings.HasPrefix(w, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !regexp.MustCompile(`(?m)^\s*-{1,2}` + regexp.QuoteMeta(name) + `\b`).MatchString(usage) {
			t.Errorf("%s:%d: sscgraph %s has no flag %s (its -h says:\n%s)", c.file, c.line, strings.Join(help, " "), w, usage)
		}
	}
}

// runCurl sends a documented curl command to a, as curl would send it to
// localhost:8080, and checks that it is answered 200 with a body.
func runCurl(t *testing.T, c docCommand, a *apitest.API) {
	// A placeholder ID ("Project_…") stands for a row of its type: the
	// first (of 20) for which the command answers something.
	for i, w := range c.args {
		m := placeholderID.FindStringSubmatch(w)
		if m == nil {
			continue
		}
		r := a.Query(t, fmt.Sprintf(`{ rows: %s(first: 20) { edges { node { id } } } }`, connectionOf(m[1])), nil)
		for _, id := range r.IDs("rows") {
			try := c
			try.args = append([]string(nil), c.args...)
			try.args[i] = strings.ReplaceAll(w, m[0], fmt.Sprintf("%q", id))
			if status, body := sendCurl(t, try, a); status == http.StatusOK && len(bytes.TrimSpace(body)) > 0 {
				c = try
				break
			}
		}
	}
	status, got := sendCurl(t, c, a)
	if status != http.StatusOK || len(bytes.TrimSpace(got)) == 0 {
		t.Fatalf("%s:%d: curl %s: status %d\n%.500s", c.file, c.line, strings.Join(c.args, " "), status, got)
	}
	if strings.Contains(strings.Join(c.args, " "), "/graphql") {
		var r struct {
			Errors []any `json:"errors"`
			Data   any   `json:"data"`
		}
		if err := json.Unmarshal(got, &r); err != nil || len(r.Errors) > 0 || r.Data == nil {
			t.Errorf("%s:%d: the query answered %.500s", c.file, c.line, got)
		}
	}
}

// sendCurl sends c as curl would send it to localhost:8080, to a; it
// skips the test for what it cannot send.
func sendCurl(t *testing.T, c docCommand, a *apitest.API) (int, []byte) {
	var (
		target  string
		headers = http.Header{}
		data    []string
		get     bool
	)
	for i := 0; i < len(c.args); i++ {
		w := c.args[i]
		next := func() string {
			i++
			if i >= len(c.args) {
				t.Fatalf("%s:%d: %s needs a value", c.file, c.line, w)
			}
			return c.args[i]
		}
		switch {
		case w == "-H":
			k, v, _ := strings.Cut(next(), ":")
			headers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case w == "-d" || w == "--data" || w == "--data-urlencode":
			v := next()
			if w == "--data-urlencode" {
				k, val, ok := strings.Cut(v, "=")
				v = url.QueryEscape(val)
				if ok {
					v = k + "=" + v
				}
			}
			data = append(data, v)
		case w == "-o":
			next()
		case w == "-G":
			get = true
		case strings.HasPrefix(w, "-"):
			// -s, -S, -O, -N, -sG, …: output and progress options; G among them.
			if !strings.HasPrefix(w, "--") && strings.Contains(w, "G") {
				get = true
			}
		case strings.Contains(w, "localhost:8080"):
			target = w
		}
	}
	if target == "" {
		t.Skipf("not a request to the local server")
	}
	if headers.Get("Accept") == "text/event-stream" {
		t.Skip("an event stream: TestSubscriptions runs subscriptions over SSE")
	}
	if v := headers.Get("Authorization"); strings.Contains(v, "$SSCGRAPH_KEY") {
		headers.Set("Authorization", apitest.NewKey(t, a, "EDITOR"))
	}
	u, err := url.Parse("http://" + strings.TrimPrefix(target, "http://"))
	if err != nil {
		t.Fatalf("%s:%d: %v", c.file, c.line, err)
	}
	method, body := http.MethodGet, io.Reader(nil)
	if len(data) > 0 && !get {
		method, body = http.MethodPost, strings.NewReader(strings.Join(data, "&"))
	}
	if get && len(data) > 0 {
		q := strings.Join(data, "&")
		if u.RawQuery != "" {
			q = u.RawQuery + "&" + q
		}
		u.RawQuery = q
	}
	req, err := http.NewRequest(method, a.Srv.URL+u.RequestURI(), body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = headers
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, got
}

// TestMetricsLabelsDocumented: every value the server gives the outcome
// and operation labels of its metrics (and the outcome of its log lines)
// is listed, in backticks, in docs/operations.md.
func TestMetricsLabelsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// Outcomes are set wherever a request ends; operation labels are
	// returned by observe.go's operationLabel.
	set := regexp.MustCompile(`(?:setOutcome\([^,]+,\s*|Outcome = |outcome = )"([a-z_]+)"`)
	label := regexp.MustCompile(`return "([a-z_]+)"`)
	values := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f != "observe.go" && !bytes.Contains(src, []byte("utcome")) {
			continue
		}
		found := set.FindAllSubmatch(src, -1)
		if f == "observe.go" {
			found = append(found, label.FindAllSubmatch(src, -1)...)
		}
		for _, m := range found {
			values[string(m[1])] = f
		}
	}
	for _, want := range []string{"ok", "unauthenticated", "anonymous", "other", "bad_request"} {
		if values[want] == "" {
			t.Errorf("found no label value %q in the server's code: the scan is out of date", want)
		}
	}
	for v, f := range values {
		if !bytes.Contains(doc, []byte("`"+v+"`")) {
			t.Errorf("label value %q (set in %s) is not documented in docs/operations.md", v, f)
		}
	}
}

// TestDocsQuoteIntrospectionCost: docs/api.md quotes what GraphiQL's
// introspection query costs; the figure must stay within 15% of what
// the server computes for the schema as it is (it is "about": schema
// additions move it a little, and a drift past that fails here).
func TestDocsQuoteIntrospectionCost(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`introspection costs what it returns \(about ([0-9,]+) for the whole`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/api.md no longer quotes the cost of introspection: update this test")
	}
	quoted, _ := strconv.Atoi(strings.ReplaceAll(string(m[1]), ",", ""))
	a := apitest.New(t, apitest.SQLiteCopy(t))
	r := a.Query(t, graphiqlIntrospection, nil)
	cost, _ := r.Extensions["cost"].(map[string]any)
	got, _ := cost["requestedQueryCost"].(float64)
	if got == 0 || float64(quoted) < 0.85*got || float64(quoted) > 1.15*got {
		t.Errorf("docs/api.md says introspection costs about %d; GraphiQL's introspection query costs %v", quoted, got)
	}
}

// graphiqlIntrospection is the introspection query GraphiQL sends (graphql-js
// getIntrospectionQuery with descriptions, deprecated input values and
// specifiedByURL), as far as its cost goes: __schema is priced whole.
const graphiqlIntrospection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`

// TestDocsStayInTheRepository: what people read names no path outside a
// clone (the programme's workspace, ../shared/…); README stays the front
// door, short enough to read in a few minutes; and the Go it asks for is
// the Go go.mod requires.
func TestDocsStayInTheRepository(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(mod)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if goLine == nil || !bytes.Contains(readme, []byte("Go "+string(goLine[1])+" or newer")) {
		t.Errorf("README.md does not ask for the Go go.mod requires (%s): say \"Go %s or newer\"", goLine[1], goLine[1])
	}
	for _, path := range userDocs(t) {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(text, []byte("../shared")) {
			t.Errorf("%s refers to ../shared, which a clone does not have", filepath.Base(path))
		}
		if filepath.Base(path) == "README.md" && filepath.Dir(path) == "../.." && len(text) > 12*1024 {
			t.Errorf("README.md is %d bytes: keep it the front door (under 12 KB) and move detail into docs/", len(text))
		}
	}
}
