package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/server"
)

// serveConfig is what serve's flags and their environment variables ask
// for. Limits that go straight to the API are parsed into server; the
// rest stays as given until validate checks it and completes server.
type serveConfig struct {
	server server.Config
	db     database.Options

	addr, dsn, logFormat string
	idSecret             string
	insecureSecret       bool
	introspection        bool
	maxResponse, maxBody int64
	timeout              time.Duration
	corsOrigins          string
	corsCredentials      bool
	sharedLimits         bool
	persistedOnly        bool
	persistedFile        string
	subLifetime, subIdle time.Duration
	wsInitTimeout        time.Duration
	pprofAddr            string
	pprofRemote          bool
	metricsAddr          string
	metricsRemote        bool
	dbWait, poolWait     time.Duration
	webhookExpiring      time.Duration
	// OpenID Connect: the provider and its claims; the two maps as given.
	oidc                     auth.OIDCConfig
	oidcGroupRoles, oidcRefs string
	otelEndpoint             string
}

// parseServeFlags reads serve's command line, each flag defaulting to its
// environment variable and then to the built-in value.
func parseServeFlags(args []string, getenv Getenv, stderr io.Writer) (*serveConfig, error) {
	fs := newFlagSet("serve", stderr)
	c := &serveConfig{server: server.DefaultConfig()}
	fs.StringVar(&c.addr, "addr", envOr(getenv, "SSCGRAPH_ADDR", ":8080"), "address to serve the API on, host:port: :8080 listens on every interface, 127.0.0.1:8080 on this machine only, port 0 on any free port (env SSCGRAPH_ADDR)")
	fs.StringVar(&c.dsn, "db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	fs.StringVar(&c.idSecret, "id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", ""), "secret that keys the opaque global IDs (env SSCGRAPH_ID_SECRET); required on PostgreSQL: the built-in default lets anyone who reads the source decode and forge IDs. Changing it changes every ID clients hold")
	fs.BoolVar(&c.insecureSecret, "insecure-default-secret", envBool(getenv, "SSCGRAPH_INSECURE_DEFAULT_SECRET", false), "serve on PostgreSQL without --id-secret, with the built-in secret that makes IDs decodable and forgeable (env SSCGRAPH_INSECURE_DEFAULT_SECRET)")
	fs.StringVar(&c.logFormat, "log-format", envOr(getenv, "SSCGRAPH_LOG_FORMAT", "text"), "log format: text or json (env SSCGRAPH_LOG_FORMAT)")
	fs.BoolVar(&c.introspection, "introspection", envBool(getenv, "SSCGRAPH_INTROSPECTION", true), "serve schema introspection; off also hides field suggestions in errors (env SSCGRAPH_INTROSPECTION)")
	intFlag(fs, getenv, &c.server.Limits.MaxCost, "max-cost", "SSCGRAPH_MAX_COST", "most points (nodes a query can return) one request may cost; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.MaxDepth, "max-depth", "SSCGRAPH_MAX_DEPTH", "most fields deep a query may go; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.MaxAliases, "max-aliases", "SSCGRAPH_MAX_ALIASES", "most aliased fields in one operation; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.MaxPredicates, "max-predicates", "SSCGRAPH_MAX_PREDICATES", "most filter conditions and order terms in one operation; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.MaxFilterDepth, "max-filter-depth", "SSCGRAPH_MAX_FILTER_DEPTH", "most levels of and/or/not/has…With in one filter; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.MaxListLength, "max-list-length", "SSCGRAPH_MAX_LIST_LENGTH", "most entries in one list argument (idIn, or, ids, …); 0 turns the limit off")
	fs.Int64Var(&c.maxResponse, "max-response-bytes", int64(envInt(getenv, "SSCGRAPH_MAX_RESPONSE_BYTES", int(c.server.MaxResponseBytes))), "most bytes of text (strings) one response may hold, each subscription event included; past it the response stops with LIMIT_EXCEEDED; 0 turns the limit off (env SSCGRAPH_MAX_RESPONSE_BYTES)")
	intFlag(fs, getenv, &c.server.MaxVariablesBytes, "max-variables-bytes", "SSCGRAPH_MAX_VARIABLES_BYTES", "largest JSON text of a request's variables, in bytes; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.MaxTokens, "max-tokens", "SSCGRAPH_MAX_TOKENS", "most lexical tokens in a query document; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Limits.PerHour, "rate-limit", "SSCGRAPH_RATE_LIMIT", "cost points each client may spend per hour; 0 turns the rate limit off")
	intFlag(fs, getenv, &c.server.Limits.AuthFailuresPerHour, "auth-failures", "SSCGRAPH_AUTH_FAILURES", "requests with an unknown, expired or revoked API key one address may send per hour before it gets 429 (with --rate-limit on); 0 turns the limit off")
	fs.StringVar(&c.corsOrigins, "cors-origins", getenv("SSCGRAPH_CORS_ORIGINS"), "comma-separated origins that browsers may call the API from, e.g. https://match.example.org; none by default (env SSCGRAPH_CORS_ORIGINS)")
	fs.BoolVar(&c.corsCredentials, "cors-credentials", envBool(getenv, "SSCGRAPH_CORS_CREDENTIALS", false), "let browsers send credentials with CORS requests (env SSCGRAPH_CORS_CREDENTIALS)")
	fs.BoolVar(&c.sharedLimits, "shared-limits", envBool(getenv, "SSCGRAPH_SHARED_LIMITS", c.server.SharedLimits), "on PostgreSQL, keep rate-limit buckets and persisted queries in the database so that replicas share one limit (one upsert per request); false keeps them per process, for a single replica (env SSCGRAPH_SHARED_LIMITS)")
	fs.BoolVar(&c.persistedOnly, "persisted-only", envBool(getenv, "SSCGRAPH_PERSISTED_ONLY", false), "run only the queries in --persisted-queries (env SSCGRAPH_PERSISTED_ONLY)")
	fs.StringVar(&c.persistedFile, "persisted-queries", getenv("SSCGRAPH_PERSISTED_QUERIES"), "JSON file of allowed queries: an object from SHA-256 hash to query, or an array of queries (env SSCGRAPH_PERSISTED_QUERIES)")
	fs.Int64Var(&c.maxBody, "max-body-bytes", int64(envInt(getenv, "SSCGRAPH_MAX_BODY_BYTES", int(c.server.MaxBodyBytes))), "largest request body in bytes (env SSCGRAPH_MAX_BODY_BYTES)")
	fs.Int64Var(&c.server.Answers.MaxBytes, "cache-bytes", int64(envInt(getenv, "SSCGRAPH_CACHE_BYTES", int(c.server.Answers.MaxBytes))), "bytes of public answers kept in memory and served again until a write (anonymous queries without personal or per-client fields); 0 turns the answer cache off (env SSCGRAPH_CACHE_BYTES)")
	fs.DurationVar(&c.server.Answers.MaxAge, "cache-max-age", envDuration(getenv, "SSCGRAPH_CACHE_MAX_AGE", c.server.Answers.MaxAge), "longest a cached answer is kept: what bounds the staleness of a write sscgraph does not see (SQL run by hand, another program on the SQLite file); its own writes empty the cache of every process at once (env SSCGRAPH_CACHE_MAX_AGE)")
	fs.DurationVar(&c.server.Answers.HTTPMaxAge, "http-max-age", envDuration(getenv, "SSCGRAPH_HTTP_MAX_AGE", c.server.Answers.HTTPMaxAge), "max-age and stale-while-revalidate of Cache-Control on public answers to GET: how long browsers and proxies, which no write reaches, may keep one; 0 makes them revalidate every time (env SSCGRAPH_HTTP_MAX_AGE)")
	fs.DurationVar(&c.timeout, "timeout", envDuration(getenv, "SSCGRAPH_TIMEOUT", c.server.Timeout), "longest time one request may run (env SSCGRAPH_TIMEOUT)")
	intFlag(fs, getenv, &c.server.Subscriptions.PerConnection, "max-subscriptions-per-connection", "SSCGRAPH_MAX_SUBSCRIPTIONS_PER_CONNECTION", "most subscriptions open at once on one WebSocket connection; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Subscriptions.PerClient, "max-subscriptions-per-client", "SSCGRAPH_MAX_SUBSCRIPTIONS_PER_CLIENT", "most subscriptions open at once, per process, for one API key or one address without a key; 0 turns the limit off")
	intFlag(fs, getenv, &c.server.Subscriptions.Queue, "subscription-queue", "SSCGRAPH_SUBSCRIPTION_QUEUE", "events a subscriber may fall behind before it is dropped")
	fs.DurationVar(&c.subLifetime, "subscription-lifetime", envDuration(getenv, "SSCGRAPH_SUBSCRIPTION_LIFETIME", c.server.Subscriptions.Lifetime), "longest one subscription lasts before the server ends it and the client subscribes again; 0 turns the limit off (env SSCGRAPH_SUBSCRIPTION_LIFETIME)")
	fs.DurationVar(&c.subIdle, "subscription-idle-timeout", envDuration(getenv, "SSCGRAPH_SUBSCRIPTION_IDLE_TIMEOUT", c.server.Subscriptions.IdleTimeout), "close a WebSocket connection that has had no subscription for this long; 0 never does (env SSCGRAPH_SUBSCRIPTION_IDLE_TIMEOUT)")
	intFlag(fs, getenv, &c.server.Subscriptions.MaxStreams, "max-streams", "SSCGRAPH_MAX_STREAMS", "most WebSocket connections and event streams open at once in the process, one more is answered 503; lowered at start to stay below the open-file limit; 0 takes all the limit allows")
	intFlag(fs, getenv, &c.server.Subscriptions.MaxStreamsPerAddress, "max-streams-per-address", "SSCGRAPH_MAX_STREAMS_PER_ADDRESS", "most WebSocket connections and event streams open at once from one client address, one more is answered 429; 0 turns the limit off")
	fs.DurationVar(&c.wsInitTimeout, "ws-init-timeout", envDuration(getenv, "SSCGRAPH_WS_INIT_TIMEOUT", c.server.Subscriptions.InitTimeout), "close a WebSocket that has not sent connection_init within this time (env SSCGRAPH_WS_INIT_TIMEOUT)")
	fs.StringVar(&c.pprofAddr, "pprof-addr", getenv("SSCGRAPH_PPROF_ADDR"), "address to serve Go's runtime profiles on (/debug/pprof/), e.g. 127.0.0.1:6060; off by default, loopback only unless --pprof-remote (env SSCGRAPH_PPROF_ADDR)")
	fs.BoolVar(&c.pprofRemote, "pprof-remote", envBool(getenv, "SSCGRAPH_PPROF_REMOTE", false), "let --pprof-addr listen beyond the loopback interface (env SSCGRAPH_PPROF_REMOTE)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", envOr(getenv, "SSCGRAPH_METRICS_ADDR", defaultMetricsAddr), "address to serve Prometheus metrics on (/metrics), never the API's; off serves none; loopback only unless --metrics-remote; the same address as --pprof-addr serves profiles and metrics on one listener (env SSCGRAPH_METRICS_ADDR)")
	fs.BoolVar(&c.metricsRemote, "metrics-remote", envBool(getenv, "SSCGRAPH_METRICS_REMOTE", false), "let --metrics-addr listen beyond the loopback interface (env SSCGRAPH_METRICS_REMOTE)")
	fs.DurationVar(&c.dbWait, "db-wait", envDuration(getenv, "SSCGRAPH_DB_WAIT", defaultDBWait), "how long to wait for the database at start, trying again with backoff while it refuses or drops connections; meanwhile /healthz answers, /readyz says why it is not ready and the API answers 503; 0 tries once (env SSCGRAPH_DB_WAIT)")
	intFlag(fs, getenv, &c.db.MaxConns, "db-max-conns", "SSCGRAPH_DB_MAX_CONNS", fmt.Sprintf("size of the database connection pool; 0 takes the default, %d on PostgreSQL and %d (twice the CPUs) on SQLite", database.DefaultMaxConns("postgres"), database.DefaultMaxConns("sqlite3")))
	c.db.Replicas = envList(getenv, "SSCGRAPH_DB_REPLICAS")
	fs.Var(&replicaFlag{list: &c.db.Replicas}, "db-replica", "PostgreSQL address of a streaming standby of --db to serve reads from; repeat for several; mutations, transactions, subscriptions' LISTEN, rate buckets and persisted queries stay on --db (env SSCGRAPH_DB_REPLICAS, comma-separated)")
	fs.DurationVar(&c.db.ReplicaMaxLag, "replica-max-lag", envDuration(getenv, "SSCGRAPH_REPLICA_MAX_LAG", database.DefaultReplicaMaxLag), "how far behind the primary a --db-replica may fall before its reads go to the primary until it catches up (env SSCGRAPH_REPLICA_MAX_LAG)")
	fs.DurationVar(&c.poolWait, "db-pool-wait", envDuration(getenv, "SSCGRAPH_DB_POOL_WAIT", c.server.PoolWait), "how long a GraphQL request waits for its turn at the connection pool before it is answered 503 POOL_EXHAUSTED with Retry-After; 0 lets it wait until --timeout (env SSCGRAPH_DB_POOL_WAIT)")
	fs.BoolVar(&c.server.WebhookAllowPrivate, "webhook-allow-private", envBool(getenv, "SSCGRAPH_WEBHOOK_ALLOW_PRIVATE", false), "let webhooks reach loopback, private, link-local and other internal addresses, refused by default against server-side request forgery (env SSCGRAPH_WEBHOOK_ALLOW_PRIVATE)")
	fs.DurationVar(&c.webhookExpiring, "webhook-expiring-within", envDuration(getenv, "SSCGRAPH_WEBHOOK_EXPIRING_WITHIN", 7*24*time.Hour), "how long before an OPEN offer expires its organization's webhooks hear POSTING_EXPIRING (env SSCGRAPH_WEBHOOK_EXPIRING_WITHIN)")
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", getenv("SSCGRAPH_OIDC_ISSUER"), "accept, beside API keys, the Bearer tokens (JWTs) of this OpenID Connect provider, e.g. https://sso.example.org/realms/match; its discovery document is read at start (env SSCGRAPH_OIDC_ISSUER)")
	fs.StringVar(&c.oidc.Audience, "oidc-audience", getenv("SSCGRAPH_OIDC_AUDIENCE"), "the audience (aud) tokens must be issued for: the client ID or API identifier sscgraph has at the provider (env SSCGRAPH_OIDC_AUDIENCE)")
	fs.StringVar(&c.oidc.RoleClaim, "oidc-role-claim", envOr(getenv, "SSCGRAPH_OIDC_ROLE_CLAIM", auth.DefaultRoleClaim), "the token claim whose value is the role: MEMBER, EDITOR or ADMIN (env SSCGRAPH_OIDC_ROLE_CLAIM)")
	fs.StringVar(&c.oidc.OrgClaim, "oidc-org-claim", envOr(getenv, "SSCGRAPH_OIDC_ORG_CLAIM", auth.DefaultOrgClaim), "the token claim whose value is the organization's ref, which MEMBER tokens need (env SSCGRAPH_OIDC_ORG_CLAIM)")
	fs.StringVar(&c.oidc.GroupsClaim, "oidc-groups-claim", getenv("SSCGRAPH_OIDC_GROUPS_CLAIM"), "the token claim listing the person's groups, for --oidc-group-roles, e.g. groups (env SSCGRAPH_OIDC_GROUPS_CLAIM)")
	fs.StringVar(&c.oidcGroupRoles, "oidc-group-roles", getenv("SSCGRAPH_OIDC_GROUP_ROLES"), "groups that give a role to tokens without the role claim, e.g. ipo-editors=EDITOR,admins=ADMIN; the highest wins (env SSCGRAPH_OIDC_GROUP_ROLES)")
	fs.StringVar(&c.oidcRefs, "oidc-org-refs", getenv("SSCGRAPH_OIDC_ORG_REFS"), "values of the organization claim that are not refs, mapped to refs, e.g. 3f2a…=ORG-12,…; other values are read as refs (env SSCGRAPH_OIDC_ORG_REFS)")
	fs.DurationVar(&c.oidc.ClockSkew, "oidc-clock-skew", envDuration(getenv, "SSCGRAPH_OIDC_CLOCK_SKEW", auth.DefaultClockSkew), "how far the provider's clock may be from this one: tokens are accepted this long past exp and before nbf (env SSCGRAPH_OIDC_CLOCK_SKEW)")
	fs.StringVar(&c.otelEndpoint, "otel-endpoint", getenv("SSCGRAPH_OTEL_ENDPOINT"), "OpenTelemetry collector to export traces to over OTLP, e.g. http://localhost:4318 (OTEL_EXPORTER_OTLP_PROTOCOL chooses http/protobuf, the default, http/json or grpc); empty takes OTEL_EXPORTER_OTLP_ENDPOINT; with neither, tracing is off (env SSCGRAPH_OTEL_ENDPOINT)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	var err error
	if c.oidc.GroupRoles, err = pairs("--oidc-group-roles", c.oidcGroupRoles); err != nil {
		return nil, err
	}
	if c.oidc.OrgRefs, err = pairs("--oidc-org-refs", c.oidcRefs); err != nil {
		return nil, err
	}
	for group, role := range c.oidc.GroupRoles {
		if role != auth.RoleMember && role != auth.RoleEditor && role != auth.RoleAdmin {
			return nil, usageError{fmt.Sprintf("--oidc-group-roles: the group %q maps to %q; roles are MEMBER, EDITOR and ADMIN", group, role)}
		}
	}
	if len(c.oidc.GroupRoles) > 0 && c.oidc.GroupsClaim == "" {
		return nil, usageError{"--oidc-group-roles needs --oidc-groups-claim, the claim that lists the groups"}
	}
	if (c.oidc.Issuer == "") != (c.oidc.Audience == "") {
		return nil, usageError{"--oidc-issuer and --oidc-audience go together: give both, or neither"}
	}
	switch a := c.server.Answers; {
	case a.MaxBytes < 0:
		return nil, usageError{fmt.Sprintf("--cache-bytes is %d: give 0 (no answer cache) or more", a.MaxBytes)}
	case a.MaxBytes > 0 && a.MaxAge <= 0:
		return nil, usageError{fmt.Sprintf("--cache-max-age is %s: give a positive duration, or --cache-bytes 0 for no answer cache", a.MaxAge)}
	case a.HTTPMaxAge < 0:
		return nil, usageError{fmt.Sprintf("--http-max-age is %s: give 0 (revalidate every time) or more", a.HTTPMaxAge)}
	}
	return c, nil
}

// pairs reads "a=B,c=D" (a flag's list of mappings).
func pairs(flag, s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || k == "" || v == "" {
			return nil, usageError{fmt.Sprintf("%s: %q is not name=value", flag, p)}
		}
		out[k] = v
	}
	return out, nil
}
