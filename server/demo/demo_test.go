package demo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
	"golang.org/x/crypto/bcrypt"
)

// testNow is a Thursday morning in late November 2026, ICT.
var testNow = time.Date(2026, 11, 19, 10, 15, 0, 0, survey.Zone)

func catalog(t *testing.T) *survey.Catalog {
	t.Helper()
	cat, err := survey.Load(surveydefs.FS)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sipas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// shared is one seeded database for the tests that only read it: seeding
// under -race takes seconds, and Go runs a package's tests one at a time.
var shared struct {
	once sync.Once
	dir  string
	db   *sqlite.DB
	res  *Result
	took time.Duration
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sipas-demo-")
	if err != nil {
		panic(err)
	}
	shared.dir = dir
	code := m.Run()
	if shared.db != nil {
		shared.db.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// seededShared returns the shared database, seeded with Seed 1 at testNow.
func seededShared(t *testing.T) (*sqlite.DB, *Result) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		cat, err := survey.Load(surveydefs.FS)
		if err != nil {
			shared.err = err
			return
		}
		if shared.db, shared.err = sqlite.Open(ctx, filepath.Join(shared.dir, "sipas.db")); shared.err != nil {
			return
		}
		start := time.Now()
		shared.res, shared.err = Seed(ctx, shared.db, cat, Options{Now: testNow, Seed: 1})
		shared.took = time.Since(start)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.db, shared.res
}

func agency(t *testing.T, db *sqlite.DB, code string) *survey.Agency {
	t.Helper()
	a, err := db.AgencyByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("agency %s: %v", code, err)
	}
	return a
}

// count runs a COUNT query on the reader pool.
func count(t *testing.T, db *sqlite.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSeedBuildsTheDemoProvince(t *testing.T) {
	ctx := context.Background()
	db, res := seededShared(t)
	t.Logf("seeded %d responses in %v", res.Responses, shared.took)

	if res.Agencies != 11 || res.Counters != 14 || res.Officers != 32 || len(res.Users) != 3 {
		t.Errorf("result = %d agencies, %d counters, %d officers, %d users; want 11, 14, 32, 3",
			res.Agencies, res.Counters, res.Officers, len(res.Users))
	}
	for table, want := range map[string]int{"agencies": 11, "counters": 14, "officers": 32, "users": 3, "alert_subscriptions": 1} {
		if got := count(t, db, "SELECT count(*) FROM "+table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	if got := count(t, db, "SELECT count(*) FROM responses"); got != res.Responses || got < 4000 || got > 6000 {
		t.Errorf("%d responses stored, result says %d; want 4000–6000", got, res.Responses)
	}

	// One subscribed agency head, so the alert pages have someone to show;
	// both channels off, since a demo has no mail relay.
	subscribed, err := db.UserByUsername(ctx, "lanhdao.ninhkieu")
	if err != nil {
		t.Fatal(err)
	}
	if sub, err := db.Subscription(ctx, subscribed.ID); err != nil || sub.Email == "" || sub.EmailOn || sub.WebhookURL != "" {
		t.Errorf("demo subscription %+v, %v", sub, err)
	}

	city := agency(t, db, "H17")
	for _, code := range []string{"H30", "H52"} {
		a := agency(t, db, code)
		if a.SuccessorID != city.ID || a.ValidTo != "2025-06-30" || a.LegacyCode == "" {
			t.Errorf("%s: successor %d, valid_to %q, legacy %q; want successor %d (the city), 2025-06-30",
				code, a.SuccessorID, a.ValidTo, a.LegacyCode, city.ID)
		}
	}
	tree, err := db.Subtree(ctx, city.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) != 11 {
		t.Errorf("the city's subtree has %d agencies, want all 11 (predecessors included)", len(tree))
	}

	ninhKieu := agency(t, db, "H17.50")
	head, err := db.UserByUsername(ctx, "lanhdao.ninhkieu")
	if err != nil {
		t.Fatal(err)
	}
	if head.Role != survey.RoleAgencyHead || head.AgencyID != ninhKieu.ID {
		t.Errorf("agency head: role %q scope %d; want agency_head scoped to %d", head.Role, head.AgencyID, ninhKieu.ID)
	}
	for _, name := range []string{"admin", "sonoivu"} {
		u, err := db.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if u.AgencyID != 0 || u.PasswordHash != "" {
			t.Errorf("%s: scope %d, hash %q; want the whole province and no password", name, u.AgencyID, u.PasswordHash)
		}
	}

	for code, want := range map[string]string{"H17.50": "sipas-dv-2023", "H17.52": "nhanh", "H17.01": "sipas-dv-2023"} {
		if got, err := db.SurveyFor(ctx, agency(t, db, code).ID); err != nil || got != want {
			t.Errorf("survey for %s = %q, %v; want %q", code, got, err, want)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM responses WHERE agency_id = ? AND survey_id <> 'nhanh'", agency(t, db, "H17.52").ID); n != 0 {
		t.Errorf("%d responses of Phong Điền are not quick ratings", n)
	}

	var months []string
	rows, err := db.Reader().QueryContext(ctx, "SELECT DISTINCT month FROM responses ORDER BY month")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		months = append(months, m)
	}
	rows.Close()
	if len(months) != 12 || months[0] != "2025-12" || months[11] != "2026-11" {
		t.Errorf("months = %v; want the 12 from 2025-12 to 2026-11", months)
	}
}

func TestSeedSpreadLooksLikeRealData(t *testing.T) {
	db, res := seededShared(t)
	total := float64(res.Responses)
	share := func(where string) float64 {
		return float64(count(t, db, "SELECT count(*) FROM responses WHERE "+where)) / total
	}
	checks := []struct {
		name, where string
		lo, hi      float64
	}{
		{"kiosk", "channel = 'kiosk'", 0.58, 0.72},
		{"qr", "channel = 'qr'", 0.24, 0.36},
		{"paper", "channel = 'paper'", 0.02, 0.08},
		{"english", "lang = 'en'", 0.005, 0.06},
		{"comment", "comment <> ''", 0.05, 0.12},
		{"partial", "partial = 1", 0.02, 0.08},
		{"flagged", "flags = 'burst' AND excluded = 1", 0.003, 0.025},
		{"officer", "officer_id IS NOT NULL", 0.2, 0.5},
		{"NA present", "json(answers) LIKE '%null%'", 0.3, 0.9},
		{"integrity", "json(answers) LIKE '%\"PHIENHA_DP\"%'", 0.05, 0.3},
		{"quick follow-up", "json(answers) LIKE '%\"LYDO\"%'", 0.002, 0.05},
	}
	for _, c := range checks {
		if got := share(c.where); got < c.lo || got > c.hi {
			t.Errorf("%s: share %.3f, want %.3f–%.3f", c.name, got, c.lo, c.hi)
		}
	}
	// One or two Sở fall under the 30-response reliability threshold in the
	// latest month, so the dashboard has a "not reliable" figure to show.
	few := count(t, db, `SELECT count(*) FROM agencies a WHERE a.kind = 'so' AND
		(SELECT count(*) FROM responses r WHERE r.agency_id = a.id AND r.month = '2026-11') < 30`)
	if few < 1 || few > 2 {
		t.Errorf("%d Sở under 30 responses in the latest month, want 1 or 2", few)
	}
	// Agencies differ: the best and worst satisfied shares of the full
	// questionnaire are far enough apart to rank.
	var lo, hi float64
	err := db.Reader().QueryRowContext(context.Background(), `
		WITH v AS (SELECT r.agency_id, CAST(j.value AS INTEGER) AS x FROM responses r, json_each(r.answers) j
			WHERE r.survey_id = 'sipas-dv-2023' AND j.type = 'integer'),
		s AS (SELECT agency_id, avg(x >= 4) AS sat FROM v GROUP BY agency_id)
		SELECT min(sat), max(sat) FROM s`).Scan(&lo, &hi)
	if err != nil {
		t.Fatal(err)
	}
	if lo < 0.6 || hi > 0.97 || hi-lo < 0.08 {
		t.Errorf("satisfied share by agency spans %.3f–%.3f; want a spread of ≥ 8 points within 0.60–0.97", lo, hi)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	dump := func(db *sqlite.DB) ([]string, map[string]string) {
		uids, err := db.ResponseUIDs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]string{}
		rows, err := db.Reader().QueryContext(context.Background(), "SELECT hex(uid), json(answers) || comment || received_at FROM responses")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var uid, a string
			if err := rows.Scan(&uid, &a); err != nil {
				t.Fatal(err)
			}
			answers[uid] = a
		}
		return uids, answers
	}
	fresh := func(s int64) *sqlite.DB {
		db, _ := seedFresh(t, Options{Now: testNow, Seed: s})
		return db
	}
	sharedDB, _ := seededShared(t)
	uidsA, answersA := dump(sharedDB)
	uidsB, answersB := dump(fresh(1))
	if !slices.Equal(uidsA, uidsB) {
		t.Fatalf("same seed, different response ids (%d vs %d)", len(uidsA), len(uidsB))
	}
	for uid, a := range answersA {
		if answersB[uid] != a {
			t.Fatalf("same seed, response %s differs:\n%s\n%s", uid, a, answersB[uid])
		}
	}
	uidsC, answersC := dump(fresh(2))
	if slices.Equal(uidsA, uidsC) {
		t.Fatal("a different seed gave the same response ids")
	}
	same := 0
	for uid := range answersC {
		if _, ok := answersA[uid]; ok {
			same++
		}
	}
	if same > 0 {
		t.Errorf("a different seed reused %d response ids", same)
	}
}

// seedFresh seeds a database of its own, for tests that write or compare.
func seedFresh(t *testing.T, opt Options) (*sqlite.DB, *Result) {
	t.Helper()
	db := openDB(t)
	res, err := Seed(context.Background(), db, catalog(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	return db, res
}

func TestSeedRefusesADatabaseWithAgencies(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	mine := &survey.Agency{Code: "H01", Name: survey.Text{"vi": "UBND tỉnh An Giang"}, Kind: survey.KindProvincePC}
	if err := db.CreateAgency(ctx, mine, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := Seed(ctx, db, catalog(t), Options{Now: testNow, Seed: 1})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("err = %v, want ErrNotEmpty", err)
	}
	for _, table := range []string{"counters", "officers", "users", "responses", "surveys"} {
		if n := count(t, db, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s: %d rows written by a refused seed", table, n)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM agencies"); n != 1 {
		t.Errorf("%d agencies, want only the existing one", n)
	}
}

func TestSeedTwiceRefusesTheSecondTime(t *testing.T) {
	db, res := seedFresh(t, Options{Now: testNow, Seed: 1})
	_, err := Seed(context.Background(), db, catalog(t), Options{Now: testNow, Seed: 2})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("err = %v, want ErrNotEmpty", err)
	}
	if n := count(t, db, "SELECT count(*) FROM responses"); n != res.Responses {
		t.Errorf("%d responses after the refused seed, want %d", n, res.Responses)
	}
}

func TestSeedBeforeTheMergerKeepsPredecessorHistory(t *testing.T) {
	// A year ending in September 2025 spans the merger of 01/07/2025.
	db, _ := seedFresh(t, Options{Now: time.Date(2025, 9, 10, 15, 0, 0, 0, survey.Zone), Seed: 3})
	for _, code := range []string{"H30", "H52"} {
		a := agency(t, db, code)
		if n := count(t, db, "SELECT count(*) FROM responses WHERE agency_id = ?", a.ID); n < 100 {
			t.Errorf("%s: %d responses before the merger, want a real history", code, n)
		}
		if n := count(t, db, "SELECT count(*) FROM responses WHERE agency_id = ? AND month > '2025-06'", a.ID); n != 0 {
			t.Errorf("%s: %d responses after it ceased to exist", code, n)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM responses r JOIN agencies a ON a.id = r.agency_id
		WHERE a.kind = 'ubnd_xa' AND r.month < '2025-07'`); n != 0 {
		t.Errorf("%d responses at communes before they were formed", n)
	}
	if n := count(t, db, `SELECT count(*) FROM responses r JOIN agencies a ON a.id = r.agency_id
		WHERE a.kind = 'ubnd_xa' AND r.month = '2025-08'`); n == 0 {
		t.Error("no responses at the new communes after the merger")
	}
}

func TestSeedPasswordsAreHashedAndReturnedOnce(t *testing.T) {
	db := openDB(t)
	cheap := func(pw string) (string, error) { return auth.Hasher{Cost: bcrypt.MinCost}.Hash(pw) }
	res, err := run(context.Background(), db, catalog(t), Options{Now: testNow, Seed: 1, Passwords: true}, cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Users {
		if len(c.Password) != auth.RandomPasswordLength {
			t.Errorf("%s: password %q", c.Username, c.Password)
		}
		u, err := db.UserByUsername(context.Background(), c.Username)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != c.Role || u.PasswordHash == c.Password || !auth.CheckPassword(u.PasswordHash, c.Password) {
			t.Errorf("%s: stored hash does not check against the returned password", c.Username)
		}
	}
}

func TestTrafficIsDeterministicAndBusy(t *testing.T) {
	cat := catalog(t)
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, survey.Zone)
	a, err := GenerateTraffic(cat, TrafficOptions{Start: start, Days: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateTraffic(cat, TrafficOptions{Start: start, Days: 5, Seed: 3})
	c, _ := GenerateTraffic(cat, TrafficOptions{Start: start, Days: 5, Seed: 4})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different traffic")
	}
	if reflect.DeepEqual(a.Arrivals, c.Arrivals) {
		t.Fatal("another seed, the same traffic")
	}
	// What the integrity rules must cope with: on a busy, satisfied quick-
	// rating counter, most ratings repeat the previous one seconds later;
	// phones rate in the evening, some after 21:00.
	if !slices.IsSortedFunc(a.Arrivals, func(x, y Arrival) int { return x.ReceivedAt.Compare(y.ReceivedAt) }) {
		t.Fatal("arrivals are not in the order the server receives them")
	}
	var same, quick, phones, evening, late int
	last := map[int]Arrival{}
	for _, x := range a.Arrivals {
		tc := a.Counters[x.Counter]
		if x.Honest && x.Channel == survey.ChannelKiosk && tc.Survey == "nhanh" && tc.PerDay >= 70 && tc.Quality >= 0.85 {
			quick++
			if p, ok := last[x.Counter]; ok && x.AnsweredAt.Sub(p.AnsweredAt) < 30*time.Second && reflect.DeepEqual(p.Answers, x.Answers) {
				same++
			}
		}
		if x.Channel == survey.ChannelQR {
			phones++
			if h := x.AnsweredAt.In(survey.Zone).Hour(); h >= 17 {
				evening++
				if h >= 21 {
					late++
				}
			}
		}
		last[x.Counter] = x
	}
	if quick == 0 || float64(same) < 0.3*float64(quick) {
		t.Errorf("busy satisfied quick counters: %d of %d ratings repeat the previous one within 30 s, want at least 30%%", same, quick)
	}
	if phones == 0 || float64(evening) < 0.4*float64(phones) || float64(late) < 0.1*float64(phones) {
		t.Errorf("phones: %d of %d in the evening, %d after 21:00", evening, phones, late)
	}
}

// The demo reports dossiers for every counter-day with responses, so that
// `make run` shows response rates (some under the 10 % warning), with
// dossiers handled as the QĐ 766 indicator needs.
func TestSeedReportsDossierCounts(t *testing.T) {
	db, _ := seededShared(t)
	if got, want := count(t, db, "SELECT count(*) FROM dossier_counts"),
		count(t, db, "SELECT count(*) FROM (SELECT DISTINCT counter_id, date(received_at / 1000000000, 'unixepoch', '+7 hours') FROM responses WHERE counter_id IS NOT NULL)"); got != want || got == 0 {
		t.Errorf("%d counter-days of dossier counts, want one for each of the %d counter-days with responses", got, want)
	}
	if n := count(t, db, "SELECT count(*) FROM dossier_counts WHERE handled IS NULL OR late > handled OR complaints > handled OR handled > received"); n != 0 {
		t.Errorf("%d counter-days without dossiers handled, or with more late or complained of than handled", n)
	}
	low := count(t, db, `SELECT count(*) FROM (SELECT d.counter_id FROM dossier_counts d GROUP BY 1
		HAVING 10 * (SELECT count(*) FROM responses r WHERE r.counter_id = d.counter_id) < sum(d.received))`)
	if low == 0 || low == count(t, db, "SELECT count(DISTINCT counter_id) FROM dossier_counts") {
		t.Errorf("%d counters under a 10 %% response rate: want some, not all, so the warning shows", low)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action LIKE 'dossiers.%'"); n != 0 {
		t.Errorf("the demo wrote %d audit entries for counts", n)
	}
}
