package cli

import (
	"context"
	"log/slog"

	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/webhooks"
)

// startWebhooks runs the webhook worker until the function it answers is
// called, which waits for it to end.
func startWebhooks(ctx context.Context, db *database.DB, c *serveConfig, codec *gid.Codec, logger *slog.Logger) (func(), error) {
	sealer, err := webhooks.NewSealer(c.server.IDSecret)
	if err != nil {
		return nil, err
	}
	w := webhooks.New(db.PrimaryClient(), db.Dialect, sealer, codec, webhooks.Options{
		AllowPrivate: c.server.WebhookAllowPrivate, ExpiringWithin: c.webhookExpiring, Logger: logger,
	})
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.Run(wctx) }()
	return func() { cancel(); <-done }, nil
}
