// Package loadgen submits realistic kiosk responses to a running server over
// real HTTP with many concurrent clients, and reports what it measured. It
// drives `make bench` and `sipas loadtest`.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Options say what load to make.
type Options struct {
	BaseURL  string   // e.g. http://127.0.0.1:8080
	Tokens   []string // device tokens; clients use them in turn (one tablet each, at most)
	Clients  int      // concurrent clients
	Duration time.Duration
	Total    int // stop after this many responses (0 = run for Duration)
	Survey   string
	Version  string
	Items    []string // scored item codes to answer
	Seed     uint64
}

// Result is what a run measured.
type Result struct {
	Accepted  int
	Duplicate int
	Failed    int
	Statuses  map[int]int
	Elapsed   time.Duration
	PerSecond float64
	P50, P99  time.Duration
	Max       time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d accepted in %s: %.0f responses/s, latency p50 %s p99 %s max %s, failed %d, statuses %v",
		r.Accepted, r.Elapsed.Round(time.Millisecond), r.PerSecond, r.P50.Round(10*time.Microsecond),
		r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond), r.Failed, r.Statuses)
}

// Run makes the load and waits for it to finish.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Clients < 1 || len(o.Tokens) == 0 || len(o.Items) == 0 {
		return Result{}, fmt.Errorf("loadgen: need clients, tokens and items")
	}
	tr := &http.Transport{MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2, MaxConnsPerHost: o.Clients * 2}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.Duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.Duration)
		defer cancel()
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		res       = Result{Statuses: map[int]int{}}
		left      = o.Total
	)
	take := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if o.Total == 0 {
			return true
		}
		if left == 0 {
			return false
		}
		left--
		return true
	}
	start := time.Now()
	var wg sync.WaitGroup
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(o.Seed, uint64(c)))
			token := o.Tokens[c%len(o.Tokens)]
			seq := int64(0)
			lat := make([]time.Duration, 0, 4096)
			counts := map[int]int{}
			for ctx.Err() == nil && take() {
				seq++
				body := o.response(rng, seq)
				t0 := time.Now()
				status, err := post(ctx, client, o.BaseURL+"/api/v1/responses", token, body)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					counts[0]++
					continue
				}
				counts[status]++
				lat = append(lat, d)
			}
			mu.Lock()
			latencies = append(latencies, lat...)
			for k, v := range counts {
				res.Statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Accepted, res.Duplicate = res.Statuses[201], res.Statuses[200]
	for st, n := range res.Statuses {
		if st != 201 && st != 200 {
			res.Failed += n
		}
	}
	res.PerSecond = float64(res.Accepted) / res.Elapsed.Seconds()
	if len(latencies) > 0 {
		slices.Sort(latencies)
		res.P50 = latencies[len(latencies)/2]
		res.P99 = latencies[len(latencies)*99/100]
		res.Max = latencies[len(latencies)-1]
	}
	return res, nil
}

// response makes one plausible kiosk response: a UUIDv7 id (time-ordered, as
// our tablets send), most items answered 3–5, some 1–2, some NA.
func (o Options) response(rng *rand.Rand, seq int64) []byte {
	answers := make(map[string]any, len(o.Items))
	for _, it := range o.Items {
		switch p := rng.IntN(100); {
		case p < 6:
			answers[it] = nil
		case p < 10:
			answers[it] = 1 + rng.IntN(2)
		default:
			answers[it] = 3 + rng.IntN(3)
		}
	}
	b, _ := json.Marshal(map[string]any{
		"id": uuid.Must(uuid.NewV7()).String(), "survey": o.Survey, "version": o.Version, "channel": "kiosk",
		"lang": "vi", "seq": seq, "answered_at": time.Now().Add(-3 * time.Second).Format(time.RFC3339Nano),
		"answers": answers,
	})
	return b
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
