package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sipas-vn/sipas/server/survey"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openAtMigration makes a database file with the migrations up to version
// applied, for a test that writes rows as that version stored them and then
// opens it with Open, which applies the rest. It returns the file and its
// one connection, which the test closes before opening.
func openAtMigration(t *testing.T, version int64) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sipas.db")
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	p, err := (&DB{Path: path, write: w}).provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return path, w
}

// openMigrated closes the connection openAtMigration gave and opens the
// file with Open, which applies the remaining migrations.
func openMigrated(t *testing.T, path string, w *sql.DB) *DB {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsApplyToEmptyDatabase(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	st, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		t.Fatal("no migrations found")
	}
	for _, m := range st {
		if !m.Applied {
			t.Errorf("migration %d %s not applied", m.Version, m.Name)
		}
	}
	// Re-opening applies nothing new and keeps working.
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"agencies", "counters", "officers", "users", "devices", "surveys", "responses"} {
		var n int
		if err := db.Reader().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
	var mode string
	db.Reader().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %s, want wal", mode)
	}
	var fk int
	db.Writer().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Error("foreign keys are off on the writer")
	}
	var sync int
	db.Writer().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
	if sync != 2 {
		t.Errorf("synchronous = %d, want 2 (FULL)", sync)
	}
}

func TestReaderCannotWrite(t *testing.T) {
	db := openTest(t)
	_, err := db.Reader().ExecContext(context.Background(), "INSERT INTO health (id, checked_at) VALUES (1, 'x')")
	if err == nil {
		t.Fatal("the read pool accepted a write")
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func mustAgency(t testing.TB, db *DB, a *survey.Agency) *survey.Agency {
	t.Helper()
	if err := db.CreateAgency(context.Background(), a, survey.CLI, time.Now()); err != nil {
		t.Fatalf("create %s: %v", a.Code, err)
	}
	return a
}

func TestAgencyTreeSubtreeAndSuccessor(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	city := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "UBND TP Cần Thơ"}, Kind: survey.KindProvincePC, SurveyID: "sipas-dv-2023"})
	centre := mustAgency(t, db, &survey.Agency{Code: "H17.01", Name: survey.Text{"vi": "Trung tâm"}, Kind: survey.KindProvinceCentre, ParentID: city.ID})
	branch := mustAgency(t, db, &survey.Agency{Code: "H17.01.1", Name: survey.Text{"vi": "Chi nhánh"}, Kind: survey.KindCentreBranch, ParentID: centre.ID})
	old := mustAgency(t, db, &survey.Agency{Code: "000.00.00.H30", Name: survey.Text{"vi": "UBND tỉnh Hậu Giang"}, Kind: survey.KindProvincePC, ValidTo: "2025-06-30", SuccessorID: city.ID})
	other := mustAgency(t, db, &survey.Agency{Code: "H18", Name: survey.Text{"vi": "Khác"}, Kind: survey.KindProvincePC})

	ids, err := db.Subtree(ctx, city.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{city.ID: true, centre.ID: true, branch.ID: true, old.ID: true}
	if len(ids) != len(want) {
		t.Fatalf("subtree = %v, want %v", ids, want)
	}
	for _, id := range ids {
		if !want[id] {
			t.Errorf("subtree has %d (other is %d)", id, other.ID)
		}
	}
	sid, err := db.SurveyFor(ctx, branch.ID)
	if err != nil || sid != "sipas-dv-2023" {
		t.Errorf("SurveyFor(branch) = %q, %v; want inherited sipas-dv-2023", sid, err)
	}
	if sid, _ := db.SurveyFor(ctx, other.ID); sid != "" {
		t.Errorf("SurveyFor(other) = %q, want none", sid)
	}
	got, err := db.AgencyByCode(ctx, "000.00.00.H30")
	if err != nil || got.SuccessorID != city.ID || got.ValidTo != "2025-06-30" {
		t.Errorf("AgencyByCode = %+v, %v", got, err)
	}
	if _, err := db.AgencyByCode(ctx, "NOPE"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown code: %v, want ErrNotFound", err)
	}
}

func TestCreateAgencyRejectsBadInput(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cases := map[string]survey.Agency{
		"code":       {Code: "h17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther},
		"name_vi":    {Code: "H17", Kind: survey.KindOther},
		"kind":       {Code: "H17", Name: survey.Text{"vi": "x"}, Kind: "district"},
		"valid_to":   {Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther, ValidFrom: "2025-07-01", ValidTo: "2025-01-01"},
		"valid_from": {Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther, ValidFrom: "01/07/2025"},
	}
	for field, a := range cases {
		err := db.CreateAgency(ctx, &a, survey.CLI, time.Now())
		var de *survey.Error
		if !errors.As(err, &de) || de.Field != field || de.Code != survey.CodeInvalid {
			t.Errorf("%s: got %v, want a 422 error on that field", field, err)
		}
	}
	mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	err := db.CreateAgency(ctx, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "y"}, Kind: survey.KindOther}, survey.CLI, time.Now())
	if survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("duplicate code: %v", err)
	}
}

func sampleResponses(agency int64, n int) []*survey.Response {
	var out []*survey.Response
	at := time.Date(2026, 10, 31, 17, 30, 0, 0, time.UTC)
	for i := range n {
		out = append(out, &survey.Response{
			UID:      fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", i),
			SurveyID: "nhanh", SurveyVersion: "v1", AgencyID: agency, Channel: survey.ChannelQR,
			ReceivedAt: at, AnsweredAt: &at, Month: survey.Month(at), Lang: "vi",
			Answers:     survey.Answers{{Code: "HL", Value: json.RawMessage("4")}},
			ContentHash: []byte{byte(i)},
		})
	}
	return out
}

func TestBackupRestoresTheSameResponses(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	if err := db.InsertResponses(ctx, sampleResponses(a.ID, 20)); err != nil {
		t.Fatal(err)
	}
	want, _ := db.ResponseUIDs(ctx)
	if len(want) != 20 {
		t.Fatalf("stored %d responses, want 20", len(want))
	}
	// A response at 17:30Z on 31 October counts in November (Asia/Ho_Chi_Minh).
	r, err := db.ResponseByUID(ctx, want[0])
	if err != nil || r.Month != "2026-11" || string(r.Answers.Value("HL")) != "4" {
		t.Fatalf("ResponseByUID = %+v, %v", r, err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("backup overwrote an existing file")
	}
	// Restoring is opening the copy as the database.
	restored, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := restored.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("restored %d responses, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("restored uid %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestAgencyListFollowsEveryChange(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	mustAgency(t, db, &survey.Agency{Code: "A1", Name: survey.Text{"vi": "Một"}, Kind: survey.KindOther})
	if as, _ := db.Agencies(ctx); len(as) != 1 {
		t.Fatalf("%d agencies", len(as))
	}
	mustAgency(t, db, &survey.Agency{Code: "A2", Name: survey.Text{"vi": "Hai"}, Kind: survey.KindOther})
	if _, err := db.Writer().ExecContext(ctx, `UPDATE agencies SET name_vi = 'Đổi tên' WHERE code = 'A1'`); err != nil {
		t.Fatal(err)
	}
	as, _ := db.Agencies(ctx)
	if len(as) != 2 || as[0].Name["vi"] != "Đổi tên" {
		t.Fatalf("after changes: %+v", as)
	}
	as[0].Name["vi"] = "sửa bản sao" // callers get copies; the cache is unharmed…
	as[0].Code = "X"
	again, _ := db.Agencies(ctx)
	if again[0].Code != "A1" || again[0].Name["vi"] != "Đổi tên" {
		t.Error("a caller's change leaked into the cached list")
	}
}

// TestConcurrentOpensOfANewDatabase: the server starting on a new data
// folder and an operator's command beside it (`sipas tls ca`) both migrate
// the same file; one waits for the other instead of failing halfway with
// "table already exists".
func TestConcurrentOpensOfANewDatabase(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "sipas.db")
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := Open(context.Background(), path)
				if err == nil {
					err = db.Close()
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// TestResponseInsertBuildsNoTemporaryTable: migration 18 rewrote the
// channel CHECK so that an insert compares instead of building a b-tree of
// the allowed values per row; the rule itself still holds.
func TestResponseInsertBuildsNoTemporaryTable(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for name, pool := range map[string]*sql.DB{"writer": db.write, "reader": db.read} {
		rows, err := pool.QueryContext(ctx, `EXPLAIN `+insertResponse, make([]any, insertArgs)...)
		if err != nil {
			t.Fatal(err)
		}
		ops := 0
		for rows.Next() {
			var addr, p1, p2, p3, p5 any
			var op, p4, comment any
			if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
				t.Fatal(err)
			}
			ops++
			if fmt.Sprint(op) == "OpenEphemeral" {
				t.Errorf("%s: inserting a response builds a temporary table (the IN list of the channel CHECK?)", name)
			}
		}
		if err := rows.Close(); err != nil || ops < 10 {
			t.Fatalf("%s: EXPLAIN gave %d opcodes: %v", name, ops, err)
		}
	}
	a := &survey.Agency{Code: "A", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther}
	if err := db.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, ch := range []survey.Channel{survey.ChannelKiosk, "fax"} {
		r := &survey.Response{UID: uuid.NewString(), SurveyID: "s", SurveyVersion: "v", AgencyID: a.ID, Channel: ch,
			ReceivedAt: now, Month: survey.Month(now), Lang: "vi", Answers: survey.Answers{}, ContentHash: make([]byte, 32)}
		err := db.InsertResponses(ctx, []*survey.Response{r})
		if ok := ch != "fax"; ok != (err == nil) {
			t.Errorf("channel %q: insert error %v", ch, err)
		}
		if err != nil && !strings.Contains(err.Error(), "CHECK") {
			t.Errorf("channel %q: not refused by the CHECK constraint: %v", ch, err)
		}
	}
}
