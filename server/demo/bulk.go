package demo

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// BulkOptions size a generated data set for benchmarks: a root agency with
// Agencies−1 children, one counter each, and Responses responses to the
// default questionnaire spread over Months months ending at Now's month.
type BulkOptions struct {
	Agencies  int
	Months    int
	Responses int
	Now       time.Time
	Seed      uint64
	Progress  func(done int) // called after each committed chunk
}

// BulkResult says what was generated.
type BulkResult struct {
	Root      string // root agency code
	Agencies  int
	Responses int
	Elapsed   time.Duration
}

// Bulk generates a large data set into an empty database, fast: writes
// without fsync (the data can be regenerated), big transactions, answers
// generated on one core while the other inserts, and monthly counts added
// with each chunk instead of recounted afterwards. Not for real data.
func Bulk(ctx context.Context, db *sqlite.DB, cat *survey.Catalog, o BulkOptions) (*BulkResult, error) {
	start := time.Now()
	if n, err := db.CountAgencies(ctx); err != nil || n > 0 {
		return nil, fmt.Errorf("bulk: the database is not empty (%d agencies, %v)", n, err)
	}
	if o.Agencies < 2 || o.Months < 1 || o.Responses < 1 {
		return nil, fmt.Errorf("bulk: need at least 2 agencies, 1 month and 1 response")
	}
	if err := db.SetDurable(ctx, false); err != nil {
		return nil, err
	}
	defer db.SetDurable(context.WithoutCancel(ctx), true)
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		return nil, err
	}
	def := cat.Default()
	root := &survey.Agency{Code: "B00", Name: survey.Text{"vi": "UBND tỉnh Thử nghiệm", "en": "Test Province People's Committee"},
		Kind: survey.KindProvincePC, SurveyID: def.ID}
	if err := db.CreateAgency(ctx, root, survey.CLI, time.Now()); err != nil {
		return nil, err
	}
	type place struct{ agency, counter int64 }
	places := make([]place, 0, o.Agencies-1)
	for i := 1; i < o.Agencies; i++ {
		a := &survey.Agency{Code: fmt.Sprintf("B00.%04d", i), Name: survey.Text{"vi": "UBND xã Thử nghiệm " + strconv.Itoa(i), "en": "Test Commune " + strconv.Itoa(i)},
			Kind: survey.KindCommunePC, ParentID: root.ID}
		if err := db.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
			return nil, err
		}
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: fmt.Sprintf("B-%04d", i), Number: 1, Name: survey.Text{"vi": "Quầy số 1", "en": "Counter 1"}, Active: true}
		if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			return nil, err
		}
		places = append(places, place{a.ID, c.ID})
	}

	// In code order: the answers are built in it.
	items := slices.SortedFunc(slices.Values(def.Items()), func(a, b *survey.Question) int { return cmp.Compare(a.Code, b.Code) })
	rng := rand.New(rand.NewPCG(o.Seed, 0x5195a5))
	quality := make([]float64, len(places)) // each agency's share of satisfied answers
	for i := range quality {
		quality[i] = 0.62 + 0.33*rng.Float64()
	}
	first := monthStart(o.Now.In(survey.Zone)).AddDate(0, -(o.Months - 1), 0)

	// One transaction a month: its counts are upserted once per key, and only
	// the counts sit in memory. Answers are generated here, encoded and
	// counted by BulkStream's own goroutine and inserted on a third.
	perMonth := o.Responses / o.Months
	n := 0
	// The indexes are built once at the end, from sorted data.
	err := db.WithoutResponseIndexes(ctx, func() error {
		for m := range o.Months {
			count := perMonth
			if m == o.Months-1 {
				count = o.Responses - perMonth*(o.Months-1)
			}
			from := first.AddDate(0, m, 0)
			length := from.AddDate(0, 1, 0).Sub(from)
			ch := make(chan *survey.Response, 4096)
			gctx, cancel := context.WithCancel(ctx)
			go func() {
				defer close(ch)
				for range count {
					p := rng.IntN(len(places))
					at := from.Add(time.Duration(rng.Int64N(int64(length))))
					n++
					select {
					case ch <- bulkResponse(rng, def, items, places[p].agency, places[p].counter, quality[p], at):
					case <-gctx.Done():
						return
					}
				}
			}()
			err := db.BulkStream(ctx, cat, func() (*survey.Response, bool) {
				r, ok := <-ch
				return r, ok
			})
			cancel()
			for range ch { // let the generator finish if the insert failed
			}
			if err != nil {
				return err
			}
			if o.Progress != nil {
				o.Progress(n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &BulkResult{Root: root.Code, Agencies: o.Agencies, Responses: o.Responses, Elapsed: time.Since(start)}, nil
}

// bulkResponse makes one response to def at a counter, as a tablet would
// send it, answering items (in code order).
func bulkResponse(rng *rand.Rand, def *survey.Definition, items []*survey.Question, agency, counter int64, quality float64, at time.Time) *survey.Response {
	answers := make(survey.Answers, len(items))
	for i, q := range items {
		answers[i] = survey.Answer{Code: q.Code, Value: bulkValue(rng, quality)}
	}
	r := &survey.Response{
		UID: uuidV7(rng, at), SurveyID: def.ID, SurveyVersion: def.Version, AgencyID: agency,
		CounterID: counter, Channel: survey.ChannelKiosk, AnsweredAt: &at, ReceivedAt: at.Add(2 * time.Second),
		Month: survey.Month(at), Lang: "vi", Answers: answers,
	}
	// The hash only tells a retry from a conflict: over the id and the
	// answers is enough here, and far cheaper than encoding a request.
	h := sha256.New()
	h.Write([]byte(r.UID))
	for _, a := range answers {
		h.Write(a.Value)
	}
	r.ContentHash = h.Sum(nil)
	return r
}

var bulkValues = [6]json.RawMessage{json.RawMessage("null"), json.RawMessage("1"), json.RawMessage("2"), json.RawMessage("3"), json.RawMessage("4"), json.RawMessage("5")}

// bulkValue draws one answer: about 6% NA, then satisfied (4–5) with the
// agency's probability, else 1–3.
func bulkValue(rng *rand.Rand, q float64) json.RawMessage {
	x := rng.Float64()
	switch {
	case x < 0.06:
		return bulkValues[0]
	case rng.Float64() < q:
		return bulkValues[4+rng.IntN(2)]
	default:
		return bulkValues[1+rng.IntN(3)]
	}
}
