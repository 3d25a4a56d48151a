package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/sipas-vn/sipas/server/survey"
)

// TestAgencyMonthQueriesWhereverTheWorkerIs: the comments, the export and
// the dossier-bound ratings find an agency month's responses through the
// rollup worker's responses_by_agency_month and, past its position, by id.
// They find the same responses before the worker has filed any, halfway
// and after; and the map holds exactly the responses up to its position.
func TestAgencyMonthQueriesWhereverTheWorkerIs(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 4)
	rng := rand.New(rand.NewPCG(5, 9))
	rs := randomResponses(t, rng, cat, agencies, counters, 900, 0)
	for i, r := range rs {
		if i%3 == 0 {
			r.Dossier = fmt.Sprintf("000.00.17.H17-261001-%04d", i)
		}
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	scope := []int64{agencies[0], agencies[2]}
	inScope := func(r *survey.Response, from, to string) bool {
		return slices.Contains(scope, r.AgencyID) && r.Month >= from && r.Month <= to
	}
	// The month and questionnaire with the most responses in scope.
	type key struct{ survey, month string }
	seen := map[key]int{}
	for _, r := range rs {
		if slices.Contains(scope, r.AgencyID) {
			seen[key{r.SurveyID, r.Month}]++
		}
	}
	var top key
	for k, n := range seen {
		if n > seen[top] || (n == seen[top] && (k.survey+k.month) < (top.survey+top.month)) {
			top = k
		}
	}
	def, _ := cat.Get(top.survey)
	var items []string
	for _, q := range def.Questions() {
		if q.Kind == survey.KindScale {
			items = append(items, q.Code)
		}
	}
	zero := []int{1, 2}

	// What the raw responses say.
	var wantComments, wantExport []int64
	wantRated, wantNot := 0, 0
	for _, r := range rs {
		if r.Comment != "" && inScope(r, "2026-03", "2026-08") {
			wantComments = append(wantComments, r.ID)
		}
		if r.SurveyID != top.survey || !inScope(r, top.month, top.month) {
			continue
		}
		wantExport = append(wantExport, r.ID)
		if r.Dossier == "" || r.Excluded {
			continue
		}
		wantRated++
		for _, it := range items {
			if v, err := strconv.Atoi(string(r.Answers.Value(it))); err == nil && slices.Contains(zero, v) {
				wantNot++
				break
			}
		}
	}
	slices.Sort(wantComments)
	if len(wantComments) < 20 || len(wantExport) < 10 || wantRated < 3 {
		t.Fatalf("fixture too thin: %d comments, %d exported, %d rated", len(wantComments), len(wantExport), wantRated)
	}

	check := func(stage string) {
		t.Helper()
		cs, total, err := db.Comments(ctx, CommentQuery{Agencies: scope, From: "2026-03", To: "2026-08"})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, c := range cs {
			got = append(got, c.ResponseID)
		}
		slices.Sort(got)
		if total != len(wantComments) || !slices.Equal(got, wantComments) {
			t.Errorf("%s: comments %v (total %d), want %v", stage, got, total, wantComments)
		}
		got = got[:0]
		if err := db.EachResponse(ctx, scope, top.survey, top.month, func(r *ExportRow) error {
			got = append(got, r.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, wantExport) { // in id order
			t.Errorf("%s: export %v, want %v", stage, got, wantExport)
		}
		rated, not, err := db.DossierBoundRatings(ctx, scope, top.survey, top.month, items, zero)
		if err != nil || rated != wantRated || not != wantNot {
			t.Errorf("%s: dossier-bound %d rated, %d not satisfied (%v), want %d, %d", stage, rated, not, err, wantRated, wantNot)
		}
		filedUpToPosition(t, db, stage)
	}
	ru := db.NewRollup(cat)
	check("none filed")
	if n, err := ru.Step(ctx, 400); err != nil || n != 400 {
		t.Fatalf("step: %d, %v", n, err)
	}
	check("400 filed")
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	check("all filed")
	if _, err := ru.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
}

// TestAgencyMonthMigration: migration 19 files the responses the worker had
// counted (up to its position) and drops the index the map replaces.
func TestAgencyMonthMigration(t *testing.T) {
	ctx := context.Background()
	path, w := openAtMigration(t, 18)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO agencies (id, code, name_vi, kind, created_at, updated_at) VALUES (1, 'H17', 'Sở', 'so', '', ''), (2, 'H18', 'Sở', 'so', '', '')`)
	for i := 1; i <= 10; i++ {
		exec(`INSERT INTO responses (id, uid, survey_id, survey_version, agency_id, channel, received_at, month, answers, content_hash)
			VALUES (?, randomblob(16), 'nhanh', 'v1', ?, 'qr', 0, ?, jsonb('{}'), x'00')`, i, 1+i%2, fmt.Sprintf("2026-%02d", 1+i%3))
	}
	exec(`UPDATE rollup_state SET last_id = 7`)
	db := openMigrated(t, path, w)
	var filed, matching, indexes int
	if err := db.Reader().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM responses_by_agency_month),
		(SELECT count(*) FROM responses_by_agency_month m JOIN responses r ON r.id = m.id
			WHERE r.agency_id = m.agency_id AND r.month = m.month AND r.id <= 7),
		(SELECT count(*) FROM sqlite_schema WHERE name = 'responses_agency_month')`).Scan(&filed, &matching, &indexes); err != nil {
		t.Fatal(err)
	}
	if filed != 7 || matching != 7 || indexes != 0 {
		t.Errorf("after migration 19: %d filed, %d matching their response, index left %d", filed, matching, indexes)
	}
}

// filedUpToPosition checks that responses_by_agency_month holds exactly
// the stored responses up to the worker's position, each under its own
// agency and month.
func filedUpToPosition(t *testing.T, db *DB, stage string) {
	t.Helper()
	ctx := context.Background()
	var last int64
	if err := db.Reader().QueryRowContext(ctx, `SELECT last_id FROM rollup_state WHERE id = 1`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	var filed, missing, wrong int
	if err := db.Reader().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM responses_by_agency_month),
		(SELECT count(*) FROM responses r WHERE r.id <= ?1 AND NOT EXISTS (SELECT 1 FROM responses_by_agency_month m
			WHERE m.agency_id = r.agency_id AND m.month = r.month AND m.id = r.id)),
		(SELECT count(*) FROM responses_by_agency_month WHERE id > ?1)`, last).Scan(&filed, &missing, &wrong); err != nil {
		t.Fatal(err)
	}
	if filed != int(last) || missing != 0 || wrong != 0 {
		t.Errorf("%s: position %d, %d filed, %d missing, %d past the position", stage, last, filed, missing, wrong)
	}
}
