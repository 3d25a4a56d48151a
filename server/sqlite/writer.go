package sqlite

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// Outcome is what became of one submitted response.
type Outcome int

// Outcomes of a write.
const (
	Inserted   Outcome = iota + 1 // stored now
	Duplicate                     // the same id with the same content was already stored: a retry
	Conflict                      // the id is stored with different content
	TokenSpent                    // the one-time dossier code was already used by another response
)

// Write is one response to store, with the one-time code it spends, if any.
type Write struct {
	Response *survey.Response
	TokenID  int64
	// CountSeq says the response's device sequence number is plausible, so it
	// moves the device's highest number and count (its "missing" figure). An
	// implausible one is stored with the response and moves neither.
	CountSeq bool
	// Answers, if not nil, is Response.Answers exactly as json.Marshal
	// encodes them: the submission path has it already (decision 14).
	Answers []byte
}

// WriterObserver is told about every committed batch (for metrics).
type WriterObserver func(size int, elapsed time.Duration)

// Writer is the group-commit writer of the submission path. SQLite has one
// writer and every durable commit costs an fsync, so concurrent submissions
// queue here and are committed together in one transaction; each caller is
// answered only after the transaction holding its response has committed.
type Writer struct {
	db       *DB
	queue    chan *pending
	maxBatch int
	observe  WriterObserver
	rollup   atomic.Pointer[Rollup] // told of every committed response, if set
	stmts    *writerStmts           // prepared on the pool's connection, kept while it lives

	mu     sync.RWMutex // guards closed against Submit racing Close
	closed bool
	done   chan struct{}
}

type pending struct {
	w      Write
	values [insertArgs]any // insertResponse's parameters
	tally  *tally          // what it adds to the rollups, when fed to a worker
	result chan writeResult
}

type writeResult struct {
	outcome Outcome
	err     error
}

// NewWriter starts the writer goroutine. maxBatch bounds one transaction.
func (db *DB) NewWriter(maxBatch int, observe WriterObserver) *Writer {
	if maxBatch < 1 {
		maxBatch = 256
	}
	if observe == nil {
		observe = func(int, time.Duration) {}
	}
	w := &Writer{db: db, queue: make(chan *pending, maxBatch*4), maxBatch: maxBatch, observe: observe, done: make(chan struct{})}
	go w.loop()
	return w
}

// updateSeq moves a tablet's highest sequence number and its count.
const updateSeq = `UPDATE devices SET last_seq = max(last_seq, ?), seq_count = seq_count + ? WHERE id = ?`

// writerConn is what the writer needs of the pool's driver connection.
type writerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

// writerStmts are the writer's two statements, prepared on one driver
// connection. Tablets send sequence numbers, so a batch updates about as
// many devices as it has responses: compiling that UPDATE each time cost
// more than the INSERT.
type writerStmts struct {
	conn   writerConn
	insert driver.StmtExecContext
	seq    driver.StmtExecContext
	// args are the INSERT's parameters, made again for each response
	// from its pending values: the driver copies them as it binds, and one
	// array for all saves each submission ~900 bytes of garbage.
	args [insertArgs]driver.NamedValue
}

func prepareWriter(ctx context.Context, c writerConn) (*writerStmts, error) {
	ws := &writerStmts{conn: c}
	for _, s := range []struct {
		stmt *driver.StmtExecContext
		text string
	}{{&ws.insert, insertResponse + ` ON CONFLICT (uid) DO NOTHING`}, {&ws.seq, updateSeq}} {
		st, err := c.PrepareContext(ctx, s.text)
		if err != nil {
			ws.close()
			return nil, err
		}
		*s.stmt = st.(driver.StmtExecContext)
	}
	return ws, nil
}

func (ws *writerStmts) close() {
	for _, st := range []driver.StmtExecContext{ws.insert, ws.seq} {
		if st != nil {
			st.(driver.Stmt).Close()
		}
	}
}

// rawTx runs fn in a write transaction on the pool's one connection,
// through the driver itself. The writer's goroutine is the submission
// path's serial part, and database/sql cost it an allocation of every
// statement's parameters and a conversion of each (~10 % of the bytes a
// submission allocates); the writer's parameters are made ready for the
// driver on the callers' goroutines (Writer.pend) instead. The
// connection is taken from the pool, so the rollup worker and the other
// writers still queue for it as before.
func (w *Writer) rawTx(ctx context.Context, fn func(*writerStmts) error) error {
	conn, err := w.db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(writerConn)
		if !ok {
			return fmt.Errorf("sqlite driver connection %T lacks what the writer needs", dc)
		}
		if w.stmts == nil || w.stmts.conn != c {
			// First use, or the pool replaced a broken connection (its
			// statements went with it).
			ws, err := prepareWriter(ctx, c)
			if err != nil {
				return err
			}
			w.stmts = ws
		}
		tx, err := c.BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return err
		}
		if err := fn(w.stmts); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// Feed hands every response committed from now on to the rollup worker r,
// with its tally, so that it counts them without reading them back.
func (w *Writer) Feed(r *Rollup) { w.rollup.Store(r) }

// Submit queues a response and waits until it is committed (or refused).
func (w *Writer) Submit(ctx context.Context, wr Write) (Outcome, error) {
	p := w.pend(ctx, wr)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return 0, survey.Errorf(survey.CodeUnavailable, "error.unavailable", nil)
	}
	select {
	case w.queue <- p:
	case <-ctx.Done():
		w.mu.RUnlock()
		return 0, ctx.Err()
	}
	w.mu.RUnlock()
	// Once queued the response will be written whatever the caller does;
	// a caller that gave up will learn the outcome on its retry.
	select {
	case r := <-p.result:
		return r.outcome, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// pend prepares a write for the writer's goroutine, the one part of the
// submission path that runs one response at a time: what can be worked out
// before the commit (the INSERT's parameters, the rollup tally) is worked
// out here, on the caller's goroutine, in parallel with the others.
func (w *Writer) pend(ctx context.Context, wr Write) *pending {
	p := &pending{w: wr, values: responseValues(wr.Response, wr.Answers), result: make(chan writeResult, 1)}
	if r := w.rollup.Load(); r != nil {
		p.tally = r.tallyFor(ctx, wr.Response)
	}
	return p
}

// Close stops accepting responses, writes everything already queued, and returns.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
	if ws := w.stmts; ws != nil {
		// Closed on their connection, like every use of it.
		if conn, err := w.db.write.Conn(context.Background()); err == nil {
			conn.Raw(func(dc any) error {
				if dc == ws.conn {
					ws.close()
				}
				return nil
			})
			conn.Close()
		}
	}
}

func (w *Writer) loop() {
	defer close(w.done)
	batch := make([]*pending, 0, w.maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for p := range w.queue {
		// Take what queued while the last commit ran. Under load that is a
		// batch already: committing it at once keeps the writer busy
		// instead of idle for gatherWait (decision 14).
		batch = w.take(append(batch[:0], p), nil)
		if len(batch) < gatherMin {
			// Few: gather for a moment, so that requests arriving within
			// gatherWait share the commit, and so its fsync, which is what
			// a commit costs. Alone, a tablet waits half a millisecond more.
			timer.Reset(gatherWait)
			batch = w.take(batch, timer.C)
			timer.Stop()
		}
		w.commit(batch)
	}
}

// take adds queued responses to batch, up to maxBatch: those queued
// already when until is nil, else those arriving until it fires.
func (w *Writer) take(batch []*pending, until <-chan time.Time) []*pending {
	for len(batch) < w.maxBatch {
		var q *pending
		ok := true
		if until == nil {
			select {
			case q, ok = <-w.queue:
			default:
				return batch
			}
		} else {
			select {
			case q, ok = <-w.queue:
			case <-until:
				return batch
			}
		}
		if !ok { // closed
			return batch
		}
		batch = append(batch, q)
	}
	return batch
}

// gatherMin is the batch under which the writer waits gatherWait for more
// before committing.
const gatherMin = 8

// gatherWait is how long the writer waits after a first response for more
// to commit with it. Half a millisecond, not the prototype's 2 ms: with 32
// tablets sending at once, 2 ms kept the writer idle while the others were
// still on their way, and the rate was 15–20 % lower; with none (0) it was
// 3 % lower, more commits sharing less (decision 14, fifth session).
const gatherWait = 500 * time.Microsecond

// commit writes a batch in one transaction. If the transaction fails as a
// whole, each response is retried alone so one bad row cannot sink the others.
func (w *Writer) commit(batch []*pending) {
	start := time.Now()
	outcomes := make([]Outcome, len(batch))
	err := w.rawTx(context.Background(), func(ws *writerStmts) error {
		return writeBatch(ws, batch, outcomes)
	})
	if err == nil {
		w.observe(len(batch), time.Since(start))
		for i, p := range batch {
			p.result <- writeResult{outcome: outcomes[i]}
		}
		if r := w.rollup.Load(); r != nil {
			fed := make([]rawResponse, 0, len(batch))
			for i, p := range batch {
				if outcomes[i] == Inserted {
					fed = append(fed, fedOf(p.w.Response, p.tally))
				}
			}
			r.feed(fed)
		}
		return
	}
	if len(batch) == 1 {
		batch[0].result <- writeResult{err: err}
		return
	}
	for _, p := range batch {
		w.commit([]*pending{p})
	}
}

func writeBatch(ws *writerStmts, batch []*pending, outcomes []Outcome) error {
	ctx := context.Background()
	type seqs struct{ max, n int64 }
	devices := map[int64]*seqs{}
	for i, p := range batch {
		r := p.w.Response
		for i, v := range p.values {
			ws.args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		res, err := ws.insert.ExecContext(ctx, ws.args[:])
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			outcomes[i], err = existing(ctx, ws.conn, r)
			if err != nil {
				return err
			}
			continue
		}
		r.ID, _ = res.LastInsertId()
		if p.w.TokenID != 0 {
			res, err := ws.conn.ExecContext(ctx, `UPDATE dossier_tokens SET used_at = ?, response_uid = ? WHERE id = ? AND used_at IS NULL`,
				namedArgs([]any{ts(r.ReceivedAt), r.UID, p.w.TokenID}))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				// Spent by another response meanwhile: take this one back out.
				if _, err := ws.conn.ExecContext(ctx, `DELETE FROM responses WHERE id = ?`, namedArgs([]any{r.ID})); err != nil {
					return err
				}
				outcomes[i] = TokenSpent
				continue
			}
		}
		outcomes[i] = Inserted
		if r.DeviceID != 0 && r.DeviceSeq > 0 && p.w.CountSeq {
			s := devices[r.DeviceID]
			if s == nil {
				s = &seqs{}
				devices[r.DeviceID] = s
			}
			s.max = max(s.max, r.DeviceSeq)
			s.n++
		}
	}
	for id, s := range devices {
		if _, err := ws.seq.ExecContext(ctx, namedArgs([]any{s.max, s.n, id})); err != nil {
			return err
		}
	}
	return nil
}

// namedArgs are positional parameters as the driver takes them. Every
// value must be one the driver binds as it is (int64, float64, bool,
// []byte, string, time.Time or nil): nothing converts them on this path.
func namedArgs(args []any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// existing tells a retry from a conflict when the id is already stored.
func existing(ctx context.Context, c writerConn, r *survey.Response) (Outcome, error) {
	rows, err := c.QueryContext(ctx, `SELECT content_hash FROM responses WHERE uid = ?`, namedArgs([]any{uidKey(r.UID)}))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	row := make([]driver.Value, 1)
	if err := rows.Next(row); errors.Is(err, io.EOF) {
		return 0, errors.New("response vanished during write")
	} else if err != nil {
		return 0, err
	}
	if hash, _ := row[0].([]byte); bytes.Equal(hash, hashKey(r.ContentHash)) {
		return Duplicate, nil
	}
	return Conflict, nil
}
