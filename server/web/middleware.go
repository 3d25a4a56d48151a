package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequests writes one structured line per request and feeds the request metrics.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the status logged is the one sent.
			c.Error(err)
		}
		elapsed := time.Since(start)
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request().Method
		s.Metrics.Request(route, method, status, elapsed.Seconds())
		level := slog.LevelInfo
		if route == "/healthz" || route == "/readyz" || route == "/metrics" || route == "/static/:hash/*" {
			level = slog.LevelDebug
		}
		// The record is made here rather than by Logger.LogAttrs, which
		// walks the stack for a caller this line does not show: a
		// microsecond of every submission.
		ctx := c.Request().Context()
		if h := s.Logger.Handler(); h.Enabled(ctx, level) {
			r := slog.NewRecord(start.Add(elapsed), level, "request", 0)
			r.AddAttrs(
				slog.String("id", c.Response().Header().Get(echo.HeaderXRequestID)),
				slog.String("method", method),
				slog.String("path", logPath(c.Request().URL)),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("latency", elapsed),
			)
			h.Handle(ctx, r)
		}
		return nil
	}
}

// secretSegments are the first path segments whose next segment is a
// secret: an invitation or reset token, a dossier's one-time code, and a
// phone form's draft id, which lets whoever holds it read the answers.
var secretSegments = map[string]bool{"invite": true, "t": true, "T": true, "f": true}

// secretParams are query parameters whose values are secrets.
var secretParams = map[string]bool{"code": true, "token": true, "csrf": true, "password": true}

// logPath is the request's path and query as logged: secrets replaced, so
// the log can be read and kept without handing out working links.
func logPath(u *url.URL) string {
	p := u.Path
	// "/first/second…": the second segment is replaced when the first says it is a secret.
	if rest, ok := strings.CutPrefix(p, "/"); ok {
		if first, tail, ok := strings.Cut(rest, "/"); ok && secretSegments[first] {
			if second, after, more := strings.Cut(tail, "/"); second != "" {
				p = "/" + first + "/REDACTED"
				if more {
					p += "/" + after
				}
			}
		}
	}
	if u.RawQuery == "" {
		return p
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return p + "?[unreadable]"
	}
	for k := range q {
		if secretParams[strings.ToLower(k)] {
			q[k] = []string{"REDACTED"}
		}
	}
	return p + "?" + q.Encode()
}

// requestIDs number the requests for the log (X-Request-ID, unless the
// client sent one): a random prefix per process and a counter. Unique
// like echo's default of 32 random characters, which cost a submission
// more than its own validation.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	b := make([]byte, 6)
	rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b) + "-"}
}

func (g *requestIDs) next() string {
	var n [13]byte
	var sb strings.Builder
	sb.Grow(len(g.prefix) + len(n))
	sb.WriteString(g.prefix)
	sb.Write(strconv.AppendUint(n[:0], g.n.Add(1), 36))
	return sb.String()
}

// recoverPanics turns a panic in a handler into a 500 that shows no internals;
// the stack goes to the log only.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.Logger.Error("panic", "id", c.Response().Header().Get(echo.HeaderXRequestID),
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// secureHeaders sets headers every response should carry. Pages load nothing
// from elsewhere: counters sit on closed networks, and the CSP makes that a rule.
// securityHeaders go on every answer. The value slices are shared, not
// made per request (one allocation each, on every submission): their
// length equals their capacity, so a later Add copies instead of writing
// into them.
var securityHeaders = map[string][]string{
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"same-origin"},
	"X-Frame-Options":         {"DENY"},
	"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"},
}

func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		// HTTPS answers carry HSTS. When this server speaks TLS itself
		// (SIPAS_TLS), its certificate mode decides (s.HSTS: not for an
		// internal CA on a bare IP); behind a TLS proxy, an https base URL does.
		hsts := s.secureCookies()
		if s.TLS {
			hsts = s.HSTS && c.Request().TLS != nil
		}
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}
