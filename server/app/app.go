// Package app is the one place that wires the program: the database, the
// questionnaires, the submission path with its group-commit writer, the
// reports, the HTTP handler and every background loop. `sipas serve`, the
// browser tests and the process tests all build the server through New, so
// they cannot drift apart (STYLE.md point 3).
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/kiosk"
	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/certs"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// Config is what the program is told by its operator (cmd/sipas fills it
// from flags and SIPAS_* variables).
type Config struct {
	DataDir        string
	BaseURL        string
	Lang           string // default language: vi or en
	Demo           bool   // seed the demo province into an empty database
	SurveyDir      string // questionnaires to use instead of the built-in ones; "" = built in
	Rules          collect.Rules
	PosterEvery    time.Duration // anonymous poster responses: one per this, per counter and client...
	PosterBurst    int           // ...after a burst of this many
	RollupInterval time.Duration
	TLS            certs.Config // Store is set by New (the database)
	PlainURL       string       // the plain-HTTP address tablets fetch the CA from; "" = none
	Version        string
	// ProvinceOfficers lets province viewers see per-officer figures, which
	// are otherwise for the agency's head only (SIPAS_PROVINCE_OFFICERS).
	ProvinceOfficers bool
	// Replica streams the database to a second place (SIPAS_REPLICA);
	// the zero value replicates nothing.
	Replica replica.Config
	// LowResponseRate: a score whose response rate is under this fraction
	// carries a warning (SIPAS_LOW_RESPONSE_RATE); 0 = web's default.
	LowResponseRate float64
	// Public turns the public results page on at start (SIPAS_PUBLIC=1).
	Public bool
	// Alerts are the alert rules' thresholds and the mail relay; the zero
	// value is alert.DefaultSettings (no mail relay).
	Alerts alert.Settings
}

// DBPath is the database file in the data folder.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "sipas.db") }

// Options are the seams tests use; the zero value is production.
type Options struct {
	Clock  survey.Clock  // default survey.SystemClock
	Logger *slog.Logger  // default: discard
	Stdout io.Writer     // where the demo accounts are printed once; default: discard
	Demo   *demo.Options // how to seed the demo (only with Config.Demo); default: Seed 2025, now, with passwords
	// StaffPINIterations is the PBKDF2 work of new staff PIN verifiers;
	// 0 = auth.StaffPINIterations. Tests that pair many tablets lower it.
	StaffPINIterations int
	// PasswordCost is the bcrypt cost of new passwords; 0 = auth.DefaultCost.
	PasswordCost int
	// PosterLimits replaces the limiter of anonymous poster responses
	// (Config.PosterEvery and PosterBurst); AuthLimits that of failed
	// device authentication (one every 6 s after a burst of 10).
	PosterLimits, AuthLimits *collect.Limiter
}

// App is the wired program.
type App struct {
	Config  Config
	DB      *sqlite.DB
	Surveys *survey.Catalog
	Collect *collect.Service
	Reports *report.Reports
	Rollup  *sqlite.Rollup
	Alerts  *alert.Service
	Certs   *certs.Manager
	Replica *replica.Replicator // nil without SIPAS_REPLICA
	Web     *web.Server
	Logger  *slog.Logger
	Clock   survey.Clock

	stop      context.CancelFunc
	loops     sync.WaitGroup
	closeOnce sync.Once
}

// New opens the database (applying migrations), registers the
// questionnaires, seeds the demo when asked, and builds the handler. Nothing
// runs in the background until Start.
func New(ctx context.Context, cfg Config, opt Options) (*App, error) {
	if cfg.DataDir == "" {
		return nil, ErrNoDataDir
	}
	if opt.Clock == nil {
		opt.Clock = survey.SystemClock{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if cfg.Lang == "" {
		cfg.Lang = "vi"
	}
	if cfg.Rules.Exclude == nil {
		cfg.Rules = collect.DefaultRules()
	}
	if cfg.PosterEvery <= 0 || cfg.PosterBurst <= 0 {
		cfg.PosterEvery, cfg.PosterBurst = 3*time.Minute, 5
	}
	if cfg.RollupInterval <= 0 {
		cfg.RollupInterval = time.Second
	}
	if cfg.Alerts.Every <= 0 {
		cfg.Alerts = alert.DefaultSettings()
	}
	if cfg.Alerts.BaseURL == "" {
		cfg.Alerts.BaseURL = cfg.BaseURL
	}
	var defsFS fs.FS = surveydefs.FS
	if cfg.SurveyDir != "" {
		defsFS = os.DirFS(cfg.SurveyDir)
	}
	cat, err := survey.Load(defsFS)
	if err != nil {
		return nil, fmt.Errorf("questionnaires:\n%w", err)
	}
	bundle, err := i18n.New(assets.FS, cfg.Lang)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, err
	}
	var dbOpts []sqlite.Option
	if cfg.Replica.Enabled() {
		dbOpts = append(dbOpts, sqlite.ExternalCheckpoints())
	}
	db, err := sqlite.Open(ctx, cfg.DBPath(), dbOpts...)
	if err != nil {
		return nil, err
	}
	db.StaffPINIterations = opt.StaffPINIterations
	a := &App{Config: cfg, DB: db, Surveys: cat, Logger: opt.Logger, Clock: opt.Clock, stop: func() {}}
	// Replication starts before anything is written (demo seed, surveys),
	// so that the replica's first snapshot is followed by every change.
	if cfg.Replica.Enabled() {
		if a.Replica, err = replica.Start(ctx, cfg.DBPath(), cfg.Replica, opt.Logger); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := a.build(ctx, bundle, opt); err != nil {
		a.closeStorage()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, bundle *i18n.Bundle, opt Options) error {
	cfg, db, cat := a.Config, a.DB, a.Surveys
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		return err
	}
	if cfg.BaseURL != "" {
		if err := db.ReplaceSetting(ctx, sqlite.SettingBaseURL, []byte(cfg.BaseURL)); err != nil {
			return err
		}
	}
	if cfg.Demo {
		if err := seedDemo(ctx, db, cat, opt); err != nil {
			return err
		}
	}
	if cfg.Public { // a scripted install turns the page on; turning it off is an admin's act
		if err := db.SetPublicResults(ctx, true, survey.Actor{Name: "config"}, opt.Clock.Now()); err != nil {
			return err
		}
	}
	key, err := db.Secret(ctx, "dossier_code_key", 32)
	if err != nil {
		return err
	}
	codes, err := auth.NewCodes(key)
	if err != nil {
		return err
	}
	tlsCfg := cfg.TLS
	tlsCfg.Store = db
	if a.Certs, err = certs.New(ctx, tlsCfg); err != nil {
		return err
	}
	m := metrics.New()
	var replicaStatus func() replica.Status
	if a.Replica != nil {
		replicaStatus = a.Replica.Status
		m.Replication(func() (float64, uint64, uint64) {
			st := a.Replica.Status()
			return st.Lag.Seconds(), st.Local, st.Replicated
		})
	}
	a.Rollup = db.NewRollup(cat)
	if opt.PosterLimits == nil {
		opt.PosterLimits = collect.NewLimiter(cfg.PosterEvery, cfg.PosterBurst)
	}
	if opt.AuthLimits == nil {
		opt.AuthLimits = collect.NewLimiter(6*time.Second, 10)
	}
	var passwords *auth.Passwords // nil: web's default cost
	if opt.PasswordCost > 0 {
		passwords = auth.NewPasswords(opt.PasswordCost)
	}
	a.Collect = collect.New(collect.Config{
		DB: db, Surveys: cat, Codes: codes, Clock: opt.Clock, Rules: cfg.Rules, Metrics: m,
		Limits: opt.PosterLimits, Rollup: a.Rollup,
	})
	a.Reports = report.New(db, cat)
	// Rule 4 (response rate) reads the dossier counts (decision 15).
	if a.Alerts, err = alert.New(alert.Deps{DB: db, Reports: a.Reports, Surveys: cat, I18n: bundle, Assets: assets.FS,
		Clock: opt.Clock, Logger: opt.Logger, Settings: cfg.Alerts, Rates: dossierRates{db}}); err != nil {
		a.Collect.Close()
		return fmt.Errorf("alerts: %w", err)
	}
	a.Web, err = web.New(web.Deps{
		DB: db, Surveys: cat, I18n: bundle, Metrics: m, Logger: opt.Logger,
		Clock: opt.Clock, Assets: assets.FS, Kiosk: kiosk.FS,
		Collect: a.Collect, Reports: a.Reports, Alerts: a.Alerts, Codes: codes, AuthLimits: opt.AuthLimits,
		LoginLimits: auth.NewSignIns(), Passwords: passwords,
		BaseURL: cfg.BaseURL, Version: cfg.Version,
		TLS: a.Certs.Enabled(), CA: a.Certs.CACertDER(), PlainURL: cfg.PlainURL, HSTS: a.Certs.HSTS(hostOf(cfg.BaseURL)),
		ProvinceOfficers: cfg.ProvinceOfficers, LowResponseRate: cfg.LowResponseRate,
		Replica: replicaStatus,
	})
	if err != nil {
		a.Collect.Close()
		return err
	}
	return nil
}

// Handler is the HTTP handler of every route.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// housekeepingEvery is how often abandoned phone drafts are swept and dated
// questionnaire assignments applied.
const housekeepingEvery = 10 * time.Minute

// Start runs the background loops until ctx ends or Close: the rollup
// worker (monthly counts trailing the submissions by about a second, off the
// hot path), the housekeeping (phone-form drafts abandoned for two hours
// are sent as partial responses; questionnaire assignments dated today take
// effect) and the alerts (rules evaluated and due deliveries sent every
// Config.Alerts.Every).
func (a *App) Start(ctx context.Context) {
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
		case <-lctx.Done():
		}
		stop()
	}()
	a.stop = stop
	if a.Replica != nil {
		a.loops.Add(1)
		go func() { defer a.loops.Done(); a.Replica.Watch(lctx) }()
	}
	a.loops.Add(3)
	go func() {
		defer a.loops.Done()
		a.Alerts.Run(lctx)
	}()
	go func() {
		defer a.loops.Done()
		a.Rollup.Run(lctx, a.Config.RollupInterval, func(err error) { a.Logger.Error("rollup", "err", err) })
	}()
	go func() {
		defer a.loops.Done()
		t := time.NewTicker(housekeepingEvery)
		defer t.Stop()
		for {
			a.housekeeping(lctx)
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (a *App) housekeeping(ctx context.Context) {
	if err := a.Web.SweepDrafts(ctx); err != nil && ctx.Err() == nil {
		a.Logger.Error("draft sweep", "err", err)
	}
	if _, err := a.DB.ApplyDueSurveys(ctx, a.Clock.Now()); err != nil && ctx.Err() == nil {
		a.Logger.Error("survey assignments", "err", err)
	}
}

// Close stops the loops, commits the responses still queued (call it after
// the HTTP server has finished its requests), and closes the database.
func (a *App) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.stop()
		a.loops.Wait()
		a.Collect.Close()
		err = a.closeStorage()
	})
	return err
}

// closeStorage uploads the last transactions to the replica, then closes
// the database: in that order, so that the replicator still reads the WAL.
func (a *App) closeStorage() error {
	var errs []error
	if a.Replica != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		errs = append(errs, a.Replica.Close(ctx))
	}
	return errors.Join(append(errs, a.DB.Close())...)
}

// seedDemo fills an empty database with the demo province and prints the
// demo accounts once; a database that already has agencies is left alone.
func seedDemo(ctx context.Context, db *sqlite.DB, cat *survey.Catalog, opt Options) error {
	n, err := db.CountAgencies(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		opt.Logger.Info("demo: database already has data; not seeding", "agencies", n)
		return nil
	}
	do := demo.Options{Now: time.Now(), Seed: 2025, Passwords: true}
	if opt.Demo != nil {
		do = *opt.Demo
	}
	start := time.Now()
	res, err := demo.Seed(ctx, db, cat, do)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	opt.Logger.Info("demo: seeded", "agencies", res.Agencies, "counters", res.Counters, "responses", res.Responses, "took", time.Since(start))
	if do.Passwords {
		fmt.Fprintln(opt.Stdout, "Demo province seeded (TP Cần Thơ). Accounts, shown only this once:")
		for _, u := range res.Users {
			fmt.Fprintf(opt.Stdout, "  %-20s %-12s %s\n", u.Username, u.Role, u.Password)
		}
	}
	return nil
}

// ErrNoDataDir is returned for a Config without a data folder.
var ErrNoDataDir = errors.New("app: no data folder")

// hostOf is the host of a URL, "" when it does not parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
