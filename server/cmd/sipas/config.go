package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/alert"
	"github.com/sipas-vn/sipas/server/certs"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/replica"
)

// Config is what `sipas serve` needs; every field has a flag and a SIPAS_*
// environment variable, and the flag wins when both are given.
type Config struct {
	Addr            string
	DataDir         string
	BaseURL         string
	Lang            string
	Demo            bool
	LogLevel        string
	SurveyDir       string
	ShutdownTimeout time.Duration
	Rules           collect.Rules // integrity flags and the clock rule
	PosterEvery     time.Duration // anonymous (poster QR) responses: one per this, per counter and client...
	PosterBurst     int           // ...after a burst of this many
	RollupInterval  time.Duration // how often the monthly counts catch up with new responses
	TLS             TLSConfig     // HTTPS in the binary (SIPAS_TLS and friends)
	// ProvinceOfficers lets province viewers see per-officer figures, which
	// are otherwise for the agency's head only (SIPAS.md).
	ProvinceOfficers bool
	// LowResponseRate: under this response rate (a fraction) a score
	// carries a warning about how far it can be trusted.
	LowResponseRate float64
	// Public turns the public results page (/ket-qua) on at start, for
	// scripted installs; an administrator can turn it off again.
	Public  bool
	Alerts  alert.Settings // rules' thresholds and the mail relay (SIPAS_ALERT_*, SIPAS_SMTP_*)
	Replica replica.Config // continuous replication (SIPAS_REPLICA and friends)
}

// TLSConfig is how `sipas serve` speaks HTTPS (docs/operations.md, HTTPS).
type TLSConfig struct {
	Mode      certs.Mode
	Hosts     []string // names and IPs the internal or ACME certificate covers: the base URL's host and SIPAS_TLS_HOSTS
	CertFile  string   // files mode
	KeyFile   string
	ACMECA    string // ACME directory URL; Let's Encrypt when empty
	ACMEEmail string
	HTTPAddr  string // plain HTTP: a redirect to HTTPS, the CA for tablets, ACME challenges; empty = none
}

// DBPath is the database file inside the data directory.
func (c *Config) DBPath() string { return filepath.Join(c.DataDir, "sipas.db") }

// configVar describes one setting, for flags, the environment and the README table.
type configVar struct {
	flag, env, def, usage string
}

var serveVars = []configVar{
	{"addr", "SIPAS_ADDR", ":8080", "address to listen on, host:port"},
	{"data-dir", "SIPAS_DATA_DIR", "./data", "folder for the database (sipas.db) and the signing key"},
	{"base-url", "SIPAS_BASE_URL", "", "public URL used in QR links (default http://localhost<addr>)"},
	{"lang", "SIPAS_LANG", "vi", "default language: vi or en"},
	{"demo", "SIPAS_DEMO", "0", "1 = seed the demo province into an empty database"},
	{"log-level", "SIPAS_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"survey-dir", "SIPAS_SURVEY_DIR", "", "folder of questionnaire YAML files to use instead of the built-in ones"},
	{"shutdown-timeout", "SIPAS_SHUTDOWN_TIMEOUT", "15s", "how long a graceful stop waits for requests in flight"},
	{"rollup-interval", "SIPAS_ROLLUP_INTERVAL", "1s", "how often the monthly counts catch up with new responses"},
	{"province-officers", "SIPAS_PROVINCE_OFFICERS", "0", "1 = province viewers see per-officer figures too (otherwise only the agency's head)"},
	{"poster-rate", "SIPAS_POSTER_RATE", "5/3m", "poster-QR responses per counter and client: burst/interval (5 at once, then one every 3 minutes)"},
	{"flag-repeat", "SIPAS_FLAG_REPEAT", "5s", "flag responses from one tablet or phone closer together than this"},
	{"flag-burst", "SIPAS_FLAG_BURST", "5/10m", "flag identical answer sets of a full SIPAS questionnaire repeated this many times within this window"},
	{"flag-hours", "SIPAS_FLAG_HOURS", "6-21", "working hours (ICT); tablet answers outside them are flagged odd_hours"},
	{"tls", "SIPAS_TLS", "off", "HTTPS: off, internal (the server's own CA), acme, or files"},
	{"tls-hosts", "SIPAS_TLS_HOSTS", "", "extra names and IP addresses the certificate covers, comma-separated (the base URL's host, localhost and 127.0.0.1 always are)"},
	{"tls-cert", "SIPAS_TLS_CERT", "", "files mode: certificate chain (PEM), re-read on SIGHUP"},
	{"tls-key", "SIPAS_TLS_KEY", "", "files mode: private key (PEM), re-read on SIGHUP"},
	{"acme-ca", "SIPAS_ACME_CA", "", "acme mode: the CA's directory URL (default Let's Encrypt)"},
	{"acme-email", "SIPAS_ACME_EMAIL", "", "acme mode: contact address for the ACME account"},
	{"http-addr", "SIPAS_HTTP_ADDR", "", "with TLS: plain-HTTP address (e.g. :80) that redirects to HTTPS and serves the CA to tablets"},
	{"low-response-rate", "SIPAS_LOW_RESPONSE_RATE", "0.1", "response rate (responses ÷ dossiers received, a fraction) under which a score carries a warning"},
	{"public", "SIPAS_PUBLIC", "0", "1 = turn the public results page /ket-qua on at start (off by default; admins can switch it)"},
	{"replica", "SIPAS_REPLICA", "", "stream the database to file:///folder, sftp://user@host/folder or s3://bucket/folder (S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, LITESTREAM_S3_ENDPOINT or ?endpoint=)"},
	{"replica-max-lag", "SIPAS_REPLICA_MAX_LAG", "10s", "log a warning when the replica is further behind than this"},
	{"replica-sftp-key", "SIPAS_REPLICA_SFTP_KEY", "", "sftp replica: private key file"},
	{"replica-sftp-host-key", "SIPAS_REPLICA_SFTP_HOST_KEY", "", "sftp replica: the server's public key, as in known_hosts without the host name (otherwise not checked)"},
	{"flag-exclude", "SIPAS_FLAG_EXCLUDE", "repeat,burst,odd_hours,officer_device", "flags that keep a response out of scores until reviewed"},
	{"alert-every", "SIPAS_ALERT_EVERY", "1m", "how often the alert rules run and due alerts are sent (webhook retries follow this step)"},
	{"alert-silent", "SIPAS_ALERT_SILENT", "4h", "a tablet unheard for more than this much working time raises an alert"},
	{"alert-hours", "SIPAS_ALERT_HOURS", "mon-fri 07:30-17:00", "working days and hours (ICT) for the silent-tablet alert"},
	{"alert-low-rating", "SIPAS_ALERT_LOW_RATING", "2", "a rating at or under this (1-4, on the 1-5 scales) with a comment raises an alert"},
	{"alert-min-rate", "SIPAS_ALERT_MIN_RATE", "30", "response rate in percent under which an agency raises an alert (needs dossier counts)"},
	{"alert-digest-hour", "SIPAS_ALERT_DIGEST_HOUR", "7", "hour of the day (ICT, 0-23) the daily alert e-mail is sent"},
	{"smtp-addr", "SIPAS_SMTP_ADDR", "", "mail relay host:port for alert e-mail (STARTTLS when offered); empty = no e-mail"},
	{"smtp-from", "SIPAS_SMTP_FROM", "", "sender address of alert e-mail"},
	{"smtp-user", "SIPAS_SMTP_USER", "", "mail relay user name, if it wants one"},
	{"smtp-password", "SIPAS_SMTP_PASSWORD", "", "mail relay password (prefer the variable: a flag shows in the process list)"},
}

// parseServeConfig reads flags over environment over defaults and validates
// the result; a bad value comes back as one sentence naming the setting.
func parseServeConfig(args []string, getenv func(string) string) (*Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	vals := map[string]*string{}
	for _, v := range serveVars {
		d := v.def
		if e := getenv(v.env); e != "" {
			d = e
		}
		vals[v.flag] = fs.String(v.flag, d, v.usage+" ("+v.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c := &Config{
		Addr: *vals["addr"], DataDir: *vals["data-dir"], BaseURL: *vals["base-url"],
		Lang: *vals["lang"], LogLevel: *vals["log-level"], SurveyDir: *vals["survey-dir"],
	}
	var err error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return nil, fmt.Errorf("SIPAS_ADDR / -addr %q is not host:port (for example :8080 or 127.0.0.1:8080)", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return nil, fmt.Errorf("SIPAS_ADDR / -addr %q has an invalid port", c.Addr)
	}
	if c.DataDir == "" {
		return nil, errors.New("SIPAS_DATA_DIR / -data-dir must not be empty")
	}
	if c.TLS.Mode, err = certs.ParseMode(*vals["tls"]); err != nil {
		return nil, fmt.Errorf("SIPAS_TLS / -tls: %v", err)
	}
	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		scheme := "http"
		if c.TLS.Mode != certs.ModeOff {
			scheme = "https"
		}
		c.BaseURL = scheme + "://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("SIPAS_BASE_URL / -base-url %q is not an absolute http(s) URL such as https://khaosat.cantho.gov.vn", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := parseTLS(c, u, vals); err != nil {
		return nil, err
	}
	if c.Lang != "vi" && c.Lang != "en" {
		return nil, fmt.Errorf("SIPAS_LANG / -lang %q is not supported (use vi or en)", c.Lang)
	}
	if c.Demo, err = parseBool(*vals["demo"]); err != nil {
		return nil, fmt.Errorf("SIPAS_DEMO / -demo %q is not 0 or 1", *vals["demo"])
	}
	if c.ProvinceOfficers, err = parseBool(*vals["province-officers"]); err != nil {
		return nil, fmt.Errorf("SIPAS_PROVINCE_OFFICERS / -province-officers %q is not 0 or 1", *vals["province-officers"])
	}
	if c.Public, err = parseBool(*vals["public"]); err != nil {
		return nil, fmt.Errorf("SIPAS_PUBLIC / -public %q is not 0 or 1", *vals["public"])
	}
	if c.LowResponseRate, err = strconv.ParseFloat(*vals["low-response-rate"], 64); err != nil || !(c.LowResponseRate > 0 && c.LowResponseRate <= 1) {
		return nil, fmt.Errorf("SIPAS_LOW_RESPONSE_RATE / -low-response-rate %q is not a fraction above 0 and at most 1, such as 0.1", *vals["low-response-rate"])
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fmt.Errorf("SIPAS_LOG_LEVEL / -log-level %q is not debug, info, warn or error", c.LogLevel)
	}
	if c.ShutdownTimeout, err = time.ParseDuration(*vals["shutdown-timeout"]); err != nil || c.ShutdownTimeout <= 0 {
		return nil, fmt.Errorf("SIPAS_SHUTDOWN_TIMEOUT / -shutdown-timeout %q is not a positive duration such as 15s", *vals["shutdown-timeout"])
	}
	if c.RollupInterval, err = time.ParseDuration(*vals["rollup-interval"]); err != nil || c.RollupInterval < 100*time.Millisecond {
		return nil, fmt.Errorf("SIPAS_ROLLUP_INTERVAL / -rollup-interval %q is not a duration of at least 100ms, such as 1s", *vals["rollup-interval"])
	}
	if err := parseRules(c, vals); err != nil {
		return nil, err
	}
	if err := parseReplica(&c.Replica, vals); err != nil {
		return nil, err
	}
	if err := parseAlerts(c, vals); err != nil {
		return nil, err
	}
	if c.SurveyDir != "" {
		if st, err := os.Stat(c.SurveyDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("SIPAS_SURVEY_DIR / -survey-dir %q is not a folder", c.SurveyDir)
		}
	}
	return c, nil
}

// parseReplica reads the replication settings; the URL is checked for form
// here, the connection when the server starts.
func parseReplica(r *replica.Config, vals map[string]*string) error {
	r.URL, r.SFTPKeyFile, r.SFTPHostKey = *vals["replica"], *vals["replica-sftp-key"], *vals["replica-sftp-host-key"]
	var err error
	if r.MaxLag, err = time.ParseDuration(*vals["replica-max-lag"]); err != nil || r.MaxLag <= 0 {
		return fmt.Errorf("SIPAS_REPLICA_MAX_LAG / -replica-max-lag %q is not a positive duration such as 10s", *vals["replica-max-lag"])
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("SIPAS_REPLICA / -replica: %v", err)
	}
	return nil
}

// parseTLS checks the HTTPS settings against each other and the base URL.
func parseTLS(c *Config, base *url.URL, vals map[string]*string) error {
	t := &c.TLS
	t.CertFile, t.KeyFile = *vals["tls-cert"], *vals["tls-key"]
	t.ACMECA, t.ACMEEmail, t.HTTPAddr = *vals["acme-ca"], *vals["acme-email"], *vals["http-addr"]
	t.Hosts = []string{base.Hostname()}
	for _, h := range strings.Split(*vals["tls-hosts"], ",") {
		if h = strings.TrimSpace(h); h != "" {
			t.Hosts = append(t.Hosts, h)
		}
	}
	if t.Mode == certs.ModeOff {
		if t.HTTPAddr != "" {
			return errors.New("SIPAS_HTTP_ADDR / -http-addr needs SIPAS_TLS: without HTTPS, SIPAS_ADDR already serves plain HTTP")
		}
		return nil
	}
	if base.Scheme != "https" {
		return fmt.Errorf("SIPAS_BASE_URL / -base-url %q must start with https:// when SIPAS_TLS is %s", c.BaseURL, t.Mode)
	}
	if t.Mode == certs.ModeFiles && (t.CertFile == "" || t.KeyFile == "") {
		return errors.New("SIPAS_TLS=files needs SIPAS_TLS_CERT and SIPAS_TLS_KEY")
	}
	if t.Mode != certs.ModeFiles && (t.CertFile != "" || t.KeyFile != "") {
		return fmt.Errorf("SIPAS_TLS_CERT and SIPAS_TLS_KEY are only for SIPAS_TLS=files, not %s", t.Mode)
	}
	if t.HTTPAddr != "" {
		if _, port, err := net.SplitHostPort(t.HTTPAddr); err != nil || port == "" {
			return fmt.Errorf("SIPAS_HTTP_ADDR / -http-addr %q is not host:port (for example :80)", t.HTTPAddr)
		}
	}
	if t.ACMECA != "" {
		if u, err := url.Parse(t.ACMECA); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("SIPAS_ACME_CA / -acme-ca %q is not an https:// directory URL", t.ACMECA)
		}
	}
	return nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off", "":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// parseRules reads the integrity and rate-limit settings.
func parseRules(c *Config, vals map[string]*string) error {
	c.Rules = collect.DefaultRules()
	var err error
	if c.PosterBurst, c.PosterEvery, err = parseRate(*vals["poster-rate"]); err != nil {
		return fmt.Errorf("SIPAS_POSTER_RATE / -poster-rate %q is not burst/interval such as 5/3m", *vals["poster-rate"])
	}
	if c.Rules.RepeatGap, err = time.ParseDuration(*vals["flag-repeat"]); err != nil || c.Rules.RepeatGap < 0 {
		return fmt.Errorf("SIPAS_FLAG_REPEAT / -flag-repeat %q is not a duration such as 5s", *vals["flag-repeat"])
	}
	if c.Rules.BurstCount, c.Rules.BurstWindow, err = parseRate(*vals["flag-burst"]); err != nil {
		return fmt.Errorf("SIPAS_FLAG_BURST / -flag-burst %q is not count/window such as 5/10m", *vals["flag-burst"])
	}
	var from, to int
	if n, _ := fmt.Sscanf(*vals["flag-hours"], "%d-%d", &from, &to); n != 2 || from < 0 || to > 24 || from >= to {
		return fmt.Errorf("SIPAS_FLAG_HOURS / -flag-hours %q is not start-end hours such as 6-21", *vals["flag-hours"])
	}
	c.Rules.WorkStart, c.Rules.WorkEnd = from, to
	known := collect.KnownFlags()
	c.Rules.Exclude = map[string]bool{}
	for _, f := range strings.Split(*vals["flag-exclude"], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(known, f) {
			return fmt.Errorf("SIPAS_FLAG_EXCLUDE / -flag-exclude names an unknown flag %q (known: %s)", f, strings.Join(known, ", "))
		}
		c.Rules.Exclude[f] = true
	}
	return nil
}

// parseRate reads "N/duration".
func parseRate(s string) (int, time.Duration, error) {
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, errors.New("no slash")
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 {
		return 0, 0, errors.New("bad count")
	}
	dur, err := time.ParseDuration(d)
	if err != nil || dur <= 0 {
		return 0, 0, errors.New("bad duration")
	}
	return count, dur, nil
}

// parseAlerts reads the alert thresholds and the mail relay.
func parseAlerts(c *Config, vals map[string]*string) error {
	a := alert.DefaultSettings()
	a.BaseURL = c.BaseURL
	var err error
	if a.Every, err = time.ParseDuration(*vals["alert-every"]); err != nil || a.Every < time.Second {
		return fmt.Errorf("SIPAS_ALERT_EVERY / -alert-every %q is not a duration of at least 1s, such as 1m", *vals["alert-every"])
	}
	if a.SilentAfter, err = time.ParseDuration(*vals["alert-silent"]); err != nil || a.SilentAfter <= 0 {
		return fmt.Errorf("SIPAS_ALERT_SILENT / -alert-silent %q is not a positive duration such as 4h", *vals["alert-silent"])
	}
	if a.Hours, err = alert.ParseWorkingHours(*vals["alert-hours"]); err != nil {
		return fmt.Errorf("SIPAS_ALERT_HOURS / -alert-hours: %v", err)
	}
	if a.LowRating, err = strconv.Atoi(*vals["alert-low-rating"]); err != nil || a.LowRating < 1 || a.LowRating > 4 {
		return fmt.Errorf("SIPAS_ALERT_LOW_RATING / -alert-low-rating %q is not a rating from 1 to 4", *vals["alert-low-rating"])
	}
	pct, err := strconv.ParseFloat(*vals["alert-min-rate"], 64)
	if err != nil || pct < 0 || pct > 100 {
		return fmt.Errorf("SIPAS_ALERT_MIN_RATE / -alert-min-rate %q is not a percentage from 0 to 100", *vals["alert-min-rate"])
	}
	a.MinRate = pct / 100
	if a.DigestHour, err = strconv.Atoi(*vals["alert-digest-hour"]); err != nil || a.DigestHour < 0 || a.DigestHour > 23 {
		return fmt.Errorf("SIPAS_ALERT_DIGEST_HOUR / -alert-digest-hour %q is not an hour from 0 to 23", *vals["alert-digest-hour"])
	}
	a.SMTP = alert.SMTP{Addr: *vals["smtp-addr"], From: *vals["smtp-from"], User: *vals["smtp-user"], Password: *vals["smtp-password"]}
	if a.SMTP.Addr != "" {
		if _, port, err := net.SplitHostPort(a.SMTP.Addr); err != nil || port == "" {
			return fmt.Errorf("SIPAS_SMTP_ADDR / -smtp-addr %q is not host:port (for example mail.cantho.gov.vn:587)", a.SMTP.Addr)
		}
		if a.SMTP.From == "" {
			return errors.New("SIPAS_SMTP_ADDR needs SIPAS_SMTP_FROM, the sender address of alert e-mail")
		}
	}
	if err := a.Validate(); err != nil {
		return fmt.Errorf("SIPAS_SMTP_*: %v", err)
	}
	c.Alerts = a
	return nil
}
