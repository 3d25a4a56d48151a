package main

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sipas-vn/sipas/server/certs"
)

// plainURL is the address tablets reach over plain HTTP (SIPAS_HTTP_ADDR,
// on the base URL's host), "" when there is none.
func plainURL(cfg *Config) string {
	if cfg.TLS.HTTPAddr == "" {
		return ""
	}
	u, _ := url.Parse(cfg.BaseURL)
	_, port, _ := net.SplitHostPort(cfg.TLS.HTTPAddr)
	host := u.Hostname()
	if port != "80" {
		host = net.JoinHostPort(host, port)
	} else if net.ParseIP(host) != nil && net.ParseIP(host).To4() == nil {
		host = "[" + host + "]"
	}
	return "http://" + host
}

// plainHandler answers SIPAS_HTTP_ADDR: the CA and its onboarding page for
// tablets that cannot trust HTTPS yet, health checks, ACME http-01
// challenges, and a redirect to HTTPS for everything else.
func plainHandler(cm *certs.Manager, app http.Handler, baseURL string) http.Handler {
	mux := http.NewServeMux()
	for _, p := range []string{"/ca", "/ca.crt", "/ca.pem", "/ca/", "/static/", "/healthz", "/readyz"} {
		mux.Handle(p, app)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, baseURL+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	return cm.HTTPHandler(mux)
}

// newHTTPServer is an http.Server with the timeouts every listener gets.
func newHTTPServer(ctx context.Context, h http.Handler, tc *tls.Config) *http.Server {
	return &http.Server{
		Handler:           h,
		TLSConfig:         tc,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// serveMain serves SIPAS_ADDR until hs is shut down: HTTPS (with HTTP/2)
// when hs has a TLS configuration, plain HTTP otherwise.
func serveMain(hs *http.Server, ln net.Listener) error {
	if hs.TLSConfig != nil {
		return hs.ServeTLS(ln, "", "")
	}
	return hs.Serve(ln)
}

// reloadOnHUP re-reads own certificate files on SIGHUP until ctx ends.
func reloadOnHUP(ctx context.Context, cm *certs.Manager, logger *slog.Logger) {
	if cm.Mode() != certs.ModeFiles {
		return
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := cm.Reload(); err != nil {
					logger.Error("tls: reload refused, keeping the previous certificate", "err", err)
				} else {
					logger.Info("tls: certificate reloaded")
				}
			}
		}
	}()
}
