package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/demo"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

// cliEnv is what the operator commands share: the database, and the base URL for links.
type cliEnv struct {
	db      *sqlite.DB
	baseURL string
}

// openCLI parses the common flags (-data-dir, -base-url) plus the command's
// own, then opens the existing database.
func openCLI(ctx context.Context, name string, args []string, getenv func(string) string, define func(*flag.FlagSet)) (*cliEnv, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dir := fs.String("data-dir", envOr(getenv, "SIPAS_DATA_DIR", "./data"), "folder of the database (SIPAS_DATA_DIR)")
	base := fs.String("base-url", envOr(getenv, "SIPAS_BASE_URL", "http://localhost:8080"), "public URL for links (SIPAS_BASE_URL)")
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	path := *dir + "/sipas.db"
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("no database at %s (run `sipas serve` once, or set -data-dir / SIPAS_DATA_DIR)", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return &cliEnv{db: db, baseURL: strings.TrimRight(*base, "/")}, fs, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// counterCmd: `sipas counter list` prints one counter a line: code, agency code, name.
func counterCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New("usage: sipas counter list [-data-dir DIR]")
	}
	env, _, err := openCLI(ctx, "counter list", args[1:], getenv, nil)
	if err != nil {
		return err
	}
	defer env.db.Close()
	counters, err := env.db.Counters(ctx, 0)
	if err != nil {
		return err
	}
	agencies := map[int64]string{}
	for _, c := range counters {
		if _, ok := agencies[c.AgencyID]; !ok {
			a, err := env.db.Agency(ctx, c.AgencyID)
			if err != nil {
				return err
			}
			agencies[c.AgencyID] = a.Code
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", c.Code, agencies[c.AgencyID], c.Name["vi"])
	}
	return nil
}

// deviceCmd: `sipas device add --counter CODE` registers a tablet and prints
// its token as the last word; `sipas device pair --counter CODE` prints a
// 10-minute pairing code to type on the tablet.
func deviceCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "pair") {
		return errors.New("usage: sipas device add|pair --counter CODE [-data-dir DIR]")
	}
	var counterCode *string
	env, _, err := openCLI(ctx, "device "+args[0], args[1:], getenv, func(fs *flag.FlagSet) {
		counterCode = fs.String("counter", "", "counter code (see `sipas counter list`)")
	})
	if err != nil {
		return err
	}
	defer env.db.Close()
	c, err := env.db.CounterByCode(ctx, *counterCode)
	if err != nil {
		return fmt.Errorf("counter %q: not found (see `sipas counter list`)", *counterCode)
	}
	now := time.Now()
	if args[0] == "pair" {
		code, pin, err := env.db.CreatePairingCode(ctx, c.ID, survey.CLI, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Open %s/kiosk/ on the tablet and type the pairing code (valid 10 minutes).\nstaff PIN: %s\npairing code: %s\n", env.baseURL, pin, code)
		return nil
	}
	d, token, pin, err := env.db.AddDevice(ctx, c.ID, now)
	if err != nil {
		return err
	}
	if err := env.db.Audit(ctx, survey.CLI, now, "device.add", fmt.Sprintf("device:%d", d.ID), nil, map[string]any{"counter": c.Code}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "device %d on counter %s, staff PIN %s\ntoken: %s\n", d.ID, c.Code, pin, token)
	return nil
}

// tokenCmd: `sipas token issue --counter CODE --dossier NUMBER [--officer ID] [--ttl DURATION]`.
func tokenCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "issue" {
		return errors.New("usage: sipas token issue --counter CODE --dossier NUMBER [--officer ID] [--ttl 720h]")
	}
	var counter, dossier, officer *string
	var ttl *time.Duration
	env, _, err := openCLI(ctx, "token issue", args[1:], getenv, func(fs *flag.FlagSet) {
		counter = fs.String("counter", "", "counter code")
		dossier = fs.String("dossier", "", "dossier number (số hồ sơ)")
		officer = fs.String("officer", "", "officer code, optional")
		ttl = fs.Duration("ttl", collect.DefaultTokenTTL, "how long the code stays valid")
	})
	if err != nil {
		return err
	}
	defer env.db.Close()
	key, err := env.db.Secret(ctx, "dossier_code_key", 32)
	if err != nil {
		return err
	}
	codes, err := auth.NewCodes(key)
	if err != nil {
		return err
	}
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		return err
	}
	svc := collect.New(collect.Config{DB: env.db, Surveys: cat, Codes: codes, Rules: collect.DefaultRules(), Metrics: metrics.New()})
	defer svc.Close()
	t, err := svc.IssueToken(ctx, *counter, *dossier, *officer, *ttl)
	if err != nil {
		return errors.New(plainError(err))
	}
	fmt.Fprintf(stdout, "dossier %s at counter %s, valid until %s\ncode: %s\nurl: %s/t/%s\n",
		t.Dossier, t.Counter.Code, t.ExpiresAt.In(survey.Zone).Format("02/01/2006 15:04"), auth.Format(t.Code), env.baseURL, t.Code)
	return nil
}

// apikeyCmd: `sipas apikey add --scope tokens|scores|metrics [--agency CODE] [--name NAME]`
// prints the key as the last word; it is stored only as a hash.
func apikeyCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: sipas apikey add --scope tokens|scores|metrics[,…] [--agency CODE] [--name NAME]")
	}
	var scope, agency, name *string
	env, _, err := openCLI(ctx, "apikey add", args[1:], getenv, func(fs *flag.FlagSet) {
		scope = fs.String("scope", "", "comma-separated scopes: tokens (issue one-time codes), scores (read scores), metrics (scrape /metrics)")
		agency = fs.String("agency", "", "limit the key to this agency's subtree (mã định danh); empty = whole province")
		name = fs.String("name", "", "what the key is for, e.g. 'Một cửa điện tử'")
	})
	if err != nil {
		return err
	}
	defer env.db.Close()
	var scopes []string
	for _, s := range strings.Split(*scope, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(survey.APIKeyScopes, s) {
			return fmt.Errorf("unknown scope %q (use tokens, scores or metrics)", s)
		}
		scopes = append(scopes, s)
	}
	var agencyID int64
	if *agency != "" {
		a, err := env.db.AgencyByCode(ctx, *agency)
		if err != nil {
			return fmt.Errorf("agency %q: not found", *agency)
		}
		agencyID = a.ID
	}
	if *name == "" {
		*name = strings.Join(scopes, "+")
	}
	k, key, err := env.db.CreateAPIKey(ctx, *name, scopes, agencyID, survey.CLI, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API key %d (%s), scopes %s; shown only now:\nkey: %s\n", k.ID, k.Name, strings.Join(k.Scopes, ","), key)
	return nil
}

// plainError turns a domain error into a sentence for the terminal.
func plainError(err error) string {
	var de *survey.Error
	if errors.As(err, &de) {
		if de.Field != "" {
			return "invalid " + de.Field + " (" + de.Message + ")"
		}
		return de.Message
	}
	return err.Error()
}

// rollupCmd: `sipas rollup rebuild` recounts the monthly counts from the raw responses.
func rollupCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return errors.New("usage: sipas rollup rebuild [-data-dir DIR]")
	}
	env, _, err := openCLI(ctx, "rollup rebuild", args[1:], getenv, nil)
	if err != nil {
		return err
	}
	defer env.db.Close()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := env.db.NewRollup(cat).Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recounted %d responses in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// seedCmd: `sipas seed --agencies N --months M --responses R` fills an EMPTY
// database with generated data for benchmarks (not the demo province).
func seedCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	dir := fs.String("data-dir", envOr(getenv, "SIPAS_DATA_DIR", "./data"), "folder of the database (SIPAS_DATA_DIR)")
	agencies := fs.Int("agencies", 3000, "agencies (a root and its children, one counter each)")
	months := fs.Int("months", 24, "months of responses, ending this month")
	responses := fs.Int("responses", 10_000_000, "responses in all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, *dir+"/sipas.db")
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		return err
	}
	last := time.Now()
	res, err := demo.Bulk(ctx, db, cat, demo.BulkOptions{Agencies: *agencies, Months: *months, Responses: *responses, Now: time.Now(), Seed: 1,
		Progress: func(done int) {
			if time.Since(last) > 5*time.Second {
				fmt.Fprintf(stdout, "  %d responses…\n", done)
				last = time.Now()
			}
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d agencies (root %s) and %d responses in %s (%.0f responses/s)\n",
		res.Agencies, res.Root, res.Responses, res.Elapsed.Round(time.Second), float64(res.Responses)/res.Elapsed.Seconds())
	return nil
}
