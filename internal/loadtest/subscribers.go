package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// SubscriberOptions configure the subscribers mode: many clients follow
// offerPosted over server-sent events while new offers are posted one at
// a time, and each offer's delivery to every subscriber is timed.
type SubscriberOptions struct {
	URL string
	// Subscribers is how many event streams are open at once.
	Subscribers int
	// Offers is how many offers are posted and timed, one after another.
	Offers int
	// Key is an EDITOR or ADMIN key: the offers are written through the
	// API, as the Match frontend writes them. They are deleted at the end.
	Key string
	// Timeout bounds the wait for one offer to reach every subscriber.
	Timeout     time.Duration
	AllowRemote bool
}

// SubscriberResult sums up a run of the subscribers mode.
type SubscriberResult struct {
	Subscribers int
	Offers      int
	// Connect is how long it took until every subscriber received events.
	Connect time.Duration
	// Delivery is, per offer and subscriber, the time from sending the
	// mutation that posts the offer to receiving it: the write, its
	// commit, the fan-out, every subscriber's filter query and the
	// stream.
	Delivery Stats
	// Write is the mutations' own latency.
	Write Stats
	// Missed counts deliveries that did not come within Timeout.
	Missed int
}

// loadTitle starts the title of every offer the mode writes, which its
// subscriptions filter on.
const loadTitle = "sscgraph-load"

// receipt is one event a subscriber received.
type receipt struct {
	subscriber int
	title      string
	at         time.Time
}

// RunSubscribers runs the subscribers mode.
func RunSubscribers(ctx context.Context, opts SubscriberOptions) (*SubscriberResult, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("target %q is not an http(s) URL", opts.URL)
	}
	if !opts.AllowRemote && !isLocal(u.Hostname()) {
		return nil, fmt.Errorf("target %s is not on this machine; pass --allow-remote to load a server elsewhere", u.Host)
	}
	if opts.Subscribers < 1 || opts.Subscribers > 10_000 {
		return nil, fmt.Errorf("subscribers must be between 1 and 10000, got %d", opts.Subscribers)
	}
	if opts.Offers < 1 || opts.Offers > 1000 {
		return nil, fmt.Errorf("offers must be between 1 and 1000, got %d", opts.Offers)
	}
	if opts.Key == "" {
		return nil, errors.New("the subscribers mode posts offers: give an EDITOR or ADMIN key (-key or SSCGRAPH_LOAD_KEY)")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One connection per stream, and some for the writes.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}
	w := writer{client: client, url: opts.URL, key: opts.Key}

	var org struct {
		Organizations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := w.do(ctx, `{ organizations(first: 1) { edges { node { id } } } }`, nil, &org); err != nil {
		return nil, fmt.Errorf("finding a provider: %w", err)
	}
	if len(org.Organizations.Edges) == 0 {
		return nil, errors.New("the target has no organizations to post offers for")
	}
	provider := org.Organizations.Edges[0].Node.ID
	var created []string
	defer func() { w.cleanup(created) }()
	post := func(title string) (time.Duration, error) {
		var out struct{ CreateMatchOffer struct{ ID string } }
		t0 := time.Now()
		err := w.do(ctx, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"title": title, "kind": "TECHNICAL", "status": "OPEN", "providerID": provider,
		}}, &out)
		if err == nil {
			created = append(created, out.CreateMatchOffer.ID)
		}
		return time.Since(t0), err
	}

	// Open the streams, a few at a time.
	receipts := make(chan receipt, opts.Subscribers*4)
	errs := make(chan error, opts.Subscribers)
	start := time.Now()
	query, _ := json.Marshal(map[string]any{"query": `subscription { offerPosted(where: {titleHasPrefix: "` + loadTitle + `"}) { id title } }`})
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range opts.Subscribers {
		sem <- struct{}{}
		wg.Add(1)
		opened := make(chan error, 1)
		go func() {
			defer wg.Done()
			subscribe(ctx, client, opts.URL, query, i, receipts, opened)
		}()
		go func() {
			if err := <-opened; err != nil {
				errs <- err
			}
			<-sem
		}()
	}
	defer wg.Wait()
	defer cancel()

	// Warm up: post until every subscriber has received an offer, so that
	// every subscription listens before the timed offers.
	warm := map[int]bool{}
	for round := 0; len(warm) < opts.Subscribers; round++ {
		if time.Since(start) > time.Minute {
			return nil, fmt.Errorf("after a minute only %d of %d subscribers receive events", len(warm), opts.Subscribers)
		}
		if _, err := post(fmt.Sprintf("%s warm-up %d", loadTitle, round)); err != nil {
			return nil, fmt.Errorf("posting an offer: %w", err)
		}
		tick := time.After(500 * time.Millisecond)
	drain:
		for {
			select {
			case r := <-receipts:
				if strings.Contains(r.title, "warm-up") {
					warm[r.subscriber] = true
				}
			case err := <-errs:
				return nil, err
			case <-tick:
				break drain
			}
		}
	}
	res := &SubscriberResult{Subscribers: opts.Subscribers, Offers: opts.Offers, Connect: time.Since(start)}

	for round := range opts.Offers {
		title := fmt.Sprintf("%s round %d", loadTitle, round)
		t0 := time.Now()
		d, err := post(title)
		res.Write.add(d, err != nil)
		if err != nil {
			return nil, fmt.Errorf("posting an offer: %w", err)
		}
		got := 0
		timeout := time.After(opts.Timeout)
	wait:
		for got < opts.Subscribers {
			select {
			case r := <-receipts:
				if r.title == title {
					got++
					res.Delivery.add(r.at.Sub(t0), false)
				}
			case err := <-errs:
				return nil, err
			case <-timeout:
				break wait
			}
		}
		res.Missed += opts.Subscribers - got
	}
	return res, nil
}

// subscribe follows offerPosted over server-sent events, sending each
// offer it receives to receipts, until ctx ends. opened receives nil once
// the stream answers, or the error.
func subscribe(ctx context.Context, client *http.Client, url string, query []byte, i int, receipts chan<- receipt, opened chan<- error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(query))
	if err != nil {
		opened <- err
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := client.Do(req)
	if err != nil {
		opened <- fmt.Errorf("subscriber %d: %w", i, err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 500))
		opened <- fmt.Errorf("subscriber %d: status %d: %s", i, res.StatusCode, b)
		return
	}
	opened <- nil
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		at := time.Now()
		var ev struct {
			Data struct {
				OfferPosted struct{ Title string }
			}
			Errors []struct{ Message string }
		}
		if json.Unmarshal([]byte(data), &ev) != nil || len(ev.Errors) > 0 {
			continue
		}
		select {
		case receipts <- receipt{subscriber: i, title: ev.Data.OfferPosted.Title, at: at}:
		case <-ctx.Done():
			return
		}
	}
}

// writer sends the mode's queries and mutations with the key.
type writer struct {
	client   *http.Client
	url, key string
}

func (w writer) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.key)
	res, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return fmt.Errorf("status %d: %w", res.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("status %d: %s", res.StatusCode, r.Errors[0].Message)
	}
	return json.Unmarshal(r.Data, out)
}

// cleanup deletes the offers the run created.
func (w writer) cleanup(ids []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, id := range ids {
		var out map[string]any
		_ = w.do(ctx, `mutation($id: ID!) { deleteMatchOffer(id: $id) }`, map[string]any{"id": id}, &out)
	}
}

// Report writes the result.
func (r *SubscriberResult) Report(w io.Writer) {
	fmt.Fprintf(w, "%d subscribers (server-sent events), %d offers, every subscriber listening after %s\n",
		r.Subscribers, r.Offers, r.Connect.Round(time.Millisecond))
	fmt.Fprintf(w, "%-22s %9s %9s %9s %9s %9s\n", "", "count", "p50", "p90", "p99", "max")
	row := func(name string, s *Stats) {
		fmt.Fprintf(w, "%-22s %9d %9s %9s %9s %9s\n", name, s.Requests, ms(s.Percentile(50)), ms(s.Percentile(90)), ms(s.Percentile(99)), ms(s.Percentile(100)))
	}
	row("write (mutation)", &r.Write)
	row("delivery (send→event)", &r.Delivery)
	fmt.Fprintf(w, "missed deliveries: %d\n", r.Missed)
}
