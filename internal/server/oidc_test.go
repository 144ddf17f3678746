package server_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-jose/go-jose/v4"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// testIssuer is an OpenID Connect provider inside the test: a discovery
// document and a JWKS served over HTTP, keys generated here.
type testIssuer struct {
	srv *httptest.Server

	mu      sync.Mutex
	public  []jose.JSONWebKey        // what /jwks serves
	private map[string]crypto.Signer // by key ID, served or not
	fetches atomic.Int32             // JWKS fetches
}

const testAudience = "sscgraph-match"

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	iss := &testIssuer{private: map[string]crypto.Signer{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                iss.srv.URL,
			"jwks_uri":                              iss.srv.URL + "/jwks",
			"authorization_endpoint":                iss.srv.URL + "/auth",
			"token_endpoint":                        iss.srv.URL + "/token",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		iss.fetches.Add(1)
		iss.mu.Lock()
		set := jose.JSONWebKeySet{Keys: append([]jose.JSONWebKey(nil), iss.public...)}
		iss.mu.Unlock()
		_ = json.NewEncoder(w).Encode(set)
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

// addKey makes a key (RS256 or ES256); published puts it in the JWKS.
func (i *testIssuer) addKey(t *testing.T, kid string, alg jose.SignatureAlgorithm, published bool) {
	t.Helper()
	var priv crypto.Signer
	var err error
	if alg == jose.ES256 {
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.private[kid] = priv
	if published {
		i.public = append(i.public, jose.JSONWebKey{Key: priv.Public(), KeyID: kid, Algorithm: string(alg), Use: "sig"})
	}
}

// sign signs claims with the key kid, by its own algorithm.
func (i *testIssuer) sign(t *testing.T, kid string, claims map[string]any) string {
	t.Helper()
	i.mu.Lock()
	priv := i.private[kid]
	i.mu.Unlock()
	alg := jose.RS256
	if _, ok := priv.(*ecdsa.PrivateKey); ok {
		alg = jose.ES256
	}
	return signWith(t, jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: priv, KeyID: kid}}, claims)
}

func signWith(t *testing.T, key jose.SigningKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// claims are valid claims for subject with role, changed by extra (a nil
// value removes a claim).
func (i *testIssuer) claims(sub, role string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": i.srv.URL, "aud": testAudience, "sub": sub,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		auth.DefaultRoleClaim: role,
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// newOIDCAPI serves a copy of the SQLite data accepting iss's tokens.
func newOIDCAPI(t *testing.T, iss *testIssuer, dsn string, cfg server.Config, oc auth.OIDCConfig) *apitest.API {
	t.Helper()
	oc.Issuer, oc.Audience, oc.HTTPClient = iss.srv.URL, testAudience, iss.srv.Client()
	o, err := auth.NewOIDC(context.Background(), oc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.OIDC = o
	return apitest.NewWith(t, dsn, cfg)
}

// TestOIDCDiscoveryFails: a provider whose discovery document cannot be
// read stops the start, naming the URL.
func TestOIDCDiscoveryFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: srv.URL + "/realms/x", Audience: "a", HTTPClient: srv.Client()})
	if err == nil || !strings.Contains(err.Error(), srv.URL+"/realms/x/.well-known/openid-configuration") {
		t.Fatalf("got %v, want an error naming the discovery URL", err)
	}
}

// TestOIDCRefusals: every kind of bad token is refused on HTTP, on
// graphql-transport-ws and graphql-ws (connection_init) and on server-sent
// events, with 401 UNAUTHENTICATED and RFC 6750's invalid_token saying
// why; none is read as anonymous.
func TestOIDCRefusals(t *testing.T) {
	iss := newTestIssuer(t)
	iss.addKey(t, "rsa1", jose.RS256, true)
	iss.addKey(t, "unpublished", jose.RS256, false)
	a := newOIDCAPI(t, iss, apitest.SQLiteCopy(t), server.DefaultConfig(), auth.OIDCConfig{})
	now := time.Now()

	valid := iss.sign(t, "rsa1", iss.claims("alice", "EDITOR", nil))
	// A token whose signature is another token's: the key ID is known.
	other := iss.sign(t, "rsa1", iss.claims("mallory", "ADMIN", nil))
	badSig := strings.Join(append(strings.Split(other, ".")[:2], strings.Split(valid, ".")[2]), ".")
	// An unsigned token: go-jose will not make one, so it is put together.
	b64 := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	none := b64(map[string]any{"alg": "none", "typ": "JWT"}) + "." + b64(iss.claims("mallory", "ADMIN", nil)) + "."
	// HS256 with the provider's public key as the secret, the classic
	// confusion attack.
	iss.mu.Lock()
	der, _ := x509.MarshalPKIXPublicKey(iss.private["rsa1"].Public())
	iss.mu.Unlock()
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hmac := signWith(t, jose.SigningKey{Algorithm: jose.HS256, Key: jose.JSONWebKey{Key: pemKey, KeyID: "rsa1"}}, iss.claims("mallory", "ADMIN", nil))

	for _, tc := range []struct {
		name, token, want string
	}{
		{"expired", iss.sign(t, "rsa1", iss.claims("alice", "EDITOR", map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})), "it expired at"},
		{"not yet valid", iss.sign(t, "rsa1", iss.claims("alice", "EDITOR", map[string]any{"nbf": now.Add(5 * time.Minute).Unix()})), "not valid before"},
		{"wrong issuer", iss.sign(t, "rsa1", iss.claims("alice", "EDITOR", map[string]any{"iss": "https://evil.example"})), "another provider"},
		{"wrong audience", iss.sign(t, "rsa1", iss.claims("alice", "EDITOR", map[string]any{"aud": "someone-else"})), "not issued for sscgraph"},
		{"unknown key ID", iss.sign(t, "unpublished", iss.claims("alice", "EDITOR", nil)), "does not verify with any of the provider's keys"},
		{"bad signature", badSig, "does not verify with any of the provider's keys"},
		{"alg none", none, "alg none and HMAC are refused"},
		{"HS256 with the public key", hmac, "alg none and HMAC are refused"},
		{"no role", iss.sign(t, "rsa1", iss.claims("alice", "", map[string]any{auth.DefaultRoleClaim: nil})), "gives no role"},
		{"unknown role", iss.sign(t, "rsa1", iss.claims("alice", "OWNER", nil)), "must be MEMBER, EDITOR or ADMIN"},
		{"member without organization", iss.sign(t, "rsa1", iss.claims("alice", "MEMBER", nil)), "must name its organization"},
		{"unknown organization", iss.sign(t, "rsa1", iss.claims("alice", "MEMBER", map[string]any{auth.DefaultOrgClaim: "NO-SUCH-REF"})), `organization "NO-SUCH-REF"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, r := a.Send(t, "Bearer "+tc.token, `{ regions(first: 1) { totalCount } }`, nil)
			challenge := h.Get("WWW-Authenticate")
			if r.Status != http.StatusUnauthorized || r.HasData || len(r.Errors) == 0 ||
				r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || r.Errors[0].Extensions["reason"] != "invalidToken" ||
				!strings.Contains(r.Errors[0].Message, tc.want) {
				t.Errorf("HTTP: status %d, %+v; want 401 UNAUTHENTICATED saying %q", r.Status, r.Errors, tc.want)
			}
			if !strings.Contains(challenge, `error="invalid_token"`) || !strings.Contains(challenge, `error_description="`) {
				t.Errorf("HTTP: WWW-Authenticate %q, want invalid_token with a description", challenge)
			}
			_, err := dialWS(t, a, transportWS, nil, map[string]any{"Authorization": "Bearer " + tc.token})
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != 4403 || ce.Reason != "UNAUTHENTICATED" {
				t.Errorf("graphql-transport-ws: got %v, want close 4403 UNAUTHENTICATED", err)
			}
			// The legacy protocol refuses with its connection_error.
			_, err = dialWS(t, a, legacyWS, nil, map[string]any{"Authorization": "Bearer " + tc.token})
			if err == nil || !strings.Contains(err.Error(), "connection_error") || !strings.Contains(err.Error(), strings.ReplaceAll(tc.want, `"`, `\"`)) {
				t.Errorf("graphql-ws: got %v, want connection_error saying %q", err, tc.want)
			}
			sse := openSSE(t, a, "Bearer "+tc.token, offerPostedQuery, nil)
			if sse.res.StatusCode != http.StatusUnauthorized || !strings.Contains(sse.res.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("SSE: status %d, WWW-Authenticate %q, want 401 invalid_token", sse.res.StatusCode, sse.res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("a valid token is accepted", func(t *testing.T) {
		if _, r := a.Send(t, "Bearer "+valid, `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("status %d, %+v", r.Status, r.Errors)
		}
	})
}

// TestOIDCRotation: a key that appears in the JWKS after the server
// started is used at once (one fetch, on its unknown key ID), no restart;
// an ECDSA key works as an RSA one does.
func TestOIDCRotation(t *testing.T) {
	iss := newTestIssuer(t)
	iss.addKey(t, "old", jose.RS256, true)
	a := newOIDCAPI(t, iss, apitest.SQLiteCopy(t), server.DefaultConfig(), auth.OIDCConfig{})
	q := `{ regions(first: 1) { totalCount } }`
	if _, r := a.Send(t, "Bearer "+iss.sign(t, "old", iss.claims("alice", "EDITOR", nil)), q, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("old key: status %d, %+v", r.Status, r.Errors)
	}
	before := iss.fetches.Load()
	iss.addKey(t, "new", jose.ES256, true)
	if _, r := a.Send(t, "Bearer "+iss.sign(t, "new", iss.claims("alice", "EDITOR", nil)), q, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("rotated key: status %d, %+v", r.Status, r.Errors)
	}
	if n := iss.fetches.Load() - before; n != 1 {
		t.Errorf("the new key ID cost %d JWKS fetches, want 1", n)
	}
	// Known keys cost no fetch.
	before = iss.fetches.Load()
	if _, r := a.Send(t, "Bearer "+iss.sign(t, "old", iss.claims("bob", "EDITOR", nil)), q, nil); r.Status != http.StatusOK {
		t.Fatalf("old key after rotation: status %d, %+v", r.Status, r.Errors)
	}
	if n := iss.fetches.Load() - before; n != 0 {
		t.Errorf("a known key ID cost %d JWKS fetches, want 0", n)
	}
}

// TestOIDCAsKeys: a token's caller gets what a key of the same role and
// organization gets: a MEMBER reads its own matches' private fields and
// not others', the groups claim maps to roles, rate limits count per
// subject, bad tokens are charged to the failed-authentication limit, and
// an EDITOR's mutation is audited with issuer and subject, never the
// token. On SQLite and PostgreSQL.
func TestOIDCAsKeys(t *testing.T) {
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) { testOIDCAsKeys(t, b.Fresh(t)) })
	}
}

func testOIDCAsKeys(t *testing.T, dsn string) {
	iss := newTestIssuer(t)
	iss.addKey(t, "k", jose.RS256, true)
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 100000
	cfg.Limits.TimePerPoint = time.Hour // buckets read as the price alone
	cfg.Limits.AuthFailuresPerHour = 3
	a := newOIDCAPI(t, iss, dsn, cfg, auth.OIDCConfig{
		GroupsClaim: "groups",
		GroupRoles:  map[string]string{"ipo-editors": "EDITOR", "admins": "ADMIN"},
		// A provider that names organizations its own way.
		OrgRefs: map[string]string{"tenant-7f3a": "ORG-PROVIDER"},
	})
	ctx := context.Background()

	// A match with a private message, between a provider and a seeker.
	row := a.Column(t, `SELECT m.id || ':' || o.provider_id || ':' || n.seeker_id FROM matches m
		JOIN match_offers o ON o.id = m.offer_id JOIN match_needs n ON n.id = m.need_id
		WHERE o.provider_id <> n.seeker_id ORDER BY m.id LIMIT 1`)
	if len(row) == 0 {
		t.Fatal("no match to test with")
	}
	parts := strings.Split(row[0], ":")
	if _, err := a.DB.SQL.ExecContext(ctx, `UPDATE matches SET message = 'private note' WHERE id = `+parts[0]); err != nil {
		t.Fatal(err)
	}
	// Organizations are named by ref (import sets them; the demo data has
	// none).
	outsiderID := a.Column(t, `SELECT id FROM organizations WHERE id NOT IN (`+parts[1]+`, `+parts[2]+`) ORDER BY id LIMIT 1`)[0]
	providerRef, outsider := "ORG-PROVIDER", "ORG-OUTSIDER"
	for id, ref := range map[string]string{parts[1]: providerRef, outsiderID: outsider} {
		if _, err := a.DB.SQL.ExecContext(ctx, `UPDATE organizations SET ref = '`+ref+`' WHERE id = `+id); err != nil {
			t.Fatal(err)
		}
	}
	matchID := a.Codec.Encode(atoiT(t, parts[0]))
	message := func(token string) any {
		t.Helper()
		_, r := a.Send(t, "Bearer "+token, `query($id: ID!) { node(id: $id) { ... on Match { message } } }`, map[string]any{"id": matchID})
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("status %d, %+v", r.Status, r.Errors)
		}
		node, _ := r.Data["node"].(map[string]any)
		if node == nil {
			return nil
		}
		return node["message"]
	}
	member := func(sub, orgRef string) string {
		return iss.sign(t, "k", iss.claims(sub, "MEMBER", map[string]any{auth.DefaultOrgClaim: orgRef}))
	}
	if got := message(member("provider-person", providerRef)); got != "private note" {
		t.Errorf("the party's MEMBER token reads message %v, want the note", got)
	}
	if got := message(member("provider-colleague", "tenant-7f3a")); got != "private note" {
		t.Errorf("a MEMBER token naming its organization through --oidc-org-refs reads message %v, want the note", got)
	}
	if got := message(member("outsider-person", outsider)); got != nil {
		t.Errorf("another organization's MEMBER token reads message %v, want null", got)
	}
	editorByGroup := iss.sign(t, "k", iss.claims("grace", "", map[string]any{auth.DefaultRoleClaim: nil, "groups": []string{"staff", "ipo-editors"}}))
	if got := message(editorByGroup); got != "private note" {
		t.Errorf("a token in ipo-editors reads message %v, want the note (EDITOR)", got)
	}

	t.Run("exports take the token in the Authorization header", func(t *testing.T) {
		e := a.Export(t, "/export/regions.csv", nil, "Bearer "+editorByGroup)
		if e.Status != http.StatusOK || e.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("export with a token: status %d, Cache-Control %q: %s", e.Status, e.Header.Get("Cache-Control"), e.Body[:min(len(e.Body), 200)])
		}
		bad := iss.sign(t, "k", iss.claims("x", "EDITOR", map[string]any{"aud": "other"}))
		e = a.Export(t, "/export/regions.csv", nil, "Bearer "+bad)
		if e.Status != http.StatusUnauthorized || !strings.Contains(e.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("export with a bad token: status %d, WWW-Authenticate %q", e.Status, e.Header.Get("WWW-Authenticate"))
		}
	})

	t.Run("rate limits count per subject", func(t *testing.T) {
		q := `{ countries(first: 100) { edges { node { code } } } }`
		remaining := func(token string) int {
			t.Helper()
			h, r := a.Send(t, "Bearer "+token, q, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d, %+v", r.Status, r.Errors)
			}
			n, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
			return n
		}
		first := remaining(iss.sign(t, "k", iss.claims("dana", "EDITOR", nil)))
		// Another token of the same person: the same bucket.
		second := remaining(iss.sign(t, "k", iss.claims("dana", "EDITOR", map[string]any{"jti": "2"})))
		other := remaining(iss.sign(t, "k", iss.claims("erin", "EDITOR", nil)))
		if second >= first || other != first {
			t.Errorf("remaining: dana %d then %d, erin %d; want dana's second lower, erin's as dana's first", first, second, other)
		}
	})

	t.Run("an EDITOR mutation is audited with issuer and subject", func(t *testing.T) {
		editor := iss.sign(t, "k", iss.claims("frank@example.org", "EDITOR", nil))
		h, r := a.Send(t, "Bearer "+editor, `mutation($id: ID!) { updateMatch(id: $id, input: {score: 0.75}) { id } }`, map[string]any{"id": matchID})
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("updateMatch: status %d, %+v", r.Status, r.Errors)
		}
		got := a.Column(t, `SELECT COALESCE(token_issuer, '') || ' ' || COALESCE(token_subject, '') || ' ' || role || ' ' || COALESCE(key_id, 0)
			FROM audit_events WHERE request_id = $1`, h.Get("X-Request-ID"))
		want := iss.srv.URL + " frank@example.org EDITOR 0"
		if len(got) != 1 || got[0] != want {
			t.Errorf("audit events %q, want one %q", got, want)
		}
		if n := a.Count(t, `SELECT COUNT(*) FROM audit_events WHERE CAST(changes AS TEXT) LIKE $1 OR token_subject LIKE $1`, "%"+editor[:20]+"%"); n != 0 {
			t.Errorf("the token is in %d audit events", n)
		}
	})

	t.Run("bad tokens are charged to the failed-authentication limit", func(t *testing.T) {
		expired := func(i int) string {
			return iss.sign(t, "k", iss.claims("x", "EDITOR", map[string]any{"exp": time.Now().Add(-time.Hour).Unix(), "jti": strconv.Itoa(i)}))
		}
		for i := range 2 { // the export's bad token was the first

			if _, r := a.Send(t, "Bearer "+expired(i), `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusUnauthorized {
				t.Fatalf("expired token %d: status %d", i, r.Status)
			}
		}
		if _, r := a.Send(t, "Bearer "+expired(9), `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusTooManyRequests {
			t.Errorf("the fourth bad token: status %d, %+v; want 429", r.Status, r.Errors)
		}
	})
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOIDCTokenExpiryEndsSubscriptions: a token that expires while its
// subscriptions run ends them: an event stream with an UNAUTHENTICATED
// error (reason tokenExpired) and complete, WebSockets of both protocols
// with 4403 UNAUTHENTICATED, graphql-transport-ws's Forbidden, as a key
// that ends.
func TestOIDCTokenExpiryEndsSubscriptions(t *testing.T) {
	iss := newTestIssuer(t)
	iss.addKey(t, "k", jose.RS256, true)
	a := newOIDCAPI(t, iss, apitest.SQLiteCopy(t), server.DefaultConfig(), auth.OIDCConfig{ClockSkew: time.Millisecond})
	// Long enough to open the subscriptions on a busy machine; exp is
	// in whole seconds.
	exp := time.Now().Add(4 * time.Second).Truncate(time.Second)
	token := iss.sign(t, "k", iss.claims("alice", "EDITOR", map[string]any{"exp": exp.Unix()}))
	payload := map[string]any{"Authorization": "Bearer " + token}
	ws, err := dialWS(t, a, transportWS, nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := dialWS(t, a, legacyWS, nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	// A WebSocket without subscriptions, its token in the upgrade's
	// header: its queries and mutations run with the token too.
	idle, err := dialWS(t, a, transportWS, http.Header{"Authorization": {"Bearer " + token}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe(t, "1", offerPostedQuery, nil)
	legacy.subscribe(t, "a", offerPostedQuery, nil)
	sse := openSSE(t, a, "Bearer "+token, offerPostedQuery, nil)
	waitSubscribers(t, a, 3)

	m := sse.next(t)
	if m.code() != "UNAUTHENTICATED" {
		t.Fatalf("SSE: got %+v, want an UNAUTHENTICATED error", m)
	}
	if reason, _ := m.Errors[0].Extensions["reason"].(string); reason != "tokenExpired" {
		t.Errorf("SSE: reason %q, want tokenExpired", reason)
	}
	if m := sse.next(t); m.Type != "complete" {
		t.Errorf("SSE: got %+v after the error, want complete", m)
	}
	for _, c := range []struct {
		name string
		c    *wsClient
	}{{"graphql-transport-ws", ws}, {"graphql-ws", legacy}, {"without subscriptions", idle}} {
		err := c.c.closeErr(t)
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4403 || ce.Reason != "UNAUTHENTICATED" {
			t.Errorf("%s: closed with %v, want 4403 UNAUTHENTICATED", c.name, err)
		}
	}
	if time.Now().Before(exp) {
		t.Errorf("the subscriptions ended before the token expired")
	}
	if _, r := a.Send(t, "Bearer "+token, `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the expired token: status %d, want 401", r.Status)
	}
}
