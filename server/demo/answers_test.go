package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sipas-vn/sipas/server/survey"
)

// TestSeededResponsesFitTheirDefinitions checks every stored response
// against the questionnaire it names, as the submission path would.
func TestSeededResponsesFitTheirDefinitions(t *testing.T) {
	ctx := context.Background()
	db, _ := seededShared(t)
	cat := catalog(t)
	officers, err := db.Officers(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	counterOf := map[int64]int64{}
	for _, o := range officers {
		counterOf[o.ID] = o.CounterID
	}
	rows, err := db.Reader().QueryContext(ctx, `SELECT uid, survey_id, survey_version, counter_id, officer_id,
		answered_at, received_at, month, json(answers), comment, partial, content_hash, flags FROM responses`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bad := 0
	fail := func(uid, format string, args ...any) {
		bad++
		if bad <= 20 {
			t.Errorf(uid+": "+format, args...)
		}
	}
	for rows.Next() {
		var surveyID, version, month, answersJS, comment, flags string
		var counter, answeredNS, receivedNS int64
		var officer sql.NullInt64
		var partial bool
		var uidB, hash []byte
		if err := rows.Scan(&uidB, &surveyID, &version, &counter, &officer, &answeredNS, &receivedNS, &month,
			&answersJS, &comment, &partial, &hash, &flags); err != nil {
			t.Fatal(err)
		}
		u, err := uuid.FromBytes(uidB)
		uid := u.String()
		def, ok := cat.Get(surveyID)
		if !ok || def.Version != version {
			fail(uid, "unknown questionnaire %s@%s", surveyID, version)
			continue
		}
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			fail(uid, "not a UUIDv7")
		}
		if len(hash) != 16 {
			fail(uid, "content hash of %d bytes", len(hash))
		}
		answered, received := time.Unix(0, answeredNS), time.Unix(0, receivedNS)
		if !answered.Before(received) || received.After(testNow) || month != survey.Month(answered) {
			fail(uid, "answered %s, received %s, month %s", answered, received, month)
		}
		local := answered.In(survey.Zone)
		hm, slack := local.Hour()*60+local.Minute(), 0
		if flags != "" {
			slack = 3 // a burst may run a few minutes past the hour it started in
		}
		morning := hm >= 7*60+30 && hm < 11*60+30+slack
		afternoon := local.Weekday() != time.Saturday && hm >= 13*60 && hm < 17*60+slack
		if local.Weekday() == time.Sunday || !(morning || afternoon) {
			fail(uid, "answered outside office hours: %s", local)
		}
		if officer.Valid && counterOf[officer.Int64] != counter {
			fail(uid, "officer %d does not work at counter %d", officer.Int64, counter)
		}
		var answers map[string]json.RawMessage
		if err := json.Unmarshal([]byte(answersJS), &answers); err != nil {
			t.Fatal(err)
		}
		for code, v := range answers {
			if msg := fits(def.Question(code), v, answers); msg != "" {
				fail(uid, "%s=%s: %s", code, v, msg)
			}
		}
		if err := def.ValidateAnswers(survey.NewAnswers(answers), comment, partial); err != nil {
			fail(uid, "the submission path would refuse it: %v", err)
		}
		// A partial response stops: once an item is missing, the rest are too.
		items := def.Items()
		stopped := false
		for _, q := range items {
			_, has := answers[q.Code]
			if stopped && has {
				fail(uid, "item %s answered after a skipped one", q.Code)
			}
			stopped = stopped || !has
		}
		if stopped != partial {
			fail(uid, "partial = %v but missing items = %v", partial, stopped)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// fits says what is wrong with one answer, "" when nothing is.
func fits(q *survey.Question, v json.RawMessage, answers map[string]json.RawMessage) string {
	if q == nil {
		return "no such question"
	}
	if q.ShowIf != nil && !shown(q.ShowIf, answers) {
		return "answered although not shown"
	}
	if string(v) == "null" {
		if q.Kind == survey.KindScale && len(q.Scale.NA) == 0 {
			return "NA not offered"
		}
		return ""
	}
	codes := func() []string {
		var cs []string
		for _, o := range q.Options {
			cs = append(cs, o.Code)
		}
		return cs
	}
	switch q.Kind {
	case survey.KindScale:
		n, err := strconv.Atoi(string(v))
		if err != nil || !slices.ContainsFunc(q.Scale.Options, func(o survey.Option) bool { return o.Value == n }) {
			return "off the scale"
		}
	case survey.KindSingle, survey.KindProfile:
		var c string
		if json.Unmarshal(v, &c) != nil || !slices.Contains(codes(), c) {
			return "not an option"
		}
	case survey.KindMulti:
		var cs []string
		if json.Unmarshal(v, &cs) != nil || len(cs) == 0 {
			return "not a list of options"
		}
		for _, c := range cs {
			if !slices.Contains(codes(), c) {
				return "not an option: " + c
			}
		}
		slices.Sort(cs)
		if len(slices.Compact(cs)) != len(cs) {
			return "repeated option"
		}
	default:
		return "unexpected kind " + string(q.Kind)
	}
	return ""
}
