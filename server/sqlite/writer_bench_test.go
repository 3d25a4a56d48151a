package sqlite

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
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
					Answers: survey.NewAnswers(answers), ContentHash: make([]byte, 32)}
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

// BenchmarkWriterCommit measures what the group-commit writer's own
// goroutine spends per response, the serial part of the submission path
// (decision 14): batches of 32 perf-ratio-like responses (random UUIDv4 ids,
// 19 scale answers, 32 counters with a tablet each that numbers its
// responses, fed to a rollup worker), committed one after another into a table that already holds
// 50,000. What the callers' goroutines prepare (Writer.pend) is prepared
// before the clock starts. cpu-µs/response is the process's CPU time (user
// and system) per response; ns/op adds the fsync waits.
func BenchmarkWriterCommit(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/w.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cat, agencies, counters := rollupFixture(b, db, 32)
	devices := make([]int64, len(counters))
	for i, c := range counters {
		d, _, _, err := db.AddDevice(ctx, c, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		devices[i] = d.ID
	}
	def, _ := cat.Get("sipas-dv-2023")
	var codes []string
	for _, q := range def.Questions() {
		if q.Kind == survey.KindScale && len(codes) < 19 {
			codes = append(codes, q.Code)
		}
	}
	w := db.NewWriter(256, nil)
	defer w.Close()
	w.Feed(db.NewRollup(cat))
	rng := rand.New(rand.NewPCG(3, 4))
	seq := make([]int64, len(counters))
	batch := func(n int) []*pending {
		ps := make([]*pending, n)
		for i := range ps {
			now := time.Now()
			answers := make(map[string]json.RawMessage, len(codes))
			for _, c := range codes {
				answers[c] = json.RawMessage(strconv.Itoa(1 + rng.IntN(5)))
			}
			sorted := survey.NewAnswers(answers)
			k := rng.IntN(len(counters))
			r := &survey.Response{UID: uuid.NewString(), SurveyID: def.ID, SurveyVersion: def.Version, AgencyID: agencies[k],
				CounterID: counters[k], DeviceID: devices[k], Channel: survey.ChannelKiosk, ReceivedAt: now, AnsweredAt: &now,
				Month: survey.Month(now), Lang: "vi", Answers: sorted,
				Comment: "Cán bộ hướng dẫn tận tình, nhưng phải chờ khá lâu.", ContentHash: make([]byte, 32)}
			seq[k]++ // tablets number their responses
			r.DeviceSeq = seq[k]
			ps[i] = w.pend(ctx, Write{Response: r, Answers: sorted.Canonical(), CountSeq: true})
		}
		return ps
	}
	const size = 32
	for range 50_000 / size {
		w.commit(batch(size))
	}
	batches := make([][]*pending, b.N/size+1)
	for i := range batches {
		batches[i] = batch(size)
	}
	before := cpuTime()
	b.ResetTimer()
	for _, ps := range batches {
		w.commit(ps)
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(len(batches)*size), "cpu-µs/response")
}
