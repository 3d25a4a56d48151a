package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery is the checkpointer's tick.
const checkpointEvery = 500 * time.Millisecond

// walRestartFrames is the WAL's length, in frames of ~4 KB, from which the
// checkpointer makes sure that the next write transaction starts the file
// over (checkpointer.step). 4,096 frames are 17 MB: with what a saturated writer
// appends in a tick on top, the file stays under journal_size_limit
// (64 MB), so a restart never truncates it either.
const walRestartFrames = 4096

// walHoldFrames is the most frames the checkpointer copies while it holds
// the writer: a few milliseconds' work.
const walHoldFrames = 256

// startCheckpointer moves WAL frames into the database file from its own
// connection, every tick. SQLite would otherwise checkpoint inside
// whichever commit crosses 1,000 pages (the write pool's DSN turns that
// off: wal_autocheckpoint(0)), and that commit — a batch of citizens'
// responses waiting for their 201 — would pay for the copy and an extra
// fsync of the database file.
func (db *DB) startCheckpointer() error {
	if db.externalCheckpoints {
		return nil
	}
	c, err := sql.Open("sqlite", dsn(db.Path, false))
	if err != nil {
		return err
	}
	c.SetMaxOpenConns(1)
	db.ckpt, db.stop, db.done = c, make(chan struct{}), make(chan struct{})
	every := db.checkpointEvery
	if every <= 0 {
		every = checkpointEvery
	}
	ck := &checkpointer{db: db, restartFrames: db.walRestartFrames}
	// Closing stop also ends a wait for the writer (step's hold).
	stop, done := db.stop, db.done
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
	}()
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				// Errors (a busy reader, say) only delay the checkpoint to the next tick.
				ck.step(ctx)
			}
		}
	}()
	return nil
}

// stopCheckpointer ends the checkpointer, if it runs, and closes its connection.
func (db *DB) stopCheckpointer() error {
	if db.stop == nil {
		return nil
	}
	close(db.stop)
	<-db.done
	db.stop = nil
	return db.ckpt.Close()
}

// checkpointer is the state of the checkpoints between two ticks.
type checkpointer struct {
	db            *DB
	restartFrames int // see step; 0: never hold the writer
	seen          int // the WAL's length at the last step
}

// step copies the WAL's frames into the database file without blocking
// the writer (PASSIVE). Once the WAL has grown to restartFrames, it also
// makes sure that the next write transaction starts the file over, and
// reports whether it held the writer for that and copied every frame.
//
// Why: SQLite starts the WAL over only when a write transaction begins with
// every frame already copied, and under a steady stream of commits with no
// pause the writer has always begun its next one by then, so the file grew
// without end (866 MB after a 10 s saturated run). Every commit then
// appended to it, and an fdatasync after an append also commits the file
// system's journal (the file's size and blocks changed), where one after
// overwriting blocks already written sends only the data (decision 14: the
// project 3–5 % faster under perf-ratio's load, run side by side with the
// old code). So, when the WAL is long: copy, copy again what the writer
// appended meanwhile, and when only a few frames are left, take the
// writer's connection, copy those and let go. The hold is short because the
// copies before it did the work; its cost is the database file's fsync. A
// reader still using old frames, or a writer that outpaces the copies,
// only puts the restart off to a later tick; a WAL that has not changed
// since the last step needs no hold (nothing is writing).
func (ck *checkpointer) step(ctx context.Context) (restart bool, err error) {
	db := ck.db
	frames, copied, err := walCheckpoint(ctx, db.ckpt)
	idle := frames == ck.seen
	ck.seen = frames
	if err != nil || ck.restartFrames <= 0 || frames < ck.restartFrames || idle {
		return false, err
	}
	for range 3 {
		if frames-copied <= walHoldFrames {
			break
		}
		if frames, copied, err = walCheckpoint(ctx, db.ckpt); err != nil {
			return false, err
		}
	}
	if frames-copied > walHoldFrames {
		return false, nil
	}
	conn, err := db.write.Conn(ctx) // the writer and the rollup wait meanwhile
	if err != nil {
		return false, err
	}
	defer conn.Close()
	frames, copied, err = walCheckpoint(ctx, db.ckpt)
	ck.seen = frames
	return err == nil && frames == copied, err
}

// walCheckpoint runs a PASSIVE checkpoint on c and returns the WAL's length
// and how much of it is now in the database file, in frames.
func walCheckpoint(ctx context.Context, c *sql.DB) (frames, copied int, err error) {
	var busy int
	err = c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, copied, err
}
