package report

import (
	"context"
	"math"
	"testing"

	"github.com/sipas-vn/sipas/server/score"
	"github.com/sipas-vn/sipas/server/survey"
)

// TestStandingPoolsRespondentsNotMonthlyPercentages: the year so far is the
// months' counts and moments summed, then scored once; its respondents are
// the months' respondents, and it is not the mean of the monthly indexes.
func TestStandingPoolsRespondentsNotMonthlyPercentages(t *testing.T) {
	r, db, _ := demoReports(t)
	ctx := context.Background()
	a, err := db.AgencyByCode(ctx, "H17.11")
	if err != nil {
		t.Fatal(err)
	}
	def := r.surveys.Default()
	st, err := r.Standing(ctx, a, def, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	series, err := r.Series(ctx, a, def, "2026-10", 10)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var m score.Moments
	var mean float64
	for _, sc := range series {
		n += sc.Result.Responses
		m.Merge(sc.Tally.Moments[score.IndexNode])
		idx, _ := sc.Headline()
		mean += idx.Value / float64(len(series))
	}
	if st.From != "2026-01" || st.To != "2026-10" || st.Period.Result.Responses != n || st.Period.Tally.Moments[score.IndexNode] != m {
		t.Fatalf("period %s–%s: %d responses, moments %+v; the months hold %d and %+v", st.From, st.To, st.Period.Result.Responses, st.Period.Tally.Moments[score.IndexNode], n, m)
	}
	idx, ci := st.Period.Headline()
	if !idx.Valid || ci == nil || ci.Lo > idx.Value || ci.Hi < idx.Value {
		t.Fatalf("pooled index %v with interval %v", idx, ci)
	}
	if idx.Value == mean {
		t.Errorf("the pooled index equals the mean of the monthly indexes (%v): months were averaged", mean)
	}
	// From a series already read (the scorecard's 13 months), the same figures without a second read.
	with, err := r.StandingWith(ctx, a, def, "2026-10", series)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := with.Period.Headline(); w != idx || with.Period.Result.Responses != n || with.Period.Tally.Moments[score.IndexNode] != m ||
		with.Period.From != st.From || with.Verdict != st.Verdict {
		t.Errorf("from the series: %v over %d (%s–%s, %s); read again: %v over %d (%s)", w, with.Period.Result.Responses,
			with.Period.From, with.Period.To, with.Verdict, idx, n, st.Verdict)
	}
	if _, ok, _ := Pooled(a, def, series[1:], "2026-10", 10); ok {
		t.Error("a series missing January was pooled as if whole")
	}
	if st.LastYear.From != "2025-01" || st.LastYear.To != "2025-10" {
		t.Errorf("last year's months: %s–%s", st.LastYear.From, st.LastYear.To)
	}
	// The demo gives this department its own target.
	if st.Target == nil || st.Target.Index != 78 || st.Inherited() {
		t.Errorf("target %+v set by %v, want its own 78", st.Target, st.SetBy)
	}
	if want := score.TargetVerdict(idx, ci, 78); st.Verdict != want || st.Gap != idx.Value-78 {
		t.Errorf("verdict %s gap %v, want %s and %v", st.Verdict, st.Gap, want, idx.Value-78)
	}
}

// TestYearTableInheritsTargetsAndListsThoseBelow: a commune without its own
// target inherits the city's; the list below target holds only agencies
// whose whole interval is below it, the furthest first.
func TestYearTableInheritsTargetsAndListsThoseBelow(t *testing.T) {
	r, db, now := demoReports(t)
	ctx := context.Background()
	city, err := db.AgencyByCode(ctx, "H17")
	if err != nil {
		t.Fatal(err)
	}
	// A demanding city target makes several agencies clearly below it.
	if _, err := db.SetTarget(ctx, survey.Target{AgencyID: city.ID, Year: 2026, Index: 97}, survey.CLI, now); err != nil {
		t.Fatal(err)
	}
	yt, err := r.Year(ctx, city, r.surveys.Default(), "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if len(yt.Rows) < 4 || len(yt.Rank.Ranked) == 0 {
		t.Fatalf("%d rows, %d ranked", len(yt.Rows), len(yt.Rank.Ranked))
	}
	inherited := 0
	for _, s := range yt.Rows {
		if s.Target == nil {
			t.Fatalf("%s has no target though the city has one", s.Agency.Code)
		}
		if s.Inherited() {
			inherited++
			if s.SetBy.ID != city.ID || s.Target.Index != 97 {
				t.Errorf("%s inherits %v from %s", s.Agency.Code, s.Target.Index, s.SetBy.Code)
			}
		}
	}
	if inherited == 0 {
		t.Error("no agency inherits the city's target")
	}
	below := yt.Below()
	if len(below) == 0 {
		t.Fatal("nobody is below a 97% target")
	}
	for i, s := range below {
		if _, ci := s.Period.Headline(); ci == nil || ci.Hi >= s.Target.Index {
			t.Errorf("%s listed below target with interval %v", s.Agency.Code, ci)
		}
		if i > 0 && below[i-1].Gap > s.Gap {
			t.Errorf("not sorted by how far below: %v then %v", below[i-1].Gap, s.Gap)
		}
	}
	if pos, of := yt.Position(yt.Rank.Ranked[0].Code); pos != 1 || of != len(yt.Rank.Ranked) {
		t.Errorf("position of the first: %d of %d", pos, of)
	}
}

// TestYearTableAgreesWithEachAgencysStanding: the table's fast path (the
// months' item shares, one scan a month for every child) gives each child
// exactly the pooled index, interval and n of its own year so far, for the
// SIPAS-style index and the quick rating alike (nd61 rows are Standing's
// own path).
func TestYearTableAgreesWithEachAgencysStanding(t *testing.T) {
	r, db, _ := demoReports(t)
	ctx := context.Background()
	city, err := db.AgencyByCode(ctx, "H17")
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range []*survey.Definition{r.surveys.Default(), mustGet(t, r, "nhanh")} {
		yt, err := r.Year(ctx, city, def, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, row := range yt.Rows {
			own, err := r.Standing(ctx, row.Agency, def, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			for _, pair := range [][2]*Rolling{{row.Period, own.Period}, {row.LastYear, own.LastYear}} {
				i1, c1 := pair[0].Headline()
				i2, c2 := pair[1].Headline()
				if i1.Valid != i2.Valid || math.Abs(i1.Value-i2.Value) > 1e-9 || pair[0].Result.Responses != pair[1].Result.Responses ||
					(c1 == nil) != (c2 == nil) || c1 != nil && (math.Abs(c1.Lo-c2.Lo) > 1e-9 || math.Abs(c1.Hi-c2.Hi) > 1e-9) {
					t.Errorf("%s %s %s–%s: table %v %v n=%d, own %v %v n=%d", def.ID, row.Agency.Code, pair[0].From, pair[0].To,
						i1, c1, pair[0].Result.Responses, i2, c2, pair[1].Result.Responses)
				}
				checked += pair[0].Result.Responses
			}
		}
		if checked == 0 {
			t.Errorf("%s: no responses compared", def.ID)
		}
	}
}
