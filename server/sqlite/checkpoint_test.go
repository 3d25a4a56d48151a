package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// openCheckpointTest opens a database whose checkpointer ticks every
// `every` and starts the WAL over from restartFrames frames.
func openCheckpointTest(t *testing.T, restartFrames int, every time.Duration) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sipas.db"), func(db *DB) {
		db.walRestartFrames, db.checkpointEvery = restartFrames, every
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// randomResponse is a response with a random UUIDv4, as perf-ratio sends:
// each one writes a page of the uid index of its own.
func randomResponse(agency int64) *survey.Response {
	at := time.Now().UTC()
	return &survey.Response{
		UID: fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rand.Uint32(), rand.Uint32N(1<<16),
			rand.Uint32N(1<<12), rand.Uint32N(1<<12), rand.Uint64N(1<<48)),
		SurveyID: "nhanh", SurveyVersion: "v1", AgencyID: agency, Channel: survey.ChannelQR,
		ReceivedAt: at, AnsweredAt: &at, Month: survey.Month(at), Lang: "vi",
		Answers:     survey.Answers{{Code: "HL", Value: json.RawMessage("4")}},
		ContentHash: []byte{1},
	}
}

// Under writes with no pause the WAL used to grow without end: SQLite
// starts it over only when a write transaction begins with every frame
// copied, and the writer had always appended more by then. The
// checkpointer now holds the writer for the last few frames, so the file
// stays near its restart length. Without that hold this load leaves a WAL
// of ~18 MB; with it, about a megabyte.
func TestCheckpointerStartsTheWALOverUnderLoad(t *testing.T) {
	db := openCheckpointTest(t, 128, 10*time.Millisecond)
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	// One transaction after another, as a saturated group-commit writer
	// commits: the next begins microseconds after the last.
	const batches, each = 300, 20
	for range batches {
		rs := make([]*survey.Response, each)
		for i := range rs {
			rs[i] = randomResponse(a.ID)
		}
		if err := db.InsertResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}

	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&n); err != nil || n != batches*each {
		t.Fatalf("%d responses stored (%v), want %d", n, err, batches*each)
	}
	fi, err := os.Stat(db.Path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// 128 frames are 0.5 MB; what the writer appends while the copies run
	// comes on top. A WAL that never started over holds every frame of
	// the run.
	if fi.Size() > 4<<20 {
		t.Errorf("the WAL is %.1f MB after %d responses: it was not started over", float64(fi.Size())/(1<<20), n)
	}
}

// A reader still on old frames keeps them from being copied: the
// checkpointer must then leave the writer alone rather than hold it for a
// copy that cannot finish, lose nothing, and have the file started over
// once the reader is done.
func TestCheckpointerLeavesTheWriterAloneWhileAReaderPinsTheWAL(t *testing.T) {
	db := openCheckpointTest(t, 0, time.Hour)
	ck := &checkpointer{db: db, restartFrames: 16} // the test steps it itself
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "x"}, Kind: survey.KindOther})
	write := func(n int) {
		t.Helper()
		rs := make([]*survey.Response, n)
		for i := range rs {
			rs[i] = randomResponse(a.ID)
		}
		if err := db.InsertResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	write(10)

	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&n); err != nil { // the read snapshot starts here
		t.Fatal(err)
	}
	for range 40 {
		write(100)
	}
	// The test holds the writer itself: a checkpoint that tried to take it
	// would wait until its deadline.
	busy, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	restart, err := ck.step(cctx)
	cancel()
	busy.Close()
	if err != nil || restart {
		t.Errorf("with a reader on old frames: restart %v, %v; want false and the writer left alone", restart, err)
	}
	if frames, copied, err := walCheckpoint(ctx, db.ckpt); err != nil || frames-copied <= walHoldFrames {
		t.Fatalf("the reader let all but %d of %d frames be copied (%v): the test needs more pinned", frames-copied, frames, err)
	}
	tx.Rollback()
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses`).Scan(&n); err != nil || n != 4010 {
		t.Fatalf("%d responses (%v), want 4010", n, err)
	}
	// The reader gone, what is left is copied; one pass copies it all, so
	// the next write transaction starts the WAL over without a hold.
	if _, err := ck.step(ctx); err != nil {
		t.Fatal(err)
	}
	write(1)
	frames, _, err := walCheckpoint(ctx, db.ckpt)
	if err != nil || frames > 16 {
		t.Errorf("after the reader left, the WAL holds %d frames (%v): it was not started over", frames, err)
	}
}
