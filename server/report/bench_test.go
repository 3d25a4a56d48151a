package report

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// The scorecard and ranking benchmarks run on a generated data set: the file
// named by SIPAS_BENCH_DB (make one with `sipas seed --responses 10000000`,
// as `make bench-10m` does), or else a smaller one generated here once.
var (
	benchOnce sync.Once
	benchDB   *sqlite.DB
	benchCat  *survey.Catalog
	benchErr  error
)

func benchData(b *testing.B) (*sqlite.DB, *survey.Catalog) {
	benchOnce.Do(func() {
		ctx := context.Background()
		benchCat, benchErr = survey.Load(surveydefs.FS)
		if benchErr != nil {
			return
		}
		path := os.Getenv("SIPAS_BENCH_DB")
		seed := path == ""
		if seed {
			dir, err := os.MkdirTemp("", "sipas-report-bench")
			if err != nil {
				benchErr = err
				return
			}
			path = filepath.Join(dir, "sipas.db")
		}
		if benchDB, benchErr = sqlite.Open(ctx, path); benchErr != nil {
			return
		}
		if seed {
			_, benchErr = demo.Bulk(ctx, benchDB, benchCat, demo.BulkOptions{Agencies: 3000, Months: 24, Responses: 300_000, Now: time.Now(), Seed: 1})
			return
		}
		// A file from an older build may need its counts brought up to date first.
		_, benchErr = benchDB.NewRollup(benchCat).CatchUp(ctx)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB, benchCat
}

// latencies records per-operation times and reports p50 and p99.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	slices.Sort(l)
	b.ReportMetric(float64(l[len(l)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(l[len(l)*99/100])/1e6, "p99-ms")
}

// BenchmarkScore is an agency's monthly score: the heart of the scorecard
// and of GET /api/v1/scores, from the rollups.
func BenchmarkScore(b *testing.B) {
	db, cat := benchData(b)
	r := New(db, cat)
	ctx := context.Background()
	all, _ := db.Agencies(ctx)
	month := survey.Month(time.Now().AddDate(0, -1, 0))
	def := cat.Default()
	var lat latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := all[1+i%(len(all)-1)]
		t0 := time.Now()
		if _, err := r.Score(ctx, a, def, month); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	lat.report(b)
}

// BenchmarkSeries is the 13-month trend of one agency.
func BenchmarkSeries(b *testing.B) {
	db, cat := benchData(b)
	r := New(db, cat)
	ctx := context.Background()
	all, _ := db.Agencies(ctx)
	month := survey.Month(time.Now())
	var lat latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := r.Series(ctx, all[1+i%(len(all)-1)], cat.Default(), month, 13); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	lat.report(b)
}

// rankRoot is the root of the generated tree, whose children rankings rank.
func rankRoot(b *testing.B, db *sqlite.DB) (*survey.Agency, int) {
	all, err := db.Agencies(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range all {
		if a.ParentID == 0 {
			return a, len(all) - 1
		}
	}
	b.Fatal("no root agency")
	return nil, 0
}

// BenchmarkRankFresh ranks every child of the root (3,000 agencies in the
// generated set) for a month, computed anew each time: what the first
// visitor of the province view waits for.
func BenchmarkRankFresh(b *testing.B) {
	benchRank(b, false)
}

// BenchmarkRankCached is the same ranking read again within a minute, as
// every sibling's scorecard reads it (report.rankTTL).
func BenchmarkRankCached(b *testing.B) {
	benchRank(b, true)
}

func benchRank(b *testing.B, cached bool) {
	db, cat := benchData(b)
	ctx := context.Background()
	root, children := rankRoot(b, db)
	month := survey.Month(time.Now().AddDate(0, -1, 0))
	r := New(db, cat)
	if cached {
		if _, err := r.Rank(ctx, root, cat.Default(), month); err != nil {
			b.Fatal(err)
		}
	}
	var lat latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !cached {
			r = New(db, cat) // no ranking kept from the last round
		}
		t0 := time.Now()
		rk, err := r.Rank(ctx, root, cat.Default(), month)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if len(rk.Scores) < children {
			b.Fatalf("ranked %d of %d", len(rk.Scores), children)
		}
	}
	lat.report(b)
}

// BenchmarkStorage reports what the data set costs on disk: bytes of the
// database file per stored response (rollups and indexes included).
func BenchmarkStorage(b *testing.B) {
	db, _ := benchData(b)
	ctx := context.Background()
	var pages, size, responses int64
	for i := 0; i < b.N; i++ {
		if err := db.Reader().QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count, pragma_page_size`).Scan(&pages, &size); err != nil {
			b.Fatal(err)
		}
		if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&responses); err != nil {
			b.Fatal(err)
		}
	}
	if responses == 0 {
		b.Fatal("no responses")
	}
	b.ReportMetric(float64(pages*size)/float64(responses), "bytes/response")
	b.ReportMetric(float64(responses), "responses")
}
