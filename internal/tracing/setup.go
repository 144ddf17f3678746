package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Settings say where traces go.
type Settings struct {
	// Endpoint is --otel-endpoint (env SSCGRAPH_OTEL_ENDPOINT): the
	// collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT
	// (http://collector:4318; for gRPC http://collector:4317). Empty
	// takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL), then
	// OTEL_EXPORTER_OTLP_ENDPOINT; with none of them tracing is off.
	Endpoint string
	// Getenv reads the OTEL_* variables that turn tracing on and choose
	// the protocol; the exporter reads the others itself (headers,
	// TLS certificates, timeout, compression), as do the SDK (sampler,
	// batching) and the resource (OTEL_SERVICE_NAME,
	// OTEL_RESOURCE_ATTRIBUTES).
	Getenv func(string) string
	// Logger receives export failures; nil is slog's default.
	Logger *slog.Logger
}

// Protocols of OTEL_EXPORTER_OTLP_PROTOCOL that Setup exports with.
const (
	ProtocolHTTPProtobuf = "http/protobuf"
	ProtocolHTTPJSON     = "http/json"
	ProtocolGRPC         = "grpc"
)

// Setup starts exporting traces over OTLP when an endpoint is set, and
// returns the Tracer to give the database and the server, and the
// function that flushes the spans still buffered and stops the exporter
// (call it at shutdown). With no endpoint it returns a nil Tracer
// (tracing off) and a shutdown that does nothing. It fails on a protocol
// or endpoint it cannot use, naming the setting.
func Setup(ctx context.Context, s Settings) (*Tracer, func(context.Context) error, error) {
	off := func(context.Context) error { return nil }
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || getenv("OTEL_TRACES_EXPORTER") == "none" {
		return nil, off, nil
	}
	endpoint, source, full := s.Endpoint, "--otel-endpoint", false
	switch {
	case endpoint != "":
	case getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "":
		endpoint, source, full = getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", true
	case getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "":
		endpoint, source = getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "OTEL_EXPORTER_OTLP_ENDPOINT"
	default:
		return nil, off, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("%s %q: give the collector's URL, such as http://localhost:4318", source, endpoint)
	}
	protocol, psource := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	if protocol == "" {
		protocol, psource = getenv("OTEL_EXPORTER_OTLP_PROTOCOL"), "OTEL_EXPORTER_OTLP_PROTOCOL"
	}
	if protocol == "" {
		// The specification's default.
		protocol = ProtocolHTTPProtobuf
	}
	exp, err := newExporter(ctx, protocol, psource, u, full)
	if err != nil {
		return nil, nil, err
	}
	res, err := resource.New(ctx,
		// The environment's names win over the built-in one.
		resource.WithAttributes(semconv.ServiceName("sscgraph"), semconv.ServiceVersion(version())),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		// A malformed OTEL_RESOURCE_ATTRIBUTES still gives a resource.
		if res == nil {
			_ = exp.Shutdown(ctx)
			return nil, nil, fmt.Errorf("trace resource: %w", err)
		}
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// The SDK's own failures (a collector that does not answer) are
	// logged as sscgraph's, not through the SDK's default logger.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("tracing", "err", err)
	}))
	// The sampler is the SDK's default (parent-based, always on) unless
	// OTEL_TRACES_SAMPLER says otherwise; batching follows OTEL_BSP_*.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	logger.Info("exporting traces", "endpoint", redact(u), "protocol", protocol)
	return New(tp), func(ctx context.Context) error {
		if err := tp.Shutdown(ctx); err != nil {
			return fmt.Errorf("flushing traces: %w", err)
		}
		return nil
	}, nil
}

// newExporter returns the OTLP exporter of protocol to u. For HTTP, a
// base URL (full false) gets the traces path /v1/traces unless it has it.
func newExporter(ctx context.Context, protocol, source string, u *url.URL, full bool) (sdktrace.SpanExporter, error) {
	switch protocol {
	case ProtocolHTTPProtobuf, ProtocolHTTPJSON:
		t := *u
		if !full && !strings.HasSuffix(t.Path, "/v1/traces") {
			t.Path = strings.TrimSuffix(t.Path, "/") + "/v1/traces"
		}
		opts := []otlptracehttp.Option{otlptracehttp.WithEndpointURL(t.String())}
		if protocol == ProtocolHTTPJSON {
			opts = append(opts, otlptracehttp.WithEncoding(otlptracehttp.EncodingJSON))
		}
		exp, err := otlptracehttp.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("OTLP exporter over HTTP: %w", err)
		}
		return exp, nil
	case ProtocolGRPC:
		// http:// connects without TLS, https:// with it.
		exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(u.String()))
		if err != nil {
			return nil, fmt.Errorf("OTLP exporter over gRPC: %w", err)
		}
		return exp, nil
	}
	return nil, errors.New(source + " is " + fmt.Sprintf("%q", protocol) + ": give http/protobuf (the default), http/json or grpc")
}

// redact drops the credentials an endpoint URL may carry, for the log.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	return c.String()
}

// version is the module's version, as the build recorded it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
