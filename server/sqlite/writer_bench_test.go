package sqlite

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/survey"
)

// BenchmarkWriter measures the group-commit writer alone: 64 goroutines
// submitting full responses, durable commits (synchronous=FULL).
func BenchmarkWriter(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir()+"/w.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a := &survey.Agency{Code: "A", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther}
	db.CreateAgency(context.Background(), a, survey.CLI, time.Now())
	var batches, total int
	var spent time.Duration
	var mu sync.Mutex
	w := db.NewWriter(256, func(n int, d time.Duration) { mu.Lock(); batches++; total += n; spent += d; mu.Unlock() })
	answers := map[string]json.RawMessage{}
	for _, c := range []string{"TC1", "TC2", "TC3", "TC4", "TT1", "TT2", "TT3", "TT4", "CC1", "CC2", "CC3", "CC4", "CC5", "KQ1", "KQ2", "KQ3", "PA1", "PA2", "PA3"} {
		answers[c] = json.RawMessage("4")
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/64 + 1
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				now := time.Now()
				r := &survey.Response{UID: uuid.Must(uuid.NewV7()).String(), SurveyID: "s", SurveyVersion: "v", AgencyID: a.ID,
					Channel: survey.ChannelKiosk, ReceivedAt: now, AnsweredAt: &now, Month: survey.Month(now), Lang: "vi",
					Answers: answers, ContentHash: make([]byte, 32)}
				if _, err := w.Submit(context.Background(), Write{Response: r}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	w.Close()
	b.ReportMetric(float64(total)/float64(batches), "responses/commit")
	b.ReportMetric(float64(spent.Microseconds())/float64(batches)/1000, "ms/commit")
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "responses/s")
}
