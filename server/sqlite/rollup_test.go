package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// rollupFixture registers the shipped questionnaires and makes n agencies
// with one counter each.
func rollupFixture(t testing.TB, db *DB, n int) (cat *survey.Catalog, agencies, counters []int64) {
	t.Helper()
	ctx := context.Background()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		a := mustAgency(t, db, &survey.Agency{Code: "A" + strconv.Itoa(i), Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
		c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "C" + strconv.Itoa(i), Name: survey.Text{"vi": "q"}, Active: true}
		if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
			t.Fatal(err)
		}
		agencies, counters = append(agencies, a.ID), append(counters, c.ID)
	}
	return cat, agencies, counters
}

// randomResponses makes n plausible responses to the shipped questionnaires.
func randomResponses(t testing.TB, rng *rand.Rand, cat *survey.Catalog, agencies, counters []int64, n int, start int) []*survey.Response {
	t.Helper()
	defs := cat.All()
	var out []*survey.Response
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d := defs[rng.IntN(len(defs))]
		answers := map[string]json.RawMessage{}
		for _, q := range d.Questions() {
			if rng.IntN(4) == 0 {
				continue // not shown / skipped
			}
			var v any
			switch q.Kind {
			case survey.KindScale:
				if rng.IntN(10) == 0 {
					v = nil
				} else {
					v = q.Scale.Options[rng.IntN(len(q.Scale.Options))].Value
				}
			case survey.KindSingle, survey.KindProfile:
				v = q.Options[rng.IntN(len(q.Options))].Code
			case survey.KindMulti:
				v = []string{q.Options[0].Code, q.Options[len(q.Options)-1].Code}
			default:
				continue
			}
			b, _ := json.Marshal(v)
			answers[q.Code] = b
		}
		at := base.Add(time.Duration(rng.IntN(300*24)) * time.Hour)
		var flags []string
		if rng.IntN(15) == 0 {
			flags = []string{"clock"}
		}
		ai := rng.IntN(len(agencies))
		out = append(out, &survey.Response{
			UID: fmt.Sprintf("00000000-0000-7000-8000-%012d", start+i), SurveyID: d.ID, SurveyVersion: d.Version,
			AgencyID: agencies[ai], CounterID: counters[ai], Channel: []survey.Channel{"kiosk", "qr", "paper"}[rng.IntN(3)],
			AnsweredAt: &at, ReceivedAt: at.Add(time.Minute), Month: survey.Month(at), Lang: "vi",
			Answers: survey.NewAnswers(answers), Comment: []string{"", "", "tốt"}[rng.IntN(3)], Partial: rng.IntN(8) == 0,
			Flags: flags, Excluded: rng.IntN(20) == 0, ContentHash: []byte{1},
		})
	}
	return out
}

func snapshot(t *testing.T, db *DB) (map[string]int64, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	a := map[string]int64{}
	rows, err := db.Reader().QueryContext(ctx, `SELECT month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question, value, n FROM rollup_answers WHERE n <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [10]string
		var n int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &k[7], &k[8], &k[9], &n)
		a[fmt.Sprint(k)] = n
	}
	rows.Close()
	// Scale answers, one row per question, unfolded into the same keys.
	rows, err = db.Reader().QueryContext(ctx, `SELECT month, agency_id, counter_id, officer_id, survey_id, survey_version, channel, excluded, question,
		na, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10 FROM rollup_scales`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [10]string
		var c [scaleSlots]int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &k[7], &k[8],
			&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9], &c[10], &c[11])
		for slot, n := range c {
			if n != 0 {
				k[9] = scaleValueText(slot)
				if _, dup := a[fmt.Sprint(k)]; dup {
					t.Errorf("%v counted in rollup_answers and rollup_scales", k)
				}
				a[fmt.Sprint(k)] = n
			}
		}
	}
	rows.Close()
	r := map[string]int64{}
	rows, err = db.Reader().QueryContext(ctx, `SELECT day, month, agency_id, counter_id, survey_id, channel, excluded, responses, partial, unsatisfied, with_comment FROM rollup_responses`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [7]string
		var c [4]int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &c[0], &c[1], &c[2], &c[3])
		r[fmt.Sprint(k)] = c[0]*1e9 + c[1]*1e6 + c[2]*1e3 + c[3]
	}
	rows.Close()
	// The per-item summary is folded into the answers map under its own prefix.
	rows, err = db.Reader().QueryContext(ctx, `SELECT month, survey_id, agency_id, question, excluded, valid, satisfied FROM rollup_items WHERE valid <> 0 OR satisfied <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [5]string
		var v, sat int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &v, &sat)
		a["items"+fmt.Sprint(k)] = v*1e6 + sat
	}
	rows.Close()
	// So are the per-respondent sums: every node, every dimension, exactly.
	rows, err = db.Reader().QueryContext(ctx, `SELECT month, agency_id, counter_id, officer_id, survey_id, survey_version, channel,
		excluded, node, n, t, v, tt, tv, vv FROM rollup_moments WHERE n <> 0 OR v <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	moments := 0
	for rows.Next() {
		var k [9]string
		var m [6]int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &k[7], &k[8], &m[0], &m[1], &m[2], &m[3], &m[4], &m[5])
		for i, v := range m {
			a[fmt.Sprint("moments", k, i)] = v
		}
		moments++
	}
	rows.Close()
	rows, err = db.Reader().QueryContext(ctx, `SELECT month, survey_id, agency_id, excluded, mn, mt, mv, mtt, mtv, mvv FROM rollup_items WHERE question = '' AND valid <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k [4]string
		var m [6]int64
		rows.Scan(&k[0], &k[1], &k[2], &k[3], &m[0], &m[1], &m[2], &m[3], &m[4], &m[5])
		for i, v := range m {
			a[fmt.Sprint("index", k, i)] = v
		}
	}
	rows.Close()
	if len(r) > 0 && moments == 0 {
		t.Fatal("responses are counted but no per-respondent sums are")
	}
	return a, r
}

// TestIncrementalRollupEqualsRebuild interleaves inserts and worker steps of
// random sizes, then rebuilds from the raw rows: the counts must be identical,
// and they must match a direct count over the raw answers.
func TestIncrementalRollupEqualsRebuild(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 4)
	rng := rand.New(rand.NewPCG(7, 11))
	ru := db.NewRollup(cat)
	total := 0
	for round := range 12 {
		rs := randomResponses(t, rng, cat, agencies, counters, 20+rng.IntN(200), total)
		total += len(rs)
		if err := db.InsertResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
		if _, err := ru.Step(ctx, 1+rng.IntN(300)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	filedUpToPosition(t, db, "incremental")
	sameAsRebuild(t, db, ru, total, "incremental")
	// And both agree with the raw rows: count HL=4 answers of quick ratings directly.
	var direct, rolled int64
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE survey_id = 'nhanh' AND json_extract(answers, '$.HL') = 4`).Scan(&direct)
	db.Reader().QueryRowContext(ctx, `SELECT COALESCE(sum(v4), 0) FROM rollup_scales WHERE survey_id = 'nhanh' AND question = 'HL'`).Scan(&rolled)
	if direct == 0 || direct != rolled {
		t.Errorf("HL=4: %d in raw rows, %d in rollups", direct, rolled)
	}
	var responses, rolledResponses int64
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&responses)
	db.Reader().QueryRowContext(ctx, `SELECT sum(responses) FROM rollup_responses`).Scan(&rolledResponses)
	if responses != rolledResponses {
		t.Errorf("%d responses, %d counted", responses, rolledResponses)
	}
	var itemResponses, satisfied, directSatisfied int64
	db.Reader().QueryRowContext(ctx, `SELECT sum(valid) FROM rollup_items WHERE question = ''`).Scan(&itemResponses)
	if itemResponses != responses {
		t.Errorf("%d responses, %d in the item summary", responses, itemResponses)
	}
	db.Reader().QueryRowContext(ctx, `SELECT sum(satisfied) FROM rollup_items WHERE survey_id = 'nhanh' AND question = 'HL' AND excluded = 0`).Scan(&satisfied)
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE survey_id = 'nhanh' AND excluded = 0 AND json_extract(answers, '$.HL') IN (4, 5)`).Scan(&directSatisfied)
	if satisfied == 0 || satisfied != directSatisfied {
		t.Errorf("HL satisfied: %d in the summary, %d in raw rows", satisfied, directSatisfied)
	}
}

// TestFlagDecisionDuringAStepIsNotLost: the worker counts a batch outside
// the write transaction; an admin who includes a flagged response of that
// batch meanwhile must find the counts right afterwards (equal to a rebuild).
func TestFlagDecisionDuringAStepIsNotLost(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 2)
	rng := rand.New(rand.NewPCG(3, 5))
	rs := randomResponses(t, rng, cat, agencies, counters, 60, 0)
	for _, r := range rs[:10] {
		r.Flags, r.Excluded = []string{"burst"}, true
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	ru := db.NewRollup(cat)
	decided := 0
	ru.afterCount = func() {
		if decided > 0 {
			return
		}
		decided++
		// The batch was read with this response excluded; it is included now.
		if err := ru.DecideFlag(ctx, rs[3].ID, true, "đã kiểm tra", survey.Actor{Name: "test"}, time.Now()); err != nil {
			t.Error(err)
		}
	}
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if decided != 1 {
		t.Fatal("the decision did not happen during a step")
	}
	incA, incR := snapshot(t, db)
	ru.afterCount = nil
	if _, err := ru.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebA, rebR := snapshot(t, db)
	if !reflect.DeepEqual(incA, rebA) || !reflect.DeepEqual(incR, rebR) {
		t.Fatal("a flag decision during a step left the counts different from a rebuild")
	}
}

// TestBulkInsertCountsLikeTheWorker loads responses through the bulk path,
// which counts them itself, and checks a rebuild from the raw rows agrees.
func TestBulkInsertCountsLikeTheWorker(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, _ := survey.Load(surveydefs.FS)
	db.RegisterSurveys(ctx, cat.All())
	a := mustAgency(t, db, &survey.Agency{Code: "A1", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "C1", Name: survey.Text{"vi": "q"}, Active: true}
	if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	if err := db.SetDurable(ctx, false); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := db.BulkInsert(ctx, cat, randomResponses(t, rng, cat, []int64{a.ID}, []int64{c.ID}, 400, i*400)); err != nil {
			t.Fatal(err)
		}
	}
	db.SetDurable(ctx, true)
	bulkA, bulkR := snapshot(t, db)
	if n, err := db.NewRollup(cat).Rebuild(ctx); err != nil || n != 1200 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	rebA, rebR := snapshot(t, db)
	if !reflect.DeepEqual(bulkA, rebA) || !reflect.DeepEqual(bulkR, rebR) {
		t.Fatal("bulk counts differ from a rebuild")
	}
	// With the counts behind, the bulk path refuses rather than skip responses.
	db.InsertResponses(ctx, randomResponses(t, rng, cat, []int64{a.ID}, []int64{c.ID}, 1, 9000))
	if err := db.BulkInsert(ctx, cat, randomResponses(t, rng, cat, []int64{a.ID}, []int64{c.ID}, 1, 9001)); err == nil {
		t.Error("bulk insert with counts behind was accepted")
	}
}

// TestTalliesReadOneSnapshot: while the worker commits counts, every tally
// read must add up (no item with more answers than responses), which needs
// its queries to see one snapshot. Before, a scorecard read during the
// worker's catch-up failed with "82 answers out of 19 responses".
func TestTalliesReadOneSnapshot(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 2)
	rng := rand.New(rand.NewPCG(9, 9))
	if err := db.InsertResponses(ctx, randomResponses(t, rng, cat, agencies, counters, 3000, 0)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		ru := db.NewRollup(cat)
		for {
			n, err := ru.Step(ctx, 7) // many small commits
			if err != nil || n == 0 {
				done <- err
				return
			}
		}
	}()
	ids := agencies
	reads := 0
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if reads < 20 {
				t.Fatalf("only %d reads during the catch-up", reads)
			}
			return
		default:
		}
		for _, def := range cat.All() {
			ts, err := db.Tallies(ctx, Scope{Agencies: ids, Survey: def.ID, From: "2026-01", To: "2026-12"}, ByNone)
			if err != nil {
				t.Fatal(err)
			}
			// One snapshot: no question has more answers than there are responses.
			for _, tl := range ts {
				for q, vals := range tl.Answers {
					n := 0
					for _, c := range vals {
						n += c
					}
					if n > tl.Responses && def.Question(q) != nil && def.Question(q).Kind != survey.KindMulti {
						t.Fatalf("read %d: %d answers to %s out of %d responses", reads, n, q, tl.Responses)
					}
				}
			}
		}
		reads++
	}
}

// TestFedRollupEqualsRebuild: responses committed by the writer reach the
// worker with their parsed answers and are counted without being read back;
// rows inserted past the writer, duplicates, a flag decision and a worker
// that falls behind must still leave counts equal to a rebuild.
func TestFedRollupEqualsRebuild(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 4)
	rng := rand.New(rand.NewPCG(17, 19))
	ru := db.NewRollup(cat)
	w := db.NewWriter(64, nil)
	w.Feed(ru)
	total := 0
	submit := func(rs []*survey.Response) {
		t.Helper()
		errs := make(chan error, len(rs))
		for _, r := range rs {
			go func() { _, err := w.Submit(ctx, Write{Response: r}); errs <- err }()
		}
		for range rs {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	for round := range 16 {
		rs := randomResponses(t, rng, cat, agencies, counters, 20+rng.IntN(150), total)
		rs[0].Flags = append(rs[0].Flags, "burst") // an admin may decide on it
		total += len(rs)
		submit(rs)
		switch round % 4 {
		case 1: // the same responses again: duplicates, nothing new to count
			submit(rs[:5])
		case 2: // a row the writer did not commit: the feed no longer follows the position
			extra := randomResponses(t, rng, cat, agencies, counters, 3, total)
			total += len(extra)
			if err := db.InsertResponses(ctx, extra); err != nil {
				t.Fatal(err)
			}
		case 3: // an admin decides a flag on a response not yet counted
			if err := ru.DecideFlag(ctx, rs[0].ID, !rs[0].Excluded, "đã kiểm tra", survey.Actor{Name: "test"}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if round%5 != 4 { // sometimes the worker skips a round and falls behind
			if _, err := ru.Step(ctx, 1+rng.IntN(300)); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	w.Close()
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ru.fromFeed < total/2 {
		t.Fatalf("only %d of %d responses were counted from the feed", ru.fromFeed, total)
	}
	filedUpToPosition(t, db, "fed")
	sameAsRebuild(t, db, ru, total, "fed")
}

// BenchmarkRollupFedStep: the worker's CPU per response counted from the
// writer's feed (no reading back), and the longest step, during which the
// submissions' writer waits, by step size (decision 14). 8,000 responses
// like perf-ratio's (one questionnaire, month and channel, 32 counters),
// about two seconds of its load. Wall time includes the fsyncs.
func BenchmarkRollupFedStep(b *testing.B) {
	for _, size := range []int{1000, 2000, 4000, 8000} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			var spent, longest, cpu, tallied time.Duration
			counted := 0
			for range b.N {
				b.StopTimer()
				ctx := context.Background()
				db, err := Open(ctx, b.TempDir()+"/r.db")
				if err != nil {
					b.Fatal(err)
				}
				cat, agencies, counters := rollupFixture(b, db, 32)
				rs := randomResponses(b, rand.New(rand.NewPCG(1, 2)), cat, agencies, counters, 8000, 0)
				def, _ := cat.Get("sipas-dv-2023")
				now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
				for _, r := range rs { // all alike but for counter and answers, as under perf-ratio
					answers := map[string]json.RawMessage{}
					for _, q := range def.Questions() {
						if q.Kind == survey.KindScale {
							answers[q.Code] = json.RawMessage(strconv.Itoa(1 + rand.IntN(5)))
						}
					}
					r.SurveyID, r.SurveyVersion, r.Channel, r.Answers, r.Flags, r.Excluded = def.ID, def.Version, survey.ChannelKiosk, survey.NewAnswers(answers), nil, false
					r.AnsweredAt, r.ReceivedAt, r.Month = &now, now, survey.Month(now)
				}
				if err := db.InsertResponses(ctx, rs); err != nil {
					b.Fatal(err)
				}
				ru := db.NewRollup(cat)
				t0 := cpuTime()
				for _, r := range rs { // as the writer does, the tally made on the submitting goroutine
					ru.feed([]rawResponse{fedOf(r, ru.tallyFor(ctx, r))})
				}
				tallied += cpuTime() - t0
				if _, err := db.rollupUpserts(ctx); err != nil { // once a server's life, not once a step
					b.Fatal(err)
				}
				b.StartTimer()
				cpu0 := cpuTime()
				for {
					t0 := time.Now()
					n, _, err := ru.step(ctx, size)
					if err != nil {
						b.Fatal(err)
					}
					if n == 0 {
						break
					}
					d := time.Since(t0)
					spent, longest, counted = spent+d, max(longest, d), counted+n
				}
				cpu += cpuTime() - cpu0
				b.StopTimer()
				if ru.fromFeed != len(rs) {
					b.Fatalf("%d of %d counted from the feed", ru.fromFeed, len(rs))
				}
				db.Close()
			}
			b.ReportMetric(float64(spent.Nanoseconds())/float64(counted), "ns/response")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(counted), "cpu-ns/response")
			b.ReportMetric(float64(tallied.Nanoseconds())/float64(counted), "tally-cpu-ns/response")
			b.ReportMetric(float64(longest.Microseconds())/1000, "ms-longest-step")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sameAsRebuild checks that the counts kept so far equal a rebuild from the
// raw rows of all total responses.
func sameAsRebuild(t *testing.T, db *DB, ru *Rollup, total int, kept string) {
	t.Helper()
	incA, incR := snapshot(t, db)
	n, err := ru.Rebuild(context.Background())
	if err != nil || n != total {
		t.Fatalf("rebuild counted %d of %d: %v", n, total, err)
	}
	rebA, rebR := snapshot(t, db)
	if !reflect.DeepEqual(incA, rebA) || !reflect.DeepEqual(incR, rebR) {
		t.Fatalf("%s and rebuilt counts differ: %d/%d answer rows, %d/%d response rows", kept, len(incA), len(rebA), len(incR), len(rebR))
	}
}

// TestFeedIsBounded: with the worker stopped or far behind, the feed never
// holds more than maxFed responses, and what it holds are the newest, in
// order (the rest are read back when due).
func TestFeedIsBounded(t *testing.T) {
	ru := (&DB{}).NewRollup(nil)
	total := 3*maxFed + 500
	for i := range total {
		ru.feed([]rawResponse{{id: int64(i + 1)}})
		if len(ru.fed) > maxFed {
			t.Fatalf("after %d fed the feed holds %d", i+1, len(ru.fed))
		}
	}
	n := len(ru.fed)
	if n < maxFed/2 || ru.fed[n-1].id != int64(total) {
		t.Fatalf("feed holds %d, ids %d…%d", n, ru.fed[0].id, ru.fed[n-1].id)
	}
	for i := range n {
		if ru.fed[i].id != int64(total-n+1+i) {
			t.Fatalf("feed[%d] is %d: not the newest in order", i, ru.fed[i].id)
		}
	}
}

// BenchmarkTally: what working out one perf-ratio-like response's tally
// costs the submitting request (decision 14).
func BenchmarkTally(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/r.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cat, agencies, counters := rollupFixture(b, db, 4)
	r := randomResponses(b, rand.New(rand.NewPCG(1, 2)), cat, agencies, counters, 1, 0)[0]
	def, _ := cat.Get("sipas-dv-2023")
	answers := map[string]json.RawMessage{}
	for _, q := range def.Questions() {
		if q.Kind == survey.KindScale {
			answers[q.Code] = json.RawMessage(strconv.Itoa(1 + rand.IntN(5)))
		}
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	r.SurveyID, r.SurveyVersion, r.Channel, r.Answers, r.Flags, r.Excluded = def.ID, def.Version, survey.ChannelKiosk, survey.NewAnswers(answers), nil, false
	r.AnsweredAt, r.ReceivedAt, r.Month = &now, now, survey.Month(now)
	ru := db.NewRollup(cat)
	b.ReportAllocs()
	for b.Loop() {
		if ru.tallyFor(ctx, r) == nil {
			b.Fatal("no tally")
		}
	}
}

// TestFedStepSeesAFlagDecision: a flag decided after the writer fed a
// response and before the worker's step changes what the response counts
// under; the step must notice, and not add the tally it was fed.
func TestFedStepSeesAFlagDecision(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 2)
	ru := db.NewRollup(cat)
	w := db.NewWriter(64, nil)
	w.Feed(ru)
	rs := randomResponses(t, rand.New(rand.NewPCG(5, 6)), cat, agencies, counters, 20, 0)
	for _, r := range rs {
		r.Flags, r.Excluded = []string{"burst"}, true
		if _, err := w.Submit(ctx, Write{Response: r}); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if len(ru.fed) != len(rs) {
		t.Fatalf("%d of %d responses fed", len(ru.fed), len(rs))
	}
	if err := ru.DecideFlag(ctx, rs[5].ID, true, "đã kiểm tra", survey.Actor{Name: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, err := ru.Step(ctx, 100); err != nil || n != len(rs) {
		t.Fatalf("step counted %d: %v", n, err)
	}
	if ru.fromFeed != 0 {
		t.Fatalf("%d counted from a feed that no longer matches the stored marks", ru.fromFeed)
	}
	sameAsRebuild(t, db, ru, len(rs), "fed")
}

// TestTallyAgreesWithTheDomainRules: tallyOf reads each response's answers
// by position in its questionnaire; what it says of every response must be
// what the domain's own rules say reading the answers by code
// (score.DossierUnsatisfied, Plan.Respondent, the scale's values), for every
// shipped questionnaire.
func TestTallyAgreesWithTheDomainRules(t *testing.T) {
	db := openTest(t)
	cat, agencies, counters := rollupFixture(t, db, 3)
	rs := randomResponses(t, rand.New(rand.NewPCG(7, 8)), cat, agencies, counters, 600, 0)
	seen := map[bool]int{}
	for _, r := range rs {
		def, _ := cat.Get(r.SurveyID)
		rr := rawOf(r)
		tl := tallyOf(newShape(def), &rr, rr.day(), r.Answers)

		unsatisfied := score.DossierUnsatisfied(def, r.Answers)
		seen[unsatisfied]++
		if tl.unsatisfied != unsatisfied {
			t.Fatalf("%s: unsatisfied %v, the dossier rule says %v", r.UID, tl.unsatisfied, unsatisfied)
		}
		var moments []nodeSum
		score.NewPlan(def).Respondent(func(_ int, code string) (int, bool) { return survey.ScaleValue(r.Answers.Value(code)) },
			func(k int, tt, vv int64) { moments = append(moments, nodeSum{k, tt, vv}) })
		if !slices.Equal(tl.moments, moments) {
			t.Fatalf("%s: moments %v, the plan says %v", r.UID, tl.moments, moments)
		}
		marks := map[string]mark{}
		for _, m := range tl.marks {
			marks[def.Questions()[m.q].Code] = m
		}
		for _, a := range r.Answers {
			code, v := a.Code, a.Value
			q := def.Question(code)
			want := mark{slot: -1}
			if n, ok := survey.ScaleValue(v); q.Kind == survey.KindScale {
				switch {
				case ok && n >= 0 && n <= 10:
					want.slot = int8(n + 1)
				case !ok && (string(v) == "null" || len(v) == 0):
					want.slot = 0
				}
				if ok && q.Scale != nil && q.Scale.Has(n) {
					want.item = 1
					if slices.Contains(q.Scale.Satisfied, n) {
						want.item = 2
					}
				}
			}
			got, ok := marks[code]
			if !ok {
				got = mark{slot: -1}
			}
			got.q = 0
			if got != want {
				t.Fatalf("%s %s = %s: mark %+v, want %+v", r.UID, code, v, got, want)
			}
		}
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Fatalf("the responses do not exercise the dossier rule both ways: %v", seen)
	}
}

// TestUnchangedSeesEveryDifference: the check that lets a step count what it
// was fed (or read before taking the writer) says "unchanged" only when the
// batch is still exactly the stored responses after the position with their
// excluded marks, whichever way it decides that: by the ids alone, by
// counting the rows, or by comparing the marks after a decision. (A batch
// holds the marks the rows were stored with: the writer feeds the very
// values it inserted, and a read-back reads them.)
func TestUnchangedSeesEveryDifference(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	rs := sampleResponses(a.ID, 8)
	for _, r := range rs {
		r.Flags = []string{"clock"}
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	stored, err := readBatch(ctx, db.read, 0, 100)
	if err != nil || len(stored) != 8 {
		t.Fatalf("read %d, %v", len(stored), err)
	}
	check := func(name string, from int64, batch []rawResponse, want bool) {
		t.Helper()
		got, err := unchanged(ctx, db.read, from, batch)
		if err != nil || got != want {
			t.Errorf("%s: unchanged = %v (%v), want %v", name, got, err, want)
		}
	}
	without := func(i int) []rawResponse { return append(slices.Clone(stored[:i]), stored[i+1:]...) }
	check("all, in order", 0, stored, true)
	check("from the middle", stored[2].id, stored[3:], true)
	check("one left out", 0, without(4), false)
	check("the first left out", 0, without(0), false)
	check("the last left out", 0, stored[:7], true) // a shorter batch is still exactly the rows up to its last
	swapped := slices.Clone(stored)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	check("out of order", 0, swapped, false)

	// A decision changes a stored mark: the batch read before it differs.
	ru := db.NewRollup(nil)
	if err := ru.DecideFlags(ctx, []int64{stored[6].id}, false, "kiểm tra", survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	check("read before a decision", 0, stored, false)
	after, err := readBatch(ctx, db.read, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	check("read after it", 0, after, true)
	// A decision that keeps the mark as it was changes nothing.
	if err := ru.DecideFlags(ctx, []int64{stored[1].id}, true, "giữ nguyên", survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	check("after a decision that kept the mark", 0, after, true)
}
