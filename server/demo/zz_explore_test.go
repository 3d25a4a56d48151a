package demo

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

func TestZZExplore(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	now := time.Now()
	if s := os.Getenv("NOW"); s != "" {
		now, _ = time.ParseInLocation("2006-01-02T15:04", s, survey.Zone)
	}
	db, res := seedFresh(t, Options{Now: now, Seed: 2025})
	fmt.Println("responses", res.Responses)
	q := func(title, query string) {
		fmt.Println("==", title)
		rows, err := db.Reader().QueryContext(context.Background(), query)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Println(vals...)
		}
		rows.Close()
	}
	q("per agency", `SELECT a.code, count(*), sum(r.month = (SELECT max(month) FROM responses)) FROM responses r JOIN agencies a ON a.id=r.agency_id GROUP BY a.code`)
	q("per month", `SELECT month, count(*) FROM responses GROUP BY month`)
	q("sat per agency", `WITH v AS (SELECT r.agency_id, CAST(j.value AS INTEGER) AS x FROM responses r, json_each(r.answers) j WHERE j.type='integer' AND r.excluded=0) SELECT a.code, round(avg(x>=4)*100,1), round(avg(x),2), round(avg(x=3)*100,1) FROM v JOIN agencies a ON a.id=v.agency_id GROUP BY a.code`)
	q("per item", `SELECT j.key, count(*), round(avg(j.type='null')*100,1), round(avg(CAST(j.value AS INTEGER)>=4 AND j.type='integer')*100,1) FROM responses r, json_each(r.answers) j WHERE r.survey_id='sipas-dv-2023' GROUP BY j.key ORDER BY j.key`)
	q("values", `SELECT j.value, count(*) FROM responses r, json_each(r.answers) j WHERE j.key IN ('PHIENHA','TIENNGOAI','GT','DANTOC','UT3','LYDO','HL') GROUP BY j.key, j.value ORDER BY j.key`)
	q("sample", `SELECT uid, channel, lang, month, answered_at, received_at, officer_id, dossier, comment, partial, flags, raw FROM responses ORDER BY random() LIMIT 4`)
	q("comments", `SELECT comment, count(*) FROM responses WHERE comment<>'' GROUP BY comment ORDER BY 2 DESC LIMIT 5`)
	q("hours", `SELECT strftime('%H', answered_at, '+7 hours') h, count(*) FROM responses GROUP BY h`)
	q("weekday", `SELECT strftime('%w', answered_at, '+7 hours') h, count(*) FROM responses GROUP BY h`)
}
