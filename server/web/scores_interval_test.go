package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// correlatedReplies draws n full-questionnaire responses whose answers move
// together, as one citizen's do: each respondent has a latent mood, and
// every item is that mood plus a little noise (intra-respondent correlation
// about 0.7), cut into the five levels; about one item in ten is skipped.
func (f *dashFixture) correlatedReplies(month string, n int) []reply {
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	start, _ := survey.ParseMonth(month)
	out := make([]reply, n)
	for i := range out {
		mood := f.rng.NormFloat64()
		a := map[string]json.RawMessage{}
		for _, q := range def.Items() {
			if f.rng.IntN(10) == 0 {
				a[q.Code] = json.RawMessage("null")
				continue
			}
			x := math.Sqrt(0.7)*mood + math.Sqrt(0.3)*f.rng.NormFloat64()
			v := 1 + levelAbove([]float64{-2, -1.3, -0.8, 0.4}, x)
			a[q.Code] = json.RawMessage(fmt.Sprint(v))
		}
		out[i] = reply{answers: a, channel: survey.ChannelKiosk, at: start.Add(time.Duration(i%27)*24*time.Hour + 9*time.Hour + time.Duration(i)*time.Minute)}
	}
	return out
}

// levelAbove is the number of cut points at or below x: the level, 0-based.
func levelAbove(cuts []float64, x float64) int {
	k := 0
	for _, c := range cuts {
		if x >= c {
			k++
		}
	}
	return k
}

// TestScoresAPIIntervalMatchesABootstrapOverRespondents: for a month of
// strongly correlated respondents, stored and rolled up as in production,
// the scores API's ci95 is as wide as a bootstrap over respondents says
// (within ±20 %), its margin is that interval's half width, and each
// element has an interval of its own. The old interval (Wilson on the
// pooled answers) is far narrower on the same data, which shows the check
// can tell them apart.
func TestScoresAPIIntervalMatchesABootstrapOverRespondents(t *testing.T) {
	f := newDashFixture(t)
	def, _ := f.s.Surveys.Get(survey.DefaultID)
	rs := f.correlatedReplies("2026-10", 120)
	f.insert(t, "H17.51", def.ID, rs)

	rec := f.get(t, "admin", "/api/v1/scores?agency=H17.51&month=2026-10")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Index         float64    `json:"index"`
		CI95          [2]float64 `json:"ci95"`
		Margin        float64    `json:"margin"`
		MethodVersion string     `json:"method_version"`
		Elements      []struct {
			Index float64     `json:"index"`
			CI95  *[2]float64 `json:"ci95"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	width := got.CI95[1] - got.CI95[0]
	if math.Abs(got.Margin-width/2) > 1e-9 || got.MethodVersion != score.MethodVersion {
		t.Errorf("margin %v for an interval %v wide, method %q", got.Margin, width, got.MethodVersion)
	}
	for i, e := range got.Elements {
		if e.CI95 == nil || e.CI95[0] > e.Index || e.CI95[1] < e.Index {
			t.Errorf("element %d: index %v, interval %v", i, e.Index, e.CI95)
		}
	}

	// The bootstrap: resample whole respondents, recompute the index.
	const reps = 1000
	boot := make([]float64, reps)
	re := make([]reply, len(rs))
	for b := range reps {
		for i := range re {
			re[i] = rs[f.rng.IntN(len(rs))]
		}
		res, err := score.Compute(def, countsOf(def, re))
		if err != nil {
			t.Fatal(err)
		}
		boot[b] = res.SIPAS.Index.Value
	}
	slices.Sort(boot)
	bw := boot[int(0.975*reps)] - boot[int(0.025*reps)]
	full, _ := score.Compute(def, countsOf(def, rs))
	lo, hi := score.Wilson(full.SIPAS.Satisfied, full.SIPAS.N)
	t.Logf("index %.2f: API interval %.2f points wide, bootstrap %.2f, old pooled Wilson %.2f", got.Index, width, bw, hi-lo)
	if r := width / bw; r < 0.8 || r > 1.2 {
		t.Errorf("API interval %.2f points wide, bootstrap over respondents %.2f (ratio %.2f, want 0.8–1.2)", width, bw, r)
	}
	if (hi-lo)/bw > 0.6 {
		t.Errorf("the pooled Wilson interval (%.2f) is not much narrower than the bootstrap (%.2f): the data is not correlated enough to prove anything", hi-lo, bw)
	}
}
