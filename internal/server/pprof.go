package server

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
)

// ProfilingHandler serves Go's runtime profiles (/debug/pprof/...) for
// `serve --pprof-addr`. It is a handler of its own, on a listener of its
// own, so that the API's address never exposes it.
func ProfilingHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// CheckProfilingAddr refuses a profiling address that is not on the
// loopback interface unless remote is true: profiles show the service's
// code paths and memory, and a CPU profile costs while it runs.
func CheckProfilingAddr(addr string, remote bool) error {
	return checkLoopback("--pprof-addr", "--pprof-remote", "profiles", addr, remote)
}

// CheckMetricsAddr refuses a metrics address that is not on the loopback
// interface unless remote is true: the metrics name the operations that
// clients run and show the service's load, which is for its operators.
func CheckMetricsAddr(addr string, remote bool) error {
	return checkLoopback("--metrics-addr", "--metrics-remote", "metrics", addr, remote)
}

// checkLoopback refuses addr, the value of flag, when it is malformed, or
// when it is not on the loopback interface and remote (the flag
// remoteFlag) is false. A host left out (":6060") listens on every
// interface, so it is not loopback.
func checkLoopback(flag, remoteFlag, what, addr string, remote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: %w", flag, addr, err)
	}
	if remote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s %q is not a loopback address; add %s to serve %s beyond this machine", flag, addr, remoteFlag, what)
}
