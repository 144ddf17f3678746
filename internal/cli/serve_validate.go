package cli

import (
	"fmt"
	"strings"

	"sscgraph/internal/server"
)

// validate checks serve's flags, in the order serve has always checked
// them (so the first mistake reported stays the same), and completes
// c.server from them. A mistake is a usageError (exit status 2); only a
// persisted-queries file that cannot be read is not.
func (c *serveConfig) validate() error {
	if c.dbWait < 0 || c.db.MaxConns < 0 || c.poolWait < 0 {
		return usageError{"--db-wait, --db-max-conns and --db-pool-wait must not be negative"}
	}
	c.server.PoolWait = c.poolWait
	if c.pprofAddr != "" {
		if err := server.CheckProfilingAddr(c.pprofAddr, c.pprofRemote); err != nil {
			return usageError{err.Error()}
		}
	}
	switch c.metricsAddr {
	case "off":
	case "":
		return usageError{"--metrics-addr is empty: give an address such as " + defaultMetricsAddr + ", or off to serve no metrics"}
	default:
		if err := server.CheckMetricsAddr(c.metricsAddr, c.metricsRemote); err != nil {
			return usageError{err.Error()}
		}
	}
	cfg := &c.server
	cfg.MaxBodyBytes, cfg.Timeout = c.maxBody, c.timeout
	if c.maxResponse < 0 {
		return usageError{"--max-response-bytes must not be negative"}
	}
	cfg.MaxResponseBytes = c.maxResponse
	cfg.Subscriptions.Lifetime, cfg.Subscriptions.IdleTimeout = c.subLifetime, c.subIdle
	cfg.Subscriptions.InitTimeout = c.wsInitTimeout
	cfg.CORSCredentials = c.corsCredentials
	cfg.SharedLimits = c.sharedLimits
	if c.persistedOnly {
		if c.persistedFile == "" {
			return usageError{"--persisted-only needs --persisted-queries FILE"}
		}
		qs, err := server.LoadPersistedQueries(c.persistedFile)
		if err != nil {
			return err
		}
		cfg.PersistedOnly, cfg.PersistedQueries = true, qs
	}
	for _, o := range strings.Split(c.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	for name, v := range map[string]int{"--max-cost": cfg.Limits.MaxCost, "--max-depth": cfg.Limits.MaxDepth, "--max-aliases": cfg.Limits.MaxAliases, "--max-predicates": cfg.Limits.MaxPredicates, "--max-filter-depth": cfg.Limits.MaxFilterDepth, "--max-list-length": cfg.Limits.MaxListLength, "--max-tokens": cfg.MaxTokens, "--max-variables-bytes": cfg.MaxVariablesBytes, "--rate-limit": cfg.Limits.PerHour, "--auth-failures": cfg.Limits.AuthFailuresPerHour, "--max-subscriptions-per-connection": cfg.Subscriptions.PerConnection, "--max-subscriptions-per-client": cfg.Subscriptions.PerClient, "--max-streams": cfg.Subscriptions.MaxStreams, "--max-streams-per-address": cfg.Subscriptions.MaxStreamsPerAddress} {
		if v < 0 {
			return usageError{fmt.Sprintf("%s must not be negative, got %d", name, v)}
		}
	}
	if cfg.MaxBodyBytes < 1024 || cfg.Timeout <= 0 {
		return usageError{"--max-body-bytes must be at least 1024 and --timeout positive"}
	}
	if cfg.Subscriptions.Queue < 1 || cfg.Subscriptions.Lifetime < 0 || cfg.Subscriptions.IdleTimeout < 0 {
		return usageError{"--subscription-queue must be at least 1, --subscription-lifetime and --subscription-idle-timeout not negative"}
	}
	if cfg.Subscriptions.InitTimeout <= 0 {
		return usageError{"--ws-init-timeout must be positive: without it a socket that never sends connection_init is held open"}
	}
	return nil
}
