package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sscgraph/ent/activity"
	"sscgraph/ent/privacy"
	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/server"
)

// TestConcurrentReadersAndWriters reads through the API from several
// clients while two other connections (as another sscgraph process would)
// keep writing to the same SQLite file: WAL lets readers go on beside the
// writer, and the busy timeout queues writers, so no client ever sees
// "database is locked" or any other error.
func TestConcurrentReadersAndWriters(t *testing.T) {
	path := apitest.SQLiteCopy(t)
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0
	a := apitest.NewWith(t, path, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	writeErrs := make(chan error, 2)
	writes := make([]int, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := database.Open(ctx, path, database.Options{})
			if err != nil {
				writeErrs <- err
				return
			}
			defer db.Close()
			// The writers stand for sscgraph's own writes, which the
			// privacy rules let through.
			wctx := privacy.DecisionContext(ctx, privacy.Allow)
			for ctx.Err() == nil {
				tx, err := db.Client.Tx(wctx)
				if err != nil {
					if ctx.Err() == nil {
						writeErrs <- fmt.Errorf("writer %d: %w", w, err)
					}
					return
				}
				if _, err := tx.Activity.Update().Where(activity.KindEQ(activity.KindTRIANGULAR)).AddParticipants(1).Save(wctx); err != nil {
					_ = tx.Rollback()
					if ctx.Err() == nil {
						writeErrs <- fmt.Errorf("writer %d: %w", w, err)
					}
					return
				}
				if err := tx.Commit(); err != nil {
					if ctx.Err() == nil {
						writeErrs <- fmt.Errorf("writer %d: %w", w, err)
					}
					return
				}
				writes[w]++
			}
		}()
	}

	const readers = 4
	var mu sync.Mutex
	var failures []string
	reads := 0
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := a.Srv.Client().Post(a.Srv.URL+"/graphql", "application/json",
					strings.NewReader(`{"query": "{ activities(first: 20, where: {kind: TRIANGULAR}) { totalCount edges { node { participants beneficiaryCountries(first: 2) { edges { node { code } } } } } } }"}`))
				if err != nil {
					if ctx.Err() == nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
					}
					return
				}
				var body struct {
					Errors []struct{ Message string }
				}
				err = json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				mu.Lock()
				reads++
				if err != nil || res.StatusCode != 200 || len(body.Errors) > 0 {
					failures = append(failures, fmt.Sprintf("status %d, errors %v, decode %v", res.StatusCode, body.Errors, err))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(writeErrs)
	for err := range writeErrs {
		t.Error(err)
	}
	if len(failures) > 0 {
		t.Fatalf("%d of %d reads failed, first: %s", len(failures), reads, failures[0])
	}
	if reads < readers || writes[0] == 0 || writes[1] == 0 {
		t.Fatalf("the test did not exercise concurrency: %d reads, writes %v", reads, writes)
	}
	t.Logf("%d reads through the API beside %v writes, no errors", reads, writes)
}
