// Command sipas is the whole system in one binary: the collection server, the
// kiosk and phone pages, the dashboard, and the operator's commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise
// it comes from the VCS stamp Go embeds.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return rev
		}
	}
	return "dev"
}

const usage = `sipas: citizen-satisfaction (SIPAS-style) survey server.

Usage:
  sipas serve [flags]            run the server (sipas serve -h lists flags and SIPAS_* variables)
  sipas migrate [-data-dir DIR]  apply pending database migrations and show their status
  sipas backup [-data-dir DIR] FILE
                                 write a consistent copy of the database to FILE (safe while serving)
  sipas restore --from URL --data-dir DIR [--timestamp RFC3339]
                                 rebuild the database from a replica (SIPAS_REPLICA) into an empty folder, then check it
  sipas counter list             one counter a line: counter code, agency code, name
  sipas device pair --counter CODE
                                 print a 10-minute pairing code to type on a tablet at the counter
  sipas device add --counter CODE
                                 register a device directly; its token is the last word printed
  sipas token issue --counter CODE --dossier NUMBER [--officer ID] [--ttl 720h]
                                 issue a one-time code for a dossier receipt; prints the code and its URL
  sipas apikey add --scope tokens|scores|metrics [--agency CODE] [--name NAME]
                                 create an API key; the key is the last word printed
  sipas seed [--agencies 3000 --months 24 --responses 10000000]
                                 fill an empty database with generated data, for benchmarks
` + adminUsage + `  sipas rollup rebuild           recount the monthly counts from the raw responses
  sipas tls ca                   print the internal CA's certificate (PEM) for SIPAS_TLS=internal
  sipas tls rotate-ca            replace the internal CA (every tablet must install the new one)
  sipas version                  print the version

Every command that uses the database takes -data-dir (SIPAS_DATA_DIR, default ./data).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sipas:", err)
		}
		os.Exit(1)
	}
}

// run dispatches a subcommand; everything it needs comes in as arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cmd, rest := args[0], args[1:]
	// Administration subcommands (admin_cli.go): agency, officer, user, and
	// counter add, apikey list|revoke, device list|revoke.
	if handled, err := adminCommand(ctx, cmd, rest, stdout, getenv); handled {
		return err
	}
	switch cmd {
	case "serve":
		cfg, err := parseServeConfig(rest, getenv)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, getenv)
	case "backup":
		return backup(ctx, rest, stdout, getenv)
	case "counter":
		return counterCmd(ctx, rest, stdout, getenv)
	case "device":
		return deviceCmd(ctx, rest, stdout, getenv)
	case "token":
		return tokenCmd(ctx, rest, stdout, getenv)
	case "apikey":
		return apikeyCmd(ctx, rest, stdout, getenv)
	case "seed":
		return seedCmd(ctx, rest, stdout, getenv)
	case "restore":
		return restoreCmd(ctx, rest, stdout, getenv)
	case "rollup":
		return rollupCmd(ctx, rest, stdout, getenv)
	case "tls":
		return tlsCmd(ctx, rest, stdout, getenv)
	case "version":
		fmt.Fprintln(stdout, "sipas", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
