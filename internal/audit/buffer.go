package audit

import (
	"context"
	"fmt"
	"slices"

	"sscgraph/ent"
)

// A Buffer lets a bulk writer (sscgraph import) collect the audit events of
// many writes and insert them together, instead of one INSERT per written
// record as Record does by default (half of a large import's time went
// there). The events are the hook's own; only when they are written
// changes. The writer must Flush in the same transaction as the writes,
// before it commits, or the writes go unrecorded.
type Buffer struct {
	events []*ent.AuditEventCreate
}

type key struct{}

// With returns ctx whose writes leave their audit events in b.
func With(ctx context.Context, b *Buffer) context.Context {
	return context.WithValue(ctx, key{}, b)
}

// From returns the buffer of ctx, or nil: Record then writes each event at
// once.
func From(ctx context.Context) *Buffer {
	b, _ := ctx.Value(key{}).(*Buffer)
	return b
}

// Add keeps an event to write at the next Flush.
func (b *Buffer) Add(e *ent.AuditEventCreate) { b.events = append(b.events, e) }

// Len is how many events wait.
func (b *Buffer) Len() int { return len(b.events) }

// Reset drops the waiting events, when the writes they record were rolled
// back.
func (b *Buffer) Reset() { b.events = b.events[:0] }

// flushSize bounds one INSERT: an event binds 8 parameters, so 1,000
// stay far under SQLite's 32,766 and PostgreSQL's 65,535.
const flushSize = 1000

// Flush writes the waiting events through client (the writes'
// transaction), in bulk inserts.
func (b *Buffer) Flush(ctx context.Context, client *ent.Client) error {
	ctx = writing(ctx)
	for chunk := range slices.Chunk(b.events, flushSize) {
		if err := client.AuditEvent.CreateBulk(chunk...).Exec(ctx); err != nil {
			return fmt.Errorf("recording %d audit events: %w", len(chunk), err)
		}
	}
	b.Reset()
	return nil
}
