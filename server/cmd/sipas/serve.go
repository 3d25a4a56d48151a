package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/kiosk"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// serve runs the server until ctx is cancelled (SIGINT/SIGTERM), then stops
// accepting connections and lets requests in flight finish.
func serve(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	logger := newLogger(stderr, cfg.LogLevel)
	var defsFS fs.FS = surveydefs.FS
	if cfg.SurveyDir != "" {
		defsFS = os.DirFS(cfg.SurveyDir)
	}
	cat, err := survey.Load(defsFS)
	if err != nil {
		return fmt.Errorf("questionnaires:\n%w", err)
	}
	bundle, err := i18n.New(assets.FS, cfg.Lang)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, cfg.DBPath())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		return err
	}
	if cfg.Demo {
		if err := seedDemo(ctx, db, cat, stdout, logger); err != nil {
			return err
		}
	}

	codes, err := dossierCodes(ctx, db)
	if err != nil {
		return err
	}
	m := metrics.New()
	clock := survey.SystemClock{}
	coll := collect.New(collect.Config{
		DB: db, Surveys: cat, Codes: codes, Clock: clock, Rules: cfg.Rules, Metrics: m,
		Limits: collect.NewLimiter(cfg.PosterEvery, cfg.PosterBurst),
	})
	// Runs after hs.Shutdown has let requests finish: the queued writes are committed before exit.
	defer coll.Close()
	srv, err := web.New(web.Deps{
		DB: db, Surveys: cat, I18n: bundle, Metrics: m, Logger: logger,
		Clock: clock, Assets: assets.FS, Kiosk: kiosk.FS,
		Collect: coll, Reports: report.New(db, cat), Codes: codes, AuthLimits: collect.NewLimiter(6*time.Second, 10),
		LoginLimits: auth.NewSignIns(),
		BaseURL:     cfg.BaseURL, Version: buildVersion(),
	})
	if err != nil {
		return err
	}
	// Monthly counts trail the submissions by about a second, off the hot path.
	rollup := db.NewRollup(cat)
	rctx, stopRollup := context.WithCancel(context.WithoutCancel(ctx))
	rollupDone := make(chan struct{})
	go func() {
		defer close(rollupDone)
		rollup.Run(rctx, cfg.RollupInterval, func(err error) { logger.Error("rollup", "err", err) })
	}()
	defer func() { stopRollup(); <-rollupDone }()

	// Every ten minutes: phone-form drafts abandoned for two hours are sent
	// as partial responses, and questionnaire assignments dated today take effect.
	housekeeping := func() {
		if err := srv.SweepDrafts(rctx); err != nil {
			logger.Error("draft sweep", "err", err)
		}
		if _, err := db.ApplyDueSurveys(rctx, time.Now()); err != nil {
			logger.Error("survey assignments", "err", err)
		}
	}
	housekeeping()
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				housekeeping()
			}
		}
	}()

	if addr := os.Getenv("SIPAS_PPROF_ADDR"); addr != "" {
		// Profiling for operators and benchmarks, on its own (loopback) listener only when asked.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			logger.Info("pprof", "addr", addr, "err", http.ListenAndServe(addr, mux))
		}()
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", cfg.DBPath(), "version", buildVersion())
	fmt.Fprintf(stdout, "SIPAS server ready: %s (listening on %s)\n", cfg.BaseURL, ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// seedDemo fills an empty database with the demo province and prints the
// demo accounts once; a database that already has agencies is left alone.
func seedDemo(ctx context.Context, db *sqlite.DB, cat *survey.Catalog, stdout io.Writer, logger *slog.Logger) error {
	n, err := db.CountAgencies(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		logger.Info("demo: database already has data; not seeding", "agencies", n)
		return nil
	}
	start := time.Now()
	res, err := demo.Seed(ctx, db, cat, demo.Options{Now: time.Now(), Seed: 2025, Passwords: true})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	logger.Info("demo: seeded", "agencies", res.Agencies, "counters", res.Counters, "responses", res.Responses, "took", time.Since(start))
	fmt.Fprintln(stdout, "Demo province seeded (TP Cần Thơ). Accounts, shown only this once:")
	for _, u := range res.Users {
		fmt.Fprintf(stdout, "  %-20s %-12s %s\n", u.Username, u.Role, u.Password)
	}
	return nil
}

// dossierCodes returns the signer of one-time dossier codes, with its key
// from the database (made on first use).
func dossierCodes(ctx context.Context, db *sqlite.DB) (*auth.Codes, error) {
	key, err := db.Secret(ctx, "dossier_code_key", 32)
	if err != nil {
		return nil, err
	}
	return auth.NewCodes(key)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated in parseServeConfig
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
