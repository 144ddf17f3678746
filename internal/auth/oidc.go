package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// OpenID Connect: a person signed in with the organization's identity
// provider calls sscgraph with the provider's JWT as a Bearer token.
//
// Tokens are verified by github.com/coreos/go-oidc (over go-jose v4), not
// by code of sscgraph's own: it reads the provider's discovery document,
// caches its JWKS and fetches it again when a token names a key ID it has
// not seen (so a key rotation needs no restart), checks the issuer and
// the audience, and accepts only the signing algorithms it is given, so
// that "alg": "none" and an HMAC "signed" with the provider's public key
// are refused before any signature is checked.

// ErrInvalidToken is every refusal of a token; the error that wraps it
// (a *TokenError) says why, in words.
var ErrInvalidToken = errors.New("the token is not valid")

// TokenError is a refused token: Reason says why, for the client.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "the token is refused: " + e.Reason }

// Is makes every TokenError an ErrInvalidToken.
func (e *TokenError) Is(target error) bool { return target == ErrInvalidToken }

func refuseToken(format string, args ...any) error {
	return &TokenError{Reason: fmt.Sprintf(format, args...)}
}

// Defaults of OIDCConfig.
const (
	DefaultRoleClaim = "sscgraph_role"
	DefaultOrgClaim  = "sscgraph_org"
	// DefaultClockSkew is how far the provider's clock and sscgraph's may
	// disagree: a token is accepted this long after its exp, and this
	// long before its nbf.
	DefaultClockSkew = time.Minute
	// maxTokenBytes bounds a token read at all; providers' tokens are a
	// few kilobytes.
	maxTokenBytes = 16 << 10
)

// signingAlgs are the algorithms accepted: the asymmetric ones of JWA
// (RFC 7518) and EdDSA. Never "none", never HMAC: the provider's keys are
// public, and a token "signed" with one as an HMAC secret is a forgery.
var signingAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512,
	oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.EdDSA,
}

// OIDCConfig says which provider's tokens sscgraph accepts, and how their
// claims name a role and an organization.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL: its discovery document is at
	// Issuer + "/.well-known/openid-configuration", and tokens' iss must
	// be exactly it.
	Issuer string
	// Audience must be among a token's aud: the client ID (or the API's
	// identifier) the provider issues sscgraph's tokens for.
	Audience string
	// RoleClaim names the claim whose value is MEMBER, EDITOR or ADMIN.
	RoleClaim string
	// OrgClaim names the claim whose value is the organization's ref (or
	// a key of OrgRefs), for MEMBER tokens.
	OrgClaim string
	// GroupsClaim names a claim listing the person's groups, and
	// GroupRoles maps groups to roles; a token without a RoleClaim gets
	// the highest role its groups map to.
	GroupsClaim string
	GroupRoles  map[string]string
	// OrgRefs maps values of OrgClaim to organization refs, for providers
	// that name organizations their own way; a value it does not list is
	// read as a ref.
	OrgRefs map[string]string
	// ClockSkew is the allowance of DefaultClockSkew, when 0.
	ClockSkew time.Duration
	// HTTPClient fetches the discovery document and the JWKS; nil: one
	// with a 10 s timeout.
	HTTPClient *http.Client
}

// OIDC verifies the tokens of one provider.
type OIDC struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
	now      func() time.Time
}

// Identity is what a verified token says of its person.
type Identity struct {
	Issuer, Subject string
	Role            string
	OrgRef          string // "" when the token names no organization
	Expires         time.Time
}

// NewOIDC reads the provider's discovery document, and fails, naming its
// URL, when it cannot: a server that would refuse every token had better
// not start.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("OpenID Connect needs both an issuer (--oidc-issuer) and an audience (--oidc-audience)")
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = DefaultRoleClaim
	}
	if cfg.OrgClaim == "" {
		cfg.OrgClaim = DefaultOrgClaim
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	for group, role := range cfg.GroupRoles {
		if !validRole(role) {
			return nil, fmt.Errorf("the group %q maps to %q: roles are MEMBER, EDITOR and ADMIN", group, role)
		}
	}
	if len(cfg.GroupRoles) > 0 && cfg.GroupsClaim == "" {
		return nil, errors.New("group roles (--oidc-group-roles) need the claim that lists groups (--oidc-groups-claim)")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	// The key set keeps this context, without its deadline, for its
	// later fetches (go-oidc uses it as a bag of values): it carries the
	// client.
	pctx := oidc.ClientContext(ctx, client)
	dctx, cancel := context.WithTimeout(pctx, 15*time.Second)
	defer cancel()
	discovery := strings.TrimSuffix(cfg.Issuer, "/") + "/.well-known/openid-configuration"
	provider, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("reading the OpenID Connect discovery document %s: %w", discovery, err)
	}
	o := &OIDC{cfg: cfg, now: time.Now}
	o.verifier = provider.VerifierContext(pctx, &oidc.Config{
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: signingAlgs,
		// exp and nbf are checked by Verify, with ClockSkew both ways
		// (go-oidc allows none after exp and five minutes before nbf).
		SkipExpiryCheck: true,
	})
	return o, nil
}

// Config returns the configuration in use, defaults filled in.
func (o *OIDC) Config() OIDCConfig { return o.cfg }

// Verify checks a raw token and reads its person's identity.
func (o *OIDC) Verify(ctx context.Context, raw string) (*Identity, error) {
	if len(raw) > maxTokenBytes {
		return nil, refuseToken("it is longer than %d bytes", maxTokenBytes)
	}
	tok, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, describeVerifyError(err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, refuseToken("its claims are not a JSON object")
	}
	now := o.now()
	skew := o.cfg.ClockSkew
	if tok.Expiry.IsZero() {
		return nil, refuseToken("it has no expiry (exp)")
	}
	if now.After(tok.Expiry.Add(skew)) {
		return nil, refuseToken("it expired at %s", tok.Expiry.UTC().Format(time.RFC3339))
	}
	if nbf, ok := claims["nbf"].(float64); ok {
		at := time.Unix(int64(nbf), 0)
		if now.Add(skew).Before(at) {
			return nil, refuseToken("it is not valid before %s (nbf)", at.UTC().Format(time.RFC3339))
		}
	}
	if tok.Subject == "" {
		return nil, refuseToken("it names no subject (sub)")
	}
	id := &Identity{Issuer: tok.Issuer, Subject: tok.Subject, Expires: tok.Expiry.Add(skew)}
	if id.Role, err = o.role(claims); err != nil {
		return nil, err
	}
	if v, present := claims[o.cfg.OrgClaim]; present {
		ref, ok := v.(string)
		if !ok || ref == "" {
			return nil, refuseToken("its claim %s must be an organization's ref, a string", o.cfg.OrgClaim)
		}
		if mapped, ok := o.cfg.OrgRefs[ref]; ok {
			ref = mapped
		}
		id.OrgRef = ref
	}
	if id.Role == RoleMember && id.OrgRef == "" {
		return nil, refuseToken("a MEMBER token must name its organization's ref in the claim %s", o.cfg.OrgClaim)
	}
	return id, nil
}

// role reads the token's role from its role claim, else from its groups.
// A token without one is refused: it is never read as anonymous.
func (o *OIDC) role(claims map[string]any) (string, error) {
	if v, present := claims[o.cfg.RoleClaim]; present {
		s, _ := v.(string)
		role := strings.ToUpper(strings.TrimSpace(s))
		if !validRole(role) {
			return "", refuseToken("its claim %s is %v: it must be MEMBER, EDITOR or ADMIN", o.cfg.RoleClaim, v)
		}
		return role, nil
	}
	best := ""
	if o.cfg.GroupsClaim != "" {
		for _, g := range stringsOf(claims[o.cfg.GroupsClaim]) {
			if r, ok := o.cfg.GroupRoles[g]; ok && rank(r) > rank(best) {
				best = r
			}
		}
	}
	if best == "" {
		if o.cfg.GroupsClaim != "" {
			return "", refuseToken("it gives no role: it has no claim %s, and none of its groups (claim %s) maps to a role", o.cfg.RoleClaim, o.cfg.GroupsClaim)
		}
		return "", refuseToken("it gives no role: it has no claim %s (MEMBER, EDITOR or ADMIN)", o.cfg.RoleClaim)
	}
	return best, nil
}

// stringsOf reads a claim that is a list of strings, or one string.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func validRole(r string) bool {
	return r == RoleMember || r == RoleEditor || r == RoleAdmin
}

func rank(r string) int {
	return slices.Index([]string{RoleMember, RoleEditor, RoleAdmin}, r) + 1
}

// describeVerifyError says in words why go-oidc refused a token. go-oidc's
// errors are plain strings (but for expiry, which Verify checks itself),
// so they are told apart by their text; anything unrecognised is still a
// refusal, with a general reason.
func describeVerifyError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unexpected signature algorithm"):
		return refuseToken("it is signed with an algorithm sscgraph does not accept (alg none and HMAC are refused; the provider's keys sign with %s)", strings.Join(signingAlgs, ", "))
	case strings.Contains(msg, "malformed jwt"), strings.Contains(msg, "not signed"), strings.Contains(msg, "multiple signatures"):
		return refuseToken("it is not a signed JWT in compact form")
	case strings.Contains(msg, "issued by a different provider"):
		return refuseToken("it was issued by another provider than the one sscgraph trusts (iss)")
	case strings.Contains(msg, "expected audience"):
		return refuseToken("it was not issued for sscgraph (aud)")
	case strings.Contains(msg, "fetching keys"):
		return refuseToken("its key ID is not among the provider's keys, and the provider's key set could not be fetched again")
	case strings.Contains(msg, "failed to verify signature"):
		return refuseToken("its signature does not verify with any of the provider's keys (an unknown key ID, or a bad signature), even after fetching the key set again")
	case strings.Contains(msg, "failed to unmarshal claims"):
		return refuseToken("its claims are not valid JSON claims")
	}
	return refuseToken("it does not verify")
}
