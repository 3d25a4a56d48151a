package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// The writer talks to the driver itself (rawTx): every outcome of a batch
// must come out as it did through database/sql. One batch holds a new
// response, a retry, a conflict, two responses spending the same one-time
// code and two tablets' numbered responses, one of them not counted.
func TestWriterBatchOutcomes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	_, agencies, counters := rollupFixture(t, db, 1)
	dev, _, _, err := db.AddDevice(ctx, counters[0], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dev2, _, _, err := db.AddDevice(ctx, counters[0], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok := &survey.DossierToken{Dossier: "H17.1-261205-0001", CounterID: counters[0],
		IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.CreateDossierToken(ctx, []byte("nonce-1"), tok); err != nil {
		t.Fatal(err)
	}
	rs := sampleResponses(agencies[0], 9)
	for i, r := range rs[3:6] { // a tablet's responses numbered 4, 2, 5
		r.DeviceID, r.DeviceSeq, r.Channel = dev.ID, []int64{4, 2, 5}[i], survey.ChannelKiosk
	}
	rs[7].DeviceID, rs[7].DeviceSeq, rs[7].Channel = dev2.ID, 7, survey.ChannelKiosk
	rs[8].DeviceID, rs[8].DeviceSeq, rs[8].Channel = dev.ID, 900_000, survey.ChannelKiosk // implausible: stored, not counted
	w := db.NewWriter(64, nil)
	defer w.Close()
	if got, err := w.Submit(ctx, Write{Response: rs[0]}); err != nil || got != Inserted {
		t.Fatalf("first response: %v, %v", got, err)
	}

	retry, conflict := *rs[0], *rs[0]
	conflict.ContentHash = []byte("something else")
	writes := []Write{
		{Response: &retry},
		{Response: &conflict},
		{Response: rs[1], TokenID: tok.ID},
		{Response: rs[2], TokenID: tok.ID}, // the same code, in the same batch
		{Response: rs[3], CountSeq: true},
		{Response: rs[4], CountSeq: true},
		{Response: rs[5], CountSeq: true},
		{Response: rs[7], CountSeq: true},
		{Response: rs[8]},
	}
	want := []Outcome{Duplicate, Conflict, Inserted, TokenSpent, Inserted, Inserted, Inserted, Inserted, Inserted}
	// pend and commit directly, so that all of them share one transaction.
	batch := make([]*pending, len(writes))
	for i, wr := range writes {
		batch[i] = w.pend(ctx, wr)
	}
	w.commit(batch)
	for i, p := range batch {
		if r := <-p.result; r.err != nil || r.outcome != want[i] {
			t.Errorf("write %d: %v, %v; want %v", i, r.outcome, r.err, want[i])
		}
	}

	uids, err := db.ResponseUIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, u := range uids {
		stored[u] = true
	}
	if len(uids) != 7 || stored[rs[2].UID] || !stored[rs[1].UID] {
		t.Errorf("stored %v; want seven, with %s and without %s (its code was spent)", uids, rs[1].UID, rs[2].UID)
	}
	if rs[1].ID == 0 {
		t.Error("an inserted response was not given its row id")
	}
	used, err := db.DossierTokenByNonce(ctx, []byte("nonce-1"))
	if err != nil || used.UsedAt == nil || used.ResponseUID != rs[1].UID {
		t.Errorf("token after the batch: %+v, %v; want used by %s", used, err, rs[1].UID)
	}
	d, err := db.Device(ctx, dev.ID)
	if err != nil || d.LastSeq != 5 || d.SeqCount != 3 {
		t.Errorf("device: last %d, count %d (%v); want 5 and 3", d.LastSeq, d.SeqCount, err)
	}
	if d, err := db.Device(ctx, dev2.ID); err != nil || d.LastSeq != 7 || d.SeqCount != 1 {
		t.Errorf("second device: last %d, count %d (%v); want 7 and 1", d.LastSeq, d.SeqCount, err)
	}

	// A connection the pool replaces takes the writer's statements with it:
	// the writer prepares them again on the new one.
	old := w.stmts
	w.db.write.SetMaxIdleConns(0) // the idle connection is closed…
	w.db.write.SetMaxIdleConns(1) // …and the next use opens another
	if got, err := w.Submit(ctx, Write{Response: rs[6]}); err != nil || got != Inserted {
		t.Fatalf("after the pool's connection changed: %v, %v", got, err)
	}
	if w.stmts == old {
		t.Error("the writer kept statements prepared on a closed connection")
	}
	var auto, limit int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Errorf("the new connection checkpoints every %d pages (%v): its commits would pay for checkpoints", auto, err)
	}
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_size_limit`).Scan(&limit); err != nil || limit != 64<<20 {
		t.Errorf("the new connection's journal_size_limit is %d (%v): a WAL that grew would keep its size", limit, err)
	}
}
