package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// TestCompactResponsesMigration writes responses as migration 15 stored them
// (text uid and times, JSON text answers, the raw body, a 32-byte hash), then
// opens the database, which applies 16: every response reads back as it was
// written, marks on them survive, and a retry is still told from a conflict.
func TestCompactResponsesMigration(t *testing.T) {
	ctx := context.Background()
	path, w := openAtMigration(t, 15)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO agencies (id, code, name_vi, kind, created_at, updated_at) VALUES (1, 'H17', 'Sở', 'so', '', '')`)
	exec(`INSERT INTO counters (id, agency_id, code, name_vi, created_at) VALUES (1, 1, 'H17.1', 'Quầy', '')`)
	exec(`INSERT INTO users (id, username, display_name, role, created_at) VALUES (1, 'a', 'A', 'admin', '')`)

	base := time.Date(2026, 10, 31, 17, 30, 0, 0, time.UTC)
	var want []*survey.Response
	hashes := map[string][]byte{}
	for i := range 30 {
		at := base.Add(time.Duration(i)*time.Hour + time.Duration(i*123457)) // fractions of every length, and none
		received := at.Add(2*time.Second + time.Duration(i%3)*time.Millisecond)
		r := &survey.Response{ID: int64(i + 1), UID: fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", i), SurveyID: "nhanh",
			SurveyVersion: "v1", AgencyID: 1, CounterID: 1, Channel: survey.ChannelKiosk, ReceivedAt: received,
			Month: survey.Month(received), Lang: "vi", Comment: fmt.Sprintf("ý kiến %d", i), Partial: i%7 == 0,
			Answers: survey.NewAnswers(map[string]json.RawMessage{"HL": json.RawMessage(fmt.Sprint(1 + i%5)), "LYDO": json.RawMessage(`["cham","khac"]`),
				"NA": json.RawMessage("null"), "T": json.RawMessage(`"a \"quoted\" <b>"`)})}
		raw := `{"raw":true}`
		if i%4 != 0 { // some without the citizen's time
			a := at
			r.AnsweredAt = &a
		} else if i%8 == 0 { // an anonymous client's claim, kept only in the raw body before
			raw = `{"id":"x","answered_at":"2026-11-10T08:00:00.123456+07:00"}`
			c := time.Date(2026, 11, 10, 1, 0, 0, 123_000_000, time.UTC) // to the millisecond
			r.ClaimedAt = &c
		}
		if i%5 == 0 {
			r.Flags, r.Excluded = []string{"burst", "clock"}, true
		}
		var answered sql.NullString
		if r.AnsweredAt != nil {
			answered = sql.NullString{String: ts(*r.AnsweredAt), Valid: true}
		}
		text, _ := json.Marshal(r.Answers)
		sum := sha256.Sum256(append([]byte(r.UID), text...))
		hashes[r.UID] = sum[:]
		exec(`INSERT INTO responses (id, uid, survey_id, survey_version, agency_id, counter_id, channel, answered_at, received_at,
			month, lang, answers, comment, partial, flags, excluded, content_hash, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.UID, r.SurveyID, r.SurveyVersion, r.AgencyID, r.CounterID, r.Channel, answered, ts(r.ReceivedAt),
			r.Month, r.Lang, string(text), r.Comment, r.Partial, strings.Join(r.Flags, ","), r.Excluded, sum[:], raw)
		r.ContentHash = sum[:16]
		json.Unmarshal(text, &r.Answers) // as the old code read them back: Marshal escaped <b>
		want = append(want, r)
	}
	exec(`INSERT INTO comment_marks (response_id, handled_by, handled_at) VALUES (3, 1, '2026-11-01T00:00:00Z')`)
	db := openMigrated(t, path, w)
	for _, r := range want {
		got, err := db.ResponseByUID(ctx, r.UID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("response %s after the migration:\n got %+v\nwant %+v", r.UID, got, r)
		}
	}
	uids, err := db.ResponseUIDs(ctx)
	if err != nil || len(uids) != len(want) || uids[0] != want[0].UID {
		t.Errorf("uids %v (%v)", uids, err)
	}
	var marks, orphans int
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM comment_marks m JOIN responses r ON r.id = m.response_id`).Scan(&marks)
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&orphans)
	if marks != 1 || orphans != 0 {
		t.Errorf("%d comment marks on responses, %d foreign key violations; want 1 and 0", marks, orphans)
	}
	var fk int
	db.Writer().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Error("foreign keys are left off after the migration")
	}
	var hl int
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE json_extract(answers, '$.HL') = 4`).Scan(&hl)
	if hl != 6 {
		t.Errorf("json_extract finds %d answers HL = 4 in the stored JSONB, want 6", hl)
	}

	wr := db.NewWriter(8, nil)
	defer wr.Close()
	retry, conflict := *want[1], *want[2]
	retry.ContentHash = hashes[retry.UID] // the submission path hashes in full
	conflict.ContentHash = make([]byte, 32)
	for _, c := range []struct {
		r    *survey.Response
		want Outcome
	}{{&retry, Duplicate}, {&conflict, Conflict}} {
		if got, err := wr.Submit(ctx, Write{Response: c.r}); err != nil || got != c.want {
			t.Errorf("%s sent again: %v %v, want %v", c.r.UID, got, err, c.want)
		}
	}
}

// TestCompactResponsesMigrationCommittedButNotRecorded: migration 16
// commits on its own before goose records it; a crash between the two must
// not leave a database that no start can open.
func TestCompactResponsesMigrationCommittedButNotRecorded(t *testing.T) {
	ctx := context.Background()
	path, w := openAtMigration(t, 16)
	for _, q := range []string{
		`INSERT INTO agencies (id, code, name_vi, kind, created_at, updated_at) VALUES (1, 'H17', 'Sở', 'so', '', '')`,
		`INSERT INTO responses (uid, survey_id, survey_version, agency_id, channel, received_at, month, answers, content_hash)
			VALUES (randomblob(16), 's', 'v', 1, 'kiosk', 0, '2026-12', jsonb('{"HL":4}'), randomblob(16))`,
		`DELETE FROM goose_db_version WHERE version_id = 16`, // as if killed after 16's COMMIT
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("the next start: %v", err)
	}
	defer db.Close()
	ms, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if !m.Applied {
			t.Errorf("migration %d %s not applied", m.Version, m.Name)
		}
	}
	if n, err := db.CountResponses(ctx); err != nil || n != 1 {
		t.Errorf("%d responses after the start (%v), want the one stored", n, err)
	}
}

// TestEncodeAnswersAsJSONMarshal: the direct encoding is json.Marshal's for
// question codes and compact values, and falls back to it for other keys.
func TestEncodeAnswersAsJSONMarshal(t *testing.T) {
	for _, a := range []map[string]json.RawMessage{
		{},
		{"TC1": json.RawMessage("4"), "CC4": json.RawMessage("null"), "LYDO": json.RawMessage(`["cham","khac"]`), "a_b-c.d": json.RawMessage(`"x"`)},
		{"câu \"1\"": json.RawMessage("5"), "<b>": json.RawMessage("1")},
		{"HL": nil},
	} {
		want, _ := json.Marshal(a)
		if got := encodeAnswers(survey.NewAnswers(a)); got != string(want) {
			t.Errorf("encodeAnswers(%v) = %s, want %s", a, got, want)
		}
	}
}
