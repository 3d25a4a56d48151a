package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"golang.org/x/crypto/bcrypt"
)

// The program as New wires it, with the demo and its loops started: the
// rollup worker catches up and every agency's monthly figures can be
// computed from the counts (none holds more answers than responses).
func TestNewWiresAWorkingServer(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir(), BaseURL: "http://127.0.0.1", Demo: true},
		app.Options{Demo: &demo.Options{Now: time.Now(), Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Start(ctx)
	var total int
	a.DB.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&total)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var last, max int64
		a.DB.Reader().QueryRowContext(ctx, `SELECT last_id FROM rollup_state`).Scan(&last)
		a.DB.Reader().QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM responses`).Scan(&max)
		if last == max && max > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rollup worker at %d of %d", last, max)
		}
		time.Sleep(50 * time.Millisecond)
	}
	agencies, err := a.DB.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	month := survey.Month(time.Now())
	for _, m := range report.Months(month, 13) {
		for _, ag := range agencies {
			def, err := a.DB.SurveyFor(ctx, ag.ID)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := a.Surveys.Get(def)
			if d == nil {
				d = a.Surveys.Default()
			}
			if _, err := a.Reports.Score(ctx, ag, d, m); err != nil {
				t.Errorf("%s %s: %v", ag.Code, m, err)
			}
			if _, err := a.Reports.Rolling(ctx, ag, d, m, 3); err != nil {
				t.Errorf("%s %s, three months: %v", ag.Code, m, err)
			}
		}
	}
	if total == 0 {
		t.Fatal("no demo responses")
	}
	// The alert rules run over the whole demo without error, and a run
	// never removes what an earlier one raised.
	before, err := a.DB.AlertLog(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := a.Alerts.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := a.DB.AlertLog(ctx, 1000)
	t.Logf("alert rules over the demo: %v, %d alerts", time.Since(start), len(after))
	if len(after) < len(before) {
		t.Errorf("%d alerts, then %d", len(before), len(after))
	}
	// Rule 4 reads the demo's dossier counts: counters answering under the
	// 30 % default raise response-rate alerts.
	var rateAlerts int
	for _, al := range after {
		if al.Rule == survey.RuleResponseRate {
			rateAlerts++
		}
	}
	if rateAlerts == 0 {
		t.Error("no response-rate alert over the demo's dossier counts")
	}
}

// SIPAS_PUBLIC=1 turns the public results page on at start, once in the
// audit log; without it the page stays as it was (off on a new database).
func TestPublicSettingTurnsThePageOnAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for i, public := range []bool{false, true, true} {
		a, err := app.New(ctx, app.Config{DataDir: dir, BaseURL: "http://127.0.0.1", Public: public}, app.Options{})
		if err != nil {
			t.Fatal(err)
		}
		on, err := a.DB.PublicResults(ctx)
		var logged int
		a.DB.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'setting.put' AND actor = 'config'`).Scan(&logged)
		a.Close()
		if err != nil || on != public || logged != min(i, 1) {
			t.Errorf("start %d with Public=%v: page on %v (%v), %d audit entries", i, public, on, err, logged)
		}
	}
}

// The server records its public URL, where operator commands find it.
func TestNewRecordsTheBaseURL(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir(), BaseURL: "https://khaosat.cantho.example"}, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if v, err := a.DB.Setting(ctx, sqlite.SettingBaseURL); err != nil || string(v) != "https://khaosat.cantho.example" {
		t.Errorf("recorded base URL %q, %v", v, err)
	}
}

// With a replica, New starts Litestream before the first write, /metrics
// carries the replica gauges, and Close uploads the last transactions
// before it closes the database: a restore then has everything.
func TestNewReplicates(t *testing.T) {
	ctx := context.Background()
	target := "file://" + t.TempDir()
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir(), BaseURL: "http://127.0.0.1",
		Replica: replica.Config{URL: target, MaxLag: 10 * time.Second}}, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	if _, err := a.DB.Writer().ExecContext(ctx, `CREATE TABLE drill (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		a.DB.Writer().ExecContext(ctx, `INSERT INTO drill VALUES (?)`, i)
	}
	families, err := a.Web.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range families {
		found[f.GetName()] = true
	}
	for _, name := range []string{"sipas_replica_lag_seconds", "sipas_replica_local_txid", "sipas_replica_replicated_txid"} {
		if !found[name] {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sipas.db")
	if err := replica.Restore(ctx, replica.RestoreOptions{Config: replica.Config{URL: target}, Path: path}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM drill`).Scan(&n); err != nil || n != 20 {
		t.Errorf("restored %d rows (%v), want the 20 written before Close", n, err)
	}
}

// The seams tests use change only what they name: the zero Options keep
// the production work for passwords and staff PINs.
func TestOptionsSeamsDefaultToProduction(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		opt            app.Options
		cost, pinIters int // pinIters 0: the database's default, auth.StaffPINIterations
	}{
		{app.Options{}, auth.DefaultCost, 0},
		{app.Options{PasswordCost: 4, StaffPINIterations: 1_000}, 4, 1_000},
	} {
		a, err := app.New(ctx, app.Config{DataDir: t.TempDir()}, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		h, err := a.Web.Passwords.Hash("mật-khẩu")
		if err != nil {
			t.Fatal(err)
		}
		if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != c.cost {
			t.Errorf("%+v: bcrypt cost %d (%v), want %d", c.opt, cost, err, c.cost)
		}
		if a.DB.StaffPINIterations != c.pinIters {
			t.Errorf("%+v: staff PIN iterations %d, want %d", c.opt, a.DB.StaffPINIterations, c.pinIters)
		}
		a.Close()
	}
}
