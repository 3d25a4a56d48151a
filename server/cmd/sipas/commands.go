package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// runFunc runs one command with the arguments after its name.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error

// command is one line of the CLI: its name (one or two words), the rest of
// its usage line, what it does, and the function that does it. The usage
// text and the dispatch both come from this one table.
type command struct {
	name, args, help string
	run              runFunc
}

// commands is every command of the binary, in the order `sipas help` lists them.
var commands = []command{
	{"serve", "[flags]", "run the server (sipas serve -h lists flags and SIPAS_* variables)", serveCmd},
	{"migrate", "[-data-dir DIR]", "apply pending database migrations and show their status", plain(migrate)},
	{"backup", "[-data-dir DIR] FILE", "write a consistent copy of the database to FILE (safe while serving)", plain(backup)},
	{"restore", "--from URL --data-dir DIR [--timestamp RFC3339] [--recount=false]", "rebuild the database from a replica (SIPAS_REPLICA) into an empty folder, then check it", plain(restoreCmd)},
	{"counter list", "", "one counter a line: counter code, agency code, name", sub(counterCmd, "list")},
	{"counter add", "--agency C --code C --name-vi N [--number N] [--name-en N] [--idle 45] [--idle-warning 20]", "", admin("counter add")},
	{"device pair", "--counter CODE", "print a 10-minute pairing code to type on a tablet at the counter", sub(deviceCmd, "pair")},
	{"device add", "--counter CODE", "register a device directly; its token is the last word printed", sub(deviceCmd, "add")},
	{"device list", "", "", admin("device list")},
	{"device revoke", "ID", "", admin("device revoke")},
	{"token issue", "--counter CODE --dossier NUMBER [--officer ID] [--ttl 720h]", "issue a one-time code for a dossier receipt; prints the code and its URL", sub(tokenCmd, "issue")},
	{"apikey add", "--scope tokens|scores|metrics [--agency CODE] [--name NAME]", "create an API key; the key is the last word printed", sub(apikeyCmd, "add")},
	{"apikey list", "", "", admin("apikey list")},
	{"apikey revoke", "ID", "", admin("apikey revoke")},
	{"agency import", "FILE", "create or update agencies from a CSV file (all rows or none)", admin("agency import")},
	{"agency export", "", "print every agency as CSV: code,legacy_code,name_vi,name_en,kind,parent_code", admin("agency export")},
	{"agency add", "--code C --name-vi N --kind K [--name-en N] [--parent C] [--legacy-code C]", "", admin("agency add")},
	{"agency move", "CODE --parent CODE", `(--parent "" makes it a root)`, admin("agency move")},
	{"agency close", "CODE --date YYYY-MM-DD", "", admin("agency close")},
	{"agency merge", "CODE --into CODE --date YYYY-MM-DD", "", admin("agency merge")},
	{"officer add", "--agency C --code C --name N [--title T] [--counter C]", "", admin("officer add")},
	{"dossiers import", "FILE", "dossiers per counter and day from a CSV file counter,date,received[,handled,late,complaints] (all rows or none)", admin("dossiers import")},
	{"user invite", "--username U --role admin|province|agency_head [--agency CODE] [--name N]", "print a one-time link (7 days) to set a password", admin("user invite")},
	{"user reset", "USERNAME", "clear the password and print a new one-time link", admin("user reset")},
	{"user disable", "USERNAME", "", admin("user disable")},
	{"target set", "--agency C --year YYYY --index P [--response-rate P]", "the agency's own target for the year (percent); its subtree inherits it", admin("target set")},
	{"target clear", "--agency C --year YYYY", "inherit the parent's target again", admin("target clear")},
	{"target list", "--year YYYY", "every target in force, own or inherited, as CSV: code,year,index,response_rate,set_by", admin("target list")},
	{"seed", "[--agencies 3000 --months 24 --responses 10000000]", "fill an empty database with generated data, for benchmarks", plain(seedCmd)},
	{"rollup rebuild", "", "recount the monthly counts from the raw responses", sub(rollupCmd, "rebuild")},
	{"tls ca", "", "print the internal CA's certificate (PEM) for SIPAS_TLS=internal", sub(tlsCmd, "ca")},
	{"tls rotate-ca", "", "replace the internal CA (every tablet must install the new one)", sub(tlsCmd, "rotate-ca")},
	{"version", "", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer, _ func(string) string) error {
		fmt.Fprintln(stdout, "sipas", buildVersion())
		return nil
	}},
}

// usageText lists the commands, one or two lines each.
func usageText() string {
	var b strings.Builder
	b.WriteString("sipas: citizen-satisfaction (SIPAS-style) survey server.\n\nUsage:\n")
	for _, c := range commands {
		line := "  sipas " + strings.TrimSpace(c.name+" "+c.args)
		switch {
		case c.help == "":
			fmt.Fprintf(&b, "%s\n", line)
		case len(line) < 34:
			fmt.Fprintf(&b, "%-33s%s\n", line, c.help)
		default:
			fmt.Fprintf(&b, "%s\n%33s%s\n", line, "", c.help)
		}
	}
	b.WriteString("\nEvery command that uses the database takes -data-dir (SIPAS_DATA_DIR, default ./data).\n")
	return b.String()
}

// lookup finds the command named by the first one or two arguments.
func lookup(args []string) (command, []string, bool) {
	if len(args) >= 2 {
		for _, c := range commands {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], true
			}
		}
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c, args[1:], true
		}
	}
	return command{}, nil, false
}

// group lists the commands whose name starts with word, for a helpful error.
func group(word string) string {
	var b strings.Builder
	for _, c := range commands {
		if strings.HasPrefix(c.name, word+" ") {
			fmt.Fprintf(&b, "  sipas %s\n", strings.TrimSpace(c.name+" "+c.args))
		}
	}
	return b.String()
}

// plain adapts a command that needs no stderr.
func plain(f func(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error) runFunc {
	return func(ctx context.Context, args []string, stdout, _ io.Writer, getenv func(string) string) error {
		return f(ctx, args, stdout, getenv)
	}
}

// sub adapts a command function that reads its subcommand from args[0].
func sub(f func(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error, name string) runFunc {
	return func(ctx context.Context, args []string, stdout, _ io.Writer, getenv func(string) string) error {
		return f(ctx, append([]string{name}, args...), stdout, getenv)
	}
}

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseServeConfig(args, getenv)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdout, stderr)
}

// run dispatches a command; everything it needs comes in as arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return errors.New("missing command")
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText())
		return nil
	}
	if c, rest, ok := lookup(args); ok {
		return c.run(ctx, rest, stdout, stderr, getenv)
	}
	if g := group(args[0]); g != "" {
		name := args[0]
		if len(args) > 1 {
			name += " " + args[1]
		}
		return fmt.Errorf("unknown command %q; the %s commands are:\n%s", name, args[0], g)
	}
	fmt.Fprint(stderr, usageText())
	return fmt.Errorf("unknown command %q", args[0])
}
