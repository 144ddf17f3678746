package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"sscgraph/internal/server"
)

// RaceRounds is how many times each race is run: a race that is lost
// once in a few rounds must be seen.
const RaceRounds = 50

// RaceAnswer is one concurrent request's outcome, kept without failing the
// test from the request's goroutine.
type RaceAnswer struct {
	Status string // the match's status on success
	Code   string // the error code otherwise
	Msg    string
	Err    error // the request itself failed (transport, decoding)
}

// Shot is one request of a race: whose key sends it, with which
// variables.
type Shot struct {
	Key   string
	Vars  map[string]any
	Query string // Fire's query when empty
}

// Fire sends the requests at once, each on its own connection (a client
// without keep-alive), released together, and returns the answers in
// order.
func Fire(a *API, query string, shots []Shot) []RaceAnswer {
	out := make([]RaceAnswer, len(shots))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range shots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := query
			if s.Query != "" {
				q = s.Query
			}
			body, err := json.Marshal(map[string]any{"query": q, "variables": s.Vars})
			if err != nil {
				out[i].Err = err
				return
			}
			req, err := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
			if err != nil {
				out[i].Err = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.Key)
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			<-start
			res, err := client.Do(req)
			if err != nil {
				out[i].Err = err
				return
			}
			defer res.Body.Close()
			var r Response
			if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
				out[i].Err = fmt.Errorf("status %d: %w", res.StatusCode, err)
				return
			}
			if len(r.Errors) > 0 {
				out[i].Code, out[i].Msg = ErrCode(r), r.Errors[0].Message
				return
			}
			out[i].Status = r.Str("m.status")
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// DeadlockConfig is the server's default configuration with requests
// charged their price alone: each deadlock holds its requests for
// PostgreSQL's deadlock_timeout (1 s), which the charge for time would
// bill at about 50,000 points, so a test provoking dozens of them would
// empty its key's bucket and read RATE_LIMITED instead of the answers it
// checks. Every race runs with it: requests held by each other's locks,
// or slowed by a busy machine or by tests running in parallel, are billed
// for that time too (a capacity race read RATE_LIMITED on a loaded
// machine with the default configuration).
func DeadlockConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.Limits.TimePerPoint = time.Hour
	return cfg
}
