package stats

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/predicate"
)

// MatchTiming is the answer of matchTiming: how many days matches took
// from the postings they joined.
type MatchTiming struct {
	Count               int
	MedianDaysFromNeed  *float64
	MedianDaysFromOffer *float64
}

// MatchTimings measures the matches where selects. Each median is read in
// the database, sorted, as the one or two middle rows (LIMIT/OFFSET),
// so that no more than two values leave it, on both dialects.
func MatchTimings(ctx context.Context, client *ent.Client, where *ent.MatchWhereInput) (*MatchTiming, error) {
	var preds []predicate.Match
	if where != nil {
		p, err := where.P()
		if err != nil && err != ent.ErrEmptyMatchWhereInput {
			return nil, fmt.Errorf("match timing: %w", err)
		}
		if p != nil {
			preds = append(preds, p)
		}
	}
	n, err := client.Match.Query().Where(preds...).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("match timing: counting: %w", err)
	}
	out := &MatchTiming{Count: n}
	if n == 0 {
		return out, nil
	}
	if out.MedianDaysFromNeed, err = medianDays(ctx, client, preds, n, matchneed.Table, match.NeedColumn, matchneed.FieldPostedAt); err != nil {
		return nil, err
	}
	if out.MedianDaysFromOffer, err = medianDays(ctx, client, preds, n, matchoffer.Table, match.OfferColumn, matchoffer.FieldPostedAt); err != nil {
		return nil, err
	}
	return out, nil
}

// medianDays is the median, over the n matches preds select, of the days
// from the posting in table (joined on the match's column fk) to the
// match's creation.
func medianDays(ctx context.Context, client *ent.Client, preds []predicate.Match, n int, table, fk, posted string) (*float64, error) {
	offset, limit := (n-1)/2, 1
	if n%2 == 0 {
		offset, limit = n/2-1, 2
	}
	var rows []struct {
		Days float64 `json:"days"`
	}
	var built *sql.Selector
	err := client.Match.Query().Where(preds...).Modify(func(s *sql.Selector) {
		built = s
		t := sql.Dialect(s.Dialect()).Table(table).As("posting")
		days := fmt.Sprintf("julianday(%s) - julianday(%s)", s.C(match.FieldCreatedAt), t.C(posted))
		if s.Dialect() == dialect.Postgres {
			days = fmt.Sprintf("EXTRACT(EPOCH FROM (%s - %s)) / 86400.0", s.C(match.FieldCreatedAt), t.C(posted))
		}
		s.Join(t).On(s.C(fk), t.C("id"))
		s.Select().AppendSelectExprAs(sql.Expr(days), "days").OrderExpr(sql.Expr(days)).Limit(limit).Offset(offset)
	}).Scan(ctx, &rows)
	if err != nil {
		q, _ := built.Query()
		return nil, fmt.Errorf("match timing: the median from %s: %w [%s]", table, err, q)
	}
	if len(rows) != limit {
		return nil, fmt.Errorf("match timing: the median from %s: %d middle rows, want %d", table, len(rows), limit)
	}
	sum := 0.0
	for _, r := range rows {
		sum += r.Days
	}
	m := sum / float64(limit)
	return &m, nil
}
