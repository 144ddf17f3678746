package apierr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// declared returns the values of the constants of type typ that the
// package's apierr.go declares: the codes or the reasons, as written,
// so that a code added without a rule is caught.
func declared(t *testing.T, typ string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "apierr.go", nil, 0)
	if err != nil {
		t.Fatalf("parsing apierr.go: %v", err)
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != typ {
				continue
			}
			for _, val := range v.Values {
				lit, ok := val.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("a %s constant is not a string literal: %T", typ, val)
				}
				s, _ := strconv.Unquote(lit.Value)
				out[s] = true
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s constants found in apierr.go", typ)
	}
	return out
}

func TestStatusTable(t *testing.T) {
	tests := []struct {
		code Code
		want int
	}{
		{BadUserInput, http.StatusBadRequest},
		{ValidationFailed, http.StatusBadRequest},
		{ParseFailed, http.StatusBadRequest},
		{BadRequest, http.StatusBadRequest},
		{Unauthenticated, http.StatusUnauthorized},
		{Forbidden, http.StatusForbidden},
		{NotFound, http.StatusNotFound},
		{LimitExceeded, http.StatusBadRequest},
		{RateLimited, http.StatusTooManyRequests},
		{Timeout, http.StatusServiceUnavailable},
		{PersistedQueryNotFound, http.StatusForbidden},
		{PersistedQueryRequired, http.StatusForbidden},
		{Internal, http.StatusInternalServerError},
		{ServiceUnavailable, http.StatusServiceUnavailable},
		{CommitUnknown, http.StatusServiceUnavailable},
		{Conflict, http.StatusConflict},
		{"NO_SUCH_CODE", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := Status(tt.code); got != tt.want {
				t.Errorf("Status(%s): got %d, want %d", tt.code, got, tt.want)
			}
		})
	}

	// Every code declared has a rule and a row above: a new code cannot
	// reach clients with a status nobody chose.
	tested := map[Code]bool{}
	for _, tt := range tests {
		tested[tt.code] = true
	}
	codes := declared(t, "Code")
	for c := range codes {
		if _, ok := rules[Code(c)]; !ok {
			t.Errorf("code %s: got no rule in the status table, want one", c)
		}
		if !tested[Code(c)] {
			t.Errorf("code %s: got no row in this test, want one", c)
		}
	}
	if got, want := len(Codes()), len(codes); got != want {
		t.Errorf("Codes(): got %d codes, want %d (one per declared code)", got, want)
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want int
	}{
		{"a limit of the request", New(LimitExceeded, "x").With("limit", "cost"), http.StatusBadRequest},
		{"requests in flight", New(LimitExceeded, "x").With("limit", LimitInFlight), http.StatusTooManyRequests},
		{"streams per address", New(LimitExceeded, "x").With("limit", LimitStreamsPerAddress), http.StatusTooManyRequests},
		{"streams full", Unavailable(ReasonStreamsFull, "r", "x"), http.StatusServiceUnavailable},
		{"unauthenticated", New(Unauthenticated, "x"), http.StatusUnauthorized},
		{"rate limited", New(RateLimited, "x"), http.StatusTooManyRequests},
		{"internal", InternalFor("r"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusOf(tt.err.GQL()); got != tt.want {
				t.Errorf("StatusOf: got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRefusedAndResponseStatus(t *testing.T) {
	list := func(codes ...Code) gqlerror.List {
		var out gqlerror.List
		for _, c := range codes {
			out = append(out, New(c, "x").GQL())
		}
		return out
	}
	tests := []struct {
		name         string
		errs         gqlerror.List
		wantJSON     int // RefusedStatus in application/json
		wantStrict   int // RefusedStatus in application/graphql-response+json
		wantResponse int // ResponseStatus, after the operation ran
	}{
		{"validation", list(ValidationFailed), 200, 400, 200},
		{"bad input", list(BadUserInput), 200, 400, 200},
		{"limit", list(LimitExceeded), 200, 400, 200},
		{"persisted query not found", list(PersistedQueryNotFound), 200, 400, 200},
		{"rate limited", list(RateLimited), 429, 429, 200},
		{"unavailable", list(ServiceUnavailable), 503, 503, 503},
		{"unavailable over rate limited", list(RateLimited, ServiceUnavailable), 503, 503, 503},
		{"unavailable among others", list(BadUserInput, ServiceUnavailable, Internal), 503, 503, 503},
		{"timeout", list(Timeout), 200, 400, 200},
		{"internal", list(Internal), 200, 400, 200},
		{"none", nil, 200, 400, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RefusedStatus(tt.errs, false); got != tt.wantJSON {
				t.Errorf("RefusedStatus(application/json): got %d, want %d", got, tt.wantJSON)
			}
			if got := RefusedStatus(tt.errs, true); got != tt.wantStrict {
				t.Errorf("RefusedStatus(application/graphql-response+json): got %d, want %d", got, tt.wantStrict)
			}
			if got := ResponseStatus(tt.errs); got != tt.wantResponse {
				t.Errorf("ResponseStatus: got %d, want %d", got, tt.wantResponse)
			}
		})
	}
}

func TestProtocolCodes(t *testing.T) {
	for c := range declared(t, "Code") {
		want := c == string(BadUserInput) || c == string(ValidationFailed) || c == string(ParseFailed)
		if got := Protocol(Code(c)); got != want {
			t.Errorf("Protocol(%s): got %v, want %v", c, got, want)
		}
	}
}
