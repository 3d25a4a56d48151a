package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/certs"
)

// appConfig is what the program needs, from the serve settings.
func appConfig(cfg *Config) app.Config {
	t := cfg.TLS
	return app.Config{
		DataDir: cfg.DataDir, BaseURL: cfg.BaseURL, Lang: cfg.Lang, Demo: cfg.Demo, SurveyDir: cfg.SurveyDir,
		Rules: cfg.Rules, PosterEvery: cfg.PosterEvery, PosterBurst: cfg.PosterBurst, RollupInterval: cfg.RollupInterval,
		TLS: certs.Config{Mode: t.Mode, Hosts: t.Hosts, CertFile: t.CertFile, KeyFile: t.KeyFile,
			ACMEDirectory: t.ACMECA, ACMEEmail: t.ACMEEmail, ACMECacheDir: filepath.Join(cfg.DataDir, "acme")},
		PlainURL: plainURL(cfg), Version: buildVersion(), ProvinceOfficers: cfg.ProvinceOfficers, Alerts: cfg.Alerts,
		LowResponseRate: cfg.LowResponseRate, Public: cfg.Public,
		Replica: cfg.Replica,
	}
}

// serve runs the server until ctx is cancelled (SIGINT/SIGTERM), then stops
// accepting connections and lets requests in flight finish.
func serve(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	tuneGC()
	logs := newLogWriter(stderr)
	defer logs.Close()
	logger := newLogger(logs, cfg.LogLevel)
	a, err := app.New(ctx, appConfig(cfg), app.Options{Logger: logger, Stdout: stdout})
	if err != nil {
		return err
	}
	// Runs after the HTTP server has let requests finish: queued writes are committed before exit.
	defer a.Close()
	a.Start(ctx)

	if addr := os.Getenv("SIPAS_PPROF_ADDR"); addr != "" {
		// Profiling for operators and benchmarks, on its own (loopback) listener only when asked.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
			logger.Info("pprof", "addr", addr, "err", http.ListenAndServe(addr, mux))
		}()
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := newHTTPServer(ctx, a.Handler(), a.Certs.TLSConfig())
	logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "tls", a.Certs.Mode(), "db", cfg.DBPath(), "version", buildVersion())
	fmt.Fprintf(stdout, "SIPAS server ready: %s (listening on %s)\n", cfg.BaseURL, ln.Addr())
	reloadOnHUP(ctx, a.Certs, logger)

	errc := make(chan error, 2)
	go func() { errc <- serveMain(hs, ln) }()
	var plain *http.Server
	if a.Certs.Enabled() && cfg.TLS.HTTPAddr != "" {
		pln, err := net.Listen("tcp", cfg.TLS.HTTPAddr)
		if err != nil {
			hs.Close()
			return fmt.Errorf("listen on %s (SIPAS_HTTP_ADDR): %w", cfg.TLS.HTTPAddr, err)
		}
		plain = newHTTPServer(ctx, plainHandler(a.Certs, a.Handler(), cfg.BaseURL), nil)
		logger.Info("listening for plain HTTP", "addr", pln.Addr().String(), "serves", "redirects, the CA, ACME challenges")
		go func() { errc <- plain.Serve(pln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if plain != nil {
		plain.Shutdown(sctx)
	}
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// tuneGC lets the heap grow half as far again between collections as Go's
// default (GOGC=150), under a soft limit of 100 MiB. The submission path
// makes short-lived garbage at a high rate: under perf-ratio's load GOGC=200
// cut the CPU a submission costs by a tenth, but its peak RSS (Go's heap
// plus SQLite's page caches, which the limit does not see) came within a
// few MB of the 150 MB goal; 150 keeps most of the gain with room to spare
// (decision 14). GOGC or GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(150)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(100 << 20)
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated in parseServeConfig
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
