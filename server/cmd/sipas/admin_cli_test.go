package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
)

// adminCLIEnv is an empty database in a temporary data directory.
func adminCLIEnv(t *testing.T) (string, func(args ...string) (string, error)) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	getenv := env(map[string]string{"SIPAS_DATA_DIR": dir, "SIPAS_BASE_URL": "https://khaosat.example.vn", "SIPAS_LANG": "en"})
	return dir, func(args ...string) (string, error) {
		var out, errw bytes.Buffer
		err := run(context.Background(), args, &out, &errw, getenv)
		return out.String(), err
	}
}

func TestAdminCommands(t *testing.T) {
	dir, sipas := adminCLIEnv(t)
	csv := filepath.Join(dir, "agencies.csv")
	os.WriteFile(csv, []byte("code,legacy_code,name_vi,name_en,kind,parent_code\n"+
		"H17.1,,Sở Nội vụ,,so,H17\n"+
		"H17,,UBND TP Cần Thơ,Can Tho City,ubnd_tinh,\n"), 0o600)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,legacy_code,name_vi,name_en,kind,parent_code\n"+
		"h17.2,,Sở Tư pháp,,so,H17\n"+
		"H17.3,,Sở Y tế,,benh_vien,H99\n"), 0o600)
	steps := []struct {
		args    []string
		want    string // in the output, or in the error when fail
		fail    bool
		comment string
	}{
		{[]string{"agency", "import", bad}, "line 2, column code", true, "a bad file lists every problem"},
		{[]string{"agency", "import", bad}, "line 3, column parent_code: Parent agency H99", true, ""},
		{[]string{"agency", "import", csv}, "2 created", false, "parents may come later"},
		{[]string{"agency", "export"}, "H17.1,,Sở Nội vụ,,so,H17\n", false, ""},
		{[]string{"agency", "add", "--code", "H17.2", "--name-vi", "Sở Tư pháp", "--kind", "so", "--parent", "H17"}, "agency H17.2 created", false, ""},
		{[]string{"agency", "add", "--code", "h 17", "--name-vi", "X", "--kind", "so"}, "code:", true, ""},
		{[]string{"agency", "move", "H17", "--parent", "H17.1"}, "loop", true, "no cycles"},
		{[]string{"agency", "move", "H17.2", "--parent", "H17.1"}, "moved", false, ""},
		{[]string{"agency", "close", "H17.2", "--date", "2025-06-30"}, "closed on 2025-06-30", false, ""},
		{[]string{"agency", "merge", "H17.1", "--into", "H17.2", "--date", "2025-06-30"}, "closed", true, "no merging into a closed agency"},
		{[]string{"counter", "add", "--agency", "H17.1", "--code", "NV-01", "--name-vi", "Quầy Nội vụ", "--number", "1"}, "https://khaosat.example.vn/posters/counter/NV-01", false, ""},
		{[]string{"counter", "add", "--agency", "H17.1", "--code", "NV-01", "--name-vi", "Again"}, "NV-01", true, ""},
		{[]string{"officer", "add", "--agency", "H17.1", "--code", "CB01", "--name", "Nguyễn Văn An", "--counter", "NV-01"}, "officer CB01 created", false, ""},
		{[]string{"user", "invite", "--username", "quantri", "--role", "admin"}, "https://khaosat.example.vn/invite/", false, ""},
		{[]string{"user", "invite", "--username", "lanhdao", "--role", "agency_head"}, "agency", true, "an agency head needs an agency"},
		{[]string{"user", "disable", "quantri"}, "last active administrator", true, "the last admin stays"},
		{[]string{"user", "reset", "quantri"}, "/invite/", false, ""},
		{[]string{"apikey", "add", "--scope", "scores", "--agency", "H17"}, "key: sk_", false, ""},
		{[]string{"apikey", "list"}, "scores\tH17\tactive\tlast used never", false, ""},
		{[]string{"apikey", "revoke", "1"}, "API key 1 revoked", false, ""},
		{[]string{"apikey", "revoke", "1"}, "could not be found", true, "twice"},
		{[]string{"apikey", "revoke", "one"}, "usage", true, ""},
		{[]string{"apikey", "add", "--scope", "metrics"}, "scopes metrics; shown only now", false, "Prometheus's key"},
		{[]string{"apikey", "add", "--scope", "root"}, "unknown scope", true, ""},
		{[]string{"device", "add", "--counter", "NV-01"}, "token:", false, ""},
		{[]string{"device", "list"}, "1\tNV-01\tH17.1\tonline", false, ""},
		{[]string{"device", "revoke", "1"}, "device 1 revoked", false, ""},
		{[]string{"device", "list"}, "revoked", false, ""},
		{[]string{"target", "set", "--agency", "H17", "--year", "2026", "--index", "85"}, "target of H17 for 2026 set: index 85%", false, ""},
		{[]string{"target", "set", "--agency", "H17", "--year", "2026", "--index", "85"}, "unchanged", false, "the same again logs nothing"},
		{[]string{"target", "set", "--agency", "H17.1", "--year", "2026", "--index", "87,5", "--response-rate", "30"}, "index 87.5%", false, "a decimal comma"},
		{[]string{"target", "set", "--agency", "H17", "--year", "2026", "--index", "850"}, "index: The satisfaction index target must be a number from 0 to 100", true, ""},
		{[]string{"target", "set", "--agency", "H17", "--year", "20266", "--index", "85"}, "year: The year 20266 is not valid", true, ""},
		{[]string{"target", "set", "--agency", "H99", "--year", "2026", "--index", "85"}, "not found", true, ""},
		{[]string{"target", "list", "--year", "2026"}, "H17,2026,85,,H17\nH17.1,2026,87.5,30,H17.1\nH17.2,2026,87.5,30,H17.1\n", false, "H17.2, moved under H17.1 above, inherits from the nearest"},
		{[]string{"target", "clear", "--agency", "H17.1", "--year", "2026"}, "inherits its parent's", false, ""},
		{[]string{"target", "frobnicate"}, "the target commands are", true, ""},
		{[]string{"agency", "frobnicate"}, "the agency commands are", true, ""},
	}
	for _, st := range steps {
		out, err := sipas(st.args...)
		got := out
		if err != nil {
			got = err.Error()
		}
		if (err != nil) != st.fail || !strings.Contains(got, st.want) {
			t.Errorf("sipas %s (%s): err=%v, want %q in:\n%s", strings.Join(st.args, " "), st.comment, err, st.want, got)
		}
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := db.AuditLog(context.Background(), sqlite.AuditFilter{Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	want := map[string]int{"agency.import": 2, "agency.create": 1, "agency.move": 1, "agency.close": 1, "counter.create": 1,
		"officer.create": 1, "user.invite": 1, "user.reset": 1, "apikey.revoke": 1, "device.revoke": 1,
		"target.set": 2, "target.clear": 1}
	for a, n := range want {
		if actions[a] != n {
			t.Errorf("audit %s: %d, want %d (all: %v)", a, actions[a], n, actions)
		}
	}
	// The invitation link printed by the CLI is live for 7 days.
	out, _ := sipas("user", "reset", "quantri")
	tok := regexp.MustCompile(`/invite/(\S+)`).FindStringSubmatch(out)[1]
	if _, err := db.InvitedUser(context.Background(), tok, time.Now().Add(7*24*time.Hour-time.Minute)); err != nil {
		t.Errorf("printed link: %v", err)
	}
}
