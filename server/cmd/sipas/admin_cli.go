package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/assets"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// adminCmd is one administration command: its string flags ("name=default")
// and what it does with them and its positional argument.
type adminCmd struct {
	flags []string
	run   func(ctx context.Context, a *adminCLI, pos string) error
}

var adminCmds = map[string]adminCmd{
	"agency import":   {nil, agencyImport},
	"agency export":   {nil, func(ctx context.Context, a *adminCLI, _ string) error { return a.db().ExportAgencies(ctx, a.out) }},
	"agency add":      {[]string{"code", "name-vi", "name-en", "kind", "parent", "legacy-code"}, agencyAdd},
	"agency move":     {[]string{"parent"}, agencyMove},
	"agency close":    {[]string{"date"}, agencyClose},
	"agency merge":    {[]string{"into", "date"}, agencyMerge},
	"counter add":     {[]string{"agency", "code", "name-vi", "name-en", "number=0", "idle=45", "idle-warning=20"}, counterAdd},
	"officer add":     {[]string{"agency", "code", "name", "title", "counter"}, officerAdd},
	"user invite":     {[]string{"username", "role", "agency", "name"}, userInvite},
	"user reset":      {nil, userReset},
	"user disable":    {nil, userDisable},
	"apikey list":     {nil, apikeyList},
	"apikey revoke":   {nil, apikeyRevoke},
	"device list":     {nil, deviceList},
	"device revoke":   {nil, deviceRevoke},
	"target set":      {[]string{"agency", "year", "index", "response-rate"}, targetSet},
	"target clear":    {[]string{"agency", "year"}, targetClear},
	"target list":     {[]string{"year"}, targetList},
	"dossiers import": {nil, dossiersImport},
}

// admin adapts the administration command of that name (adminCmds): it
// parses the command's flags, opens the database and writes the audit log
// as "cli".
func admin(name string) runFunc {
	return func(ctx context.Context, args []string, stdout, _ io.Writer, getenv func(string) string) error {
		c := adminCmds[name]
		b, err := i18n.New(assets.FS, "vi")
		if err != nil {
			return err
		}
		a := &adminCLI{name: name, getenv: getenv, out: stdout, l: b.Localizer(getenv("SIPAS_LANG")), vals: map[string]*string{}}
		pos, err := a.open(ctx, args, c.flags)
		if err != nil {
			return err
		}
		defer a.env.db.Close()
		return a.explain(c.run(ctx, a, pos))
	}
}

// adminCLI is one run of an administration command: flags, database, output.
type adminCLI struct {
	name   string
	getenv func(string) string
	out    io.Writer
	env    *cliEnv
	l      *i18n.Localizer
	now    time.Time
	vals   map[string]*string
}

// open parses the flags (a first argument not starting with "-" is the
// command's positional one) and opens the database.
func (a *adminCLI) open(ctx context.Context, args []string, flags []string) (string, error) {
	pos := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = args[0], args[1:]
	}
	env, fs, err := openCLI(ctx, a.name, args, a.getenv, func(fs *flag.FlagSet) {
		for _, f := range flags {
			name, def, _ := strings.Cut(f, "=")
			a.vals[name] = fs.String(name, def, name)
		}
	})
	if err != nil {
		return "", err
	}
	if pos == "" && fs.NArg() > 0 {
		pos = fs.Arg(0)
	}
	a.env, a.now = env, time.Now()
	return pos, nil
}

// f is the value of a flag; n the value of a numeric one.
func (a *adminCLI) f(name string) string { return *a.vals[name] }

func (a *adminCLI) n(name string) (int, error) {
	v, err := strconv.Atoi(a.f(name))
	if err != nil {
		return 0, fmt.Errorf("--%s must be a whole number", name)
	}
	return v, nil
}

func (a *adminCLI) db() *sqlite.DB { return a.env.db }

// explain turns domain and import errors into sentences in the operator's language.
func (a *adminCLI) explain(err error) error {
	var ie sqlite.ImportErrors
	if errors.As(err, &ie) {
		var b strings.Builder
		fmt.Fprintf(&b, "nothing imported; %d problems:", len(ie))
		for _, e := range ie {
			col := e.Column
			if col == "" {
				col = "-"
			}
			fmt.Fprintf(&b, "\n  line %d, column %s: %s", e.Line, col, a.l.T(e.Message, e.Data))
		}
		return errors.New(b.String())
	}
	var de *survey.Error
	if errors.As(err, &de) {
		msg := a.l.T(de.Message, de.Data)
		if de.Field != "" {
			msg = de.Field + ": " + msg
		}
		return errors.New(msg)
	}
	return err
}

func (a *adminCLI) agency(ctx context.Context, code string) (*survey.Agency, error) {
	if code == "" {
		return nil, errors.New("which agency? give its code (mã định danh)")
	}
	ag, err := a.db().AgencyByCode(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("agency %q: not found", code)
	}
	return ag, nil
}

func agencyImport(ctx context.Context, a *adminCLI, file string) error {
	if file == "" {
		return errors.New("usage: sipas agency import FILE")
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.db().ImportAgencies(ctx, f, survey.CLI, a.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "imported %s: %d created, %d updated, %d unchanged\n", file, res.Created, res.Updated, res.Unchanged)
	return nil
}

func dossiersImport(ctx context.Context, a *adminCLI, file string) error {
	if file == "" {
		return errors.New("usage: sipas dossiers import FILE")
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := a.db().ImportDossierCounts(ctx, f, survey.CLI, a.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "imported %s: %d counter-days stored\n", file, n)
	return nil
}

func agencyAdd(ctx context.Context, a *adminCLI, _ string) error {
	ag := &survey.Agency{Code: a.f("code"), LegacyCode: a.f("legacy-code"), Name: survey.Text{"vi": a.f("name-vi"), "en": a.f("name-en")},
		Kind: survey.AgencyKind(a.f("kind"))}
	if a.f("parent") != "" {
		p, err := a.agency(ctx, a.f("parent"))
		if err != nil {
			return err
		}
		ag.ParentID = p.ID
	}
	if err := a.db().CreateAgency(ctx, ag, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "agency %s created\n", ag.Code)
	return nil
}

func agencyMove(ctx context.Context, a *adminCLI, code string) error {
	ag, err := a.agency(ctx, code)
	if err != nil {
		return err
	}
	var pid int64
	if a.f("parent") != "" {
		p, err := a.agency(ctx, a.f("parent"))
		if err != nil {
			return err
		}
		pid = p.ID
	}
	if err := a.db().MoveAgency(ctx, ag.ID, pid, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "agency %s moved under %q\n", ag.Code, a.f("parent"))
	return nil
}

func agencyClose(ctx context.Context, a *adminCLI, code string) error {
	ag, err := a.agency(ctx, code)
	if err != nil {
		return err
	}
	if err := a.db().CloseAgency(ctx, ag.ID, a.f("date"), survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "agency %s closed on %s\n", ag.Code, a.f("date"))
	return nil
}

func agencyMerge(ctx context.Context, a *adminCLI, code string) error {
	ag, err := a.agency(ctx, code)
	if err != nil {
		return err
	}
	succ, err := a.agency(ctx, a.f("into"))
	if err != nil {
		return err
	}
	if err := a.db().MergeAgency(ctx, ag.ID, succ.ID, a.f("date"), survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "agency %s merged into %s on %s\n", ag.Code, succ.Code, a.f("date"))
	return nil
}

func counterAdd(ctx context.Context, a *adminCLI, _ string) error {
	ag, err := a.agency(ctx, a.f("agency"))
	if err != nil {
		return err
	}
	c := &survey.Counter{AgencyID: ag.ID, Code: a.f("code"), Name: survey.Text{"vi": a.f("name-vi"), "en": a.f("name-en")}, Active: true}
	if c.Number, err = a.n("number"); err != nil {
		return err
	}
	if c.IdleSeconds, err = a.n("idle"); err != nil {
		return err
	}
	if c.IdleWarning, err = a.n("idle-warning"); err != nil {
		return err
	}
	if err := a.db().CreateCounter(ctx, c, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "counter %s created at %s; poster: %s/posters/counter/%s\n", c.Code, ag.Code, a.env.baseURL, c.Code)
	return nil
}

func officerAdd(ctx context.Context, a *adminCLI, _ string) error {
	ag, err := a.agency(ctx, a.f("agency"))
	if err != nil {
		return err
	}
	o := &survey.Officer{AgencyID: ag.ID, Code: a.f("code"), Name: a.f("name"), Title: a.f("title"), Active: true}
	if a.f("counter") != "" {
		c, err := a.db().CounterByCode(ctx, a.f("counter"))
		if err != nil {
			return fmt.Errorf("counter %q: not found", a.f("counter"))
		}
		o.CounterID = c.ID
	}
	if err := a.db().CreateOfficer(ctx, o, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "officer %s created at %s\n", o.Code, ag.Code)
	return nil
}

func userInvite(ctx context.Context, a *adminCLI, _ string) error {
	u := &survey.UserInfo{Username: a.f("username"), DisplayName: a.f("name"), Role: survey.Role(a.f("role"))}
	if a.f("agency") != "" {
		ag, err := a.agency(ctx, a.f("agency"))
		if err != nil {
			return err
		}
		u.AgencyID = ag.ID
	}
	token, err := a.db().InviteUser(ctx, u, survey.CLI, a.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "user %s invited; the link works once, for 7 days:\n%s/invite/%s\n", u.Username, a.env.baseURL, token)
	return nil
}

func userReset(ctx context.Context, a *adminCLI, name string) error {
	u, err := a.user(ctx, name)
	if err != nil {
		return err
	}
	token, err := a.db().ResetUser(ctx, u.ID, survey.CLI, a.now)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "password of %s cleared; the link works once, for 7 days:\n%s/invite/%s\n", u.Username, a.env.baseURL, token)
	return nil
}

func userDisable(ctx context.Context, a *adminCLI, name string) error {
	u, err := a.user(ctx, name)
	if err != nil {
		return err
	}
	if err := a.db().SetUserDisabled(ctx, u.ID, true, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "user %s disabled\n", u.Username)
	return nil
}

func apikeyRevoke(ctx context.Context, a *adminCLI, pos string) error {
	id, err := strconv.ParseInt(pos, 10, 64)
	if err != nil {
		return errors.New("usage: sipas apikey revoke ID")
	}
	if err := a.db().RevokeAPIKey(ctx, id, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "API key %d revoked\n", id)
	return nil
}

func deviceRevoke(ctx context.Context, a *adminCLI, pos string) error {
	id, err := strconv.ParseInt(pos, 10, 64)
	if err != nil {
		return errors.New("usage: sipas device revoke ID")
	}
	if err := a.db().RevokeDevice(ctx, id, survey.CLI, a.now); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "device %d revoked\n", id)
	return nil
}

func (a *adminCLI) user(ctx context.Context, username string) (*survey.User, error) {
	u, err := a.db().UserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("user %q: not found", username)
	}
	return u, nil
}

func apikeyList(ctx context.Context, a *adminCLI, _ string) error {
	keys, err := a.db().APIKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		state, used, scope := "active", "never", k.AgencyCode
		if k.Revoked {
			state = "revoked"
		}
		if k.LastUsedAt != nil {
			used = k.LastUsedAt.In(survey.Zone).Format("2006-01-02 15:04")
		}
		if scope == "" {
			scope = "province"
		}
		fmt.Fprintf(a.out, "%d\t%s…\t%s\t%s\t%s\tlast used %s\t%s\n", k.ID, k.Prefix, strings.Join(k.Scopes, ","), scope, state, used, k.Name)
	}
	return nil
}

func deviceList(ctx context.Context, a *adminCLI, _ string) error {
	devices, err := a.db().DeviceList(ctx)
	if err != nil {
		return err
	}
	for _, d := range devices {
		state, seen := "online", "never"
		switch {
		case d.Revoked():
			state = "revoked"
		case d.Offline(a.now, sqlite.DeviceOfflineAfter):
			state = "offline"
		}
		if d.LastSeenAt != nil {
			seen = d.LastSeenAt.In(survey.Zone).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(a.out, "%d\t%s\t%s\t%s\tlast seen %s\toutbox %d\tmissing %d\tapp %s\n", d.ID, d.CounterCode, d.AgencyCode, state, seen, d.Outbox, d.Missing, d.AppVersion)
	}
	return nil
}
