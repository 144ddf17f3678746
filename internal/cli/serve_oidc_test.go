package cli

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOIDCFlags: OpenID Connect settings that cannot work are usage
// errors, before anything starts.
func TestServeOIDCFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"issuer without audience", []string{"serve", "--oidc-issuer", "https://sso.example.org"}, "--oidc-issuer and --oidc-audience go together"},
		{"audience without issuer", []string{"serve", "--oidc-audience", "sscgraph"}, "--oidc-issuer and --oidc-audience go together"},
		{"group roles not pairs", []string{"serve", "--oidc-groups-claim", "groups", "--oidc-group-roles", "editors"}, `--oidc-group-roles: "editors" is not name=value`},
		{"unknown role", []string{"serve", "--oidc-groups-claim", "groups", "--oidc-group-roles", "owners=OWNER"}, `maps to "OWNER"`},
		{"group roles without the claim", []string{"serve", "--oidc-group-roles", "editors=EDITOR"}, "needs --oidc-groups-claim"},
		{"org refs not pairs", []string{"serve", "--oidc-org-refs", "x"}, `--oidc-org-refs: "x" is not name=value`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) || ExitCode(err) != 2 {
				t.Fatalf("err = %v (exit %d), want a usage error mentioning %q", err, ExitCode(err), tt.want)
			}
		})
	}
}

// TestServeOIDCDiscoveryUnreachable: serve does not start when the
// provider's discovery document cannot be read, and says which URL.
func TestServeOIDCDiscoveryUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String() + "/realms/match"
	ln.Close() // nothing listens there now
	env := map[string]string{
		"SSCGRAPH_DB":            filepath.Join(t.TempDir(), "x.db"),
		"SSCGRAPH_ADDR":          "127.0.0.1:0",
		"SSCGRAPH_OIDC_ISSUER":   issuer,
		"SSCGRAPH_OIDC_AUDIENCE": "sscgraph",
	}
	err = Run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), issuer+"/.well-known/openid-configuration") {
		t.Fatalf("err = %v, want it to name the discovery URL", err)
	}
}
