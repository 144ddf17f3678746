package scalar

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"sscgraph/internal/apierr"
)

// MarshalString writes a String as gqlgen's own does, and counts its bytes
// against the response's text budget (WithTextBudget): past it, the
// response stops growing. Strings are what can make a response huge (a
// price in points does not see that fifteen aliases of a long description
// return fifteen copies), and every string of the response passes here,
// while it is written.
func MarshalString(s string) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		if b := budgetFrom(ctx); b != nil {
			switch b.spend(len(s)) {
			case overNow:
				// One error for the response, where the limit was crossed.
				return b.Err()
			case overBefore:
				_, _ = io.WriteString(w, "null")
				return nil
			}
		}
		graphql.MarshalString(s).MarshalGQL(w)
		return nil
	})
}

// UnmarshalString reads a String argument or variable as gqlgen does.
func UnmarshalString(_ context.Context, v any) (string, error) { return graphql.UnmarshalString(v) }

// TextBudget is how many bytes of strings one response may still hold.
type TextBudget struct {
	max   int64
	spent atomic.Int64
	over  atomic.Bool
}

type budgetKey struct{}

// WithTextBudget gives the response executed under ctx a budget of max
// bytes of strings; max <= 0 gives none.
func WithTextBudget(ctx context.Context, max int64) (context.Context, *TextBudget) {
	if max <= 0 {
		return ctx, nil
	}
	b := &TextBudget{max: max}
	return context.WithValue(ctx, budgetKey{}, b), b
}

func budgetFrom(ctx context.Context) *TextBudget {
	b, _ := ctx.Value(budgetKey{}).(*TextBudget)
	return b
}

type spendResult int

const (
	within spendResult = iota
	overNow
	overBefore
)

func (b *TextBudget) spend(n int) spendResult {
	if b.over.Load() {
		return overBefore
	}
	if b.spent.Add(int64(n)) <= b.max {
		return within
	}
	if b.over.CompareAndSwap(false, true) {
		return overNow
	}
	return overBefore
}

// Exceeded reports whether the response went past its budget: its data
// is then cut short, and the caller answers the error alone.
func (b *TextBudget) Exceeded() bool { return b != nil && b.over.Load() }

// Max is the budget in bytes.
func (b *TextBudget) Max() int64 { return b.max }

// Err is the error that ends a response past its budget.
func (b *TextBudget) Err() *apierr.Error {
	return apierr.New(apierr.LimitExceeded, "the response holds more than %d bytes of text, the most one response may: ask for fewer fields, aliases or nodes (smaller first/last), or page through", b.max).
		With("limit", "responseBytes").With("maximum", b.max)
}
