package sqlite

import (
	"context"
	"math/rand/v2"
	"testing"
)

// MatchesRebuild says yes for counts the worker kept, and no once a count
// is off, after which the recount has put it right.
func TestMatchesRebuild(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 3)
	rs := randomResponses(t, rand.New(rand.NewPCG(3, 5)), cat, agencies, counters, 300, 0)
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	ru := db.NewRollup(cat)
	if _, err := ru.Step(ctx, 120); err != nil { // part counted; MatchesRebuild catches up the rest
		t.Fatal(err)
	}
	if same, err := ru.MatchesRebuild(ctx); err != nil || !same {
		t.Fatalf("counts kept by the worker: same=%v, %v", same, err)
	}
	if _, err := db.Writer().ExecContext(ctx, `UPDATE rollup_responses SET responses = responses + 1 WHERE day = (SELECT min(day) FROM rollup_responses)`); err != nil {
		t.Fatal(err)
	}
	if same, err := ru.MatchesRebuild(ctx); err != nil || same {
		t.Fatalf("a count off by one: same=%v, %v", same, err)
	}
	if same, err := ru.MatchesRebuild(ctx); err != nil || !same {
		t.Fatalf("after the recount: same=%v, %v", same, err)
	}
	rows, err := db.CountRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Table == "responses" {
			found = r.Rows == 300
		}
	}
	if !found {
		t.Errorf("CountRows: %+v", rows)
	}
}
