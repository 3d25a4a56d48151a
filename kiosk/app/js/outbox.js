// The outbox: every finished response is written to IndexedDB first, then
// sent. The body, with its UUIDv7 id and device sequence number, is fixed
// when it is stored and never rebuilt, so a retry is byte-for-byte the same
// request and the server accepts it exactly once (200 for a known id).
//
//   201/200, or 409 for the same id  → delivered, removed
//   429                              → wait Retry-After, then retry
//   401/403                          → kept; the device must re-pair first
//   other 4xx                        → moved to "rejected", never retried,
//                                      counted in the staff corner
//   network failure, 5xx, 408        → retried with exponential backoff
//                                      (base·2^n, capped, with jitter)
//
// Citizens never see any of this.

const DB_NAME = 'sipas-kiosk';
const DB_VERSION = 1;

function openDB() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('outbox', { keyPath: 'id' });
      db.createObjectStore('rejected', { keyPath: 'id' });
      db.createObjectStore('meta', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

function result(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Outbox stores finished responses and delivers them. */
export class Outbox {
  /**
   * @param {object} o
   * @param {function} o.send        async (body) → {status, body, retryAfter}
   * @param {function} [o.onChange] called after anything changed (counts, last sync)
   * @param {function} [o.onSynced] called when a round emptied the queue
   * @param {function} [o.onAuth]   called on 401/403: the token is no good
   * @param {number} [o.baseMs]     first retry delay
   * @param {number} [o.capMs]      longest retry delay
   * @param {function} [o.random]   [0,1) source for jitter
   */
  constructor(o) {
    this.send = o.send;
    this.onChange = o.onChange || (() => {});
    this.onSynced = o.onSynced || (() => {});
    this.onAuth = o.onAuth || (() => {});
    this.baseMs = o.baseMs || 1000;
    this.capMs = o.capMs || 60000;
    this.random = o.random || Math.random;
    this.db = openDB();
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.again = false;
    this.paused = false;
    this.lastOK = null; // did the last attempt reach the server?
  }

  /**
   * add stores a finished response, giving it the next device sequence
   * number in the same transaction, and starts a delivery round. It resolves
   * to the stored body once it is safely on disk.
   */
  async add(body) {
    const db = await this.db;
    const tx = db.transaction(['outbox', 'meta'], 'readwrite');
    const stored = new Promise((resolve) => {
      const meta = tx.objectStore('meta');
      const get = meta.get('seq');
      get.onsuccess = () => {
        const seq = (get.result ? get.result.value : 0) + 1;
        meta.put({ key: 'seq', value: seq });
        const item = { ...body, seq };
        tx.objectStore('outbox').put({ id: item.id, body: item, queued_at: Date.now() });
        resolve(item);
      };
    });
    await done(tx);
    this.onChange();
    this.kick();
    return stored;
  }

  /** resetSeq starts the sequence again at 1 (a newly paired device). */
  async resetSeq() {
    const db = await this.db;
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').put({ key: 'seq', value: 0 });
    await done(tx);
  }

  /** counts returns {queued, rejected}. */
  async counts() {
    const db = await this.db;
    const tx = db.transaction(['outbox', 'rejected']);
    const [queued, rejected] = await Promise.all([
      result(tx.objectStore('outbox').count()),
      result(tx.objectStore('rejected').count()),
    ]);
    return { queued, rejected };
  }

  /** rejected lists what the server refused: ids, times and reasons, never the answers. */
  async rejectedList() {
    const db = await this.db;
    const all = await result(db.transaction('rejected').objectStore('rejected').getAll());
    return all.map((r) => ({ id: r.id, seq: r.body.seq, status: r.status, code: r.code, message: r.message, at: r.at }));
  }

  /** lastSync returns the RFC 3339 time the queue was last seen empty after a delivery round, or ''. */
  async lastSync() {
    const db = await this.db;
    const m = await result(db.transaction('meta').objectStore('meta').get('last_sync'));
    return m ? m.value : '';
  }

  /** pause stops delivery (no valid token); resume starts it again. */
  pause() {
    this.paused = true;
    this.#clearTimer();
  }
  resume() {
    this.paused = false;
    this.failures = 0;
    this.kick();
  }

  /** kick starts a delivery round now (a new response, back online, staff asked). */
  kick() {
    if (this.paused) return;
    this.#clearTimer();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.#round().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** idle resolves once no round is running (tests and the staff corner). */
  async idle() {
    while (this.running) await this.running;
  }

  async #round() {
    const db = await this.db;
    const items = await result(db.transaction('outbox').objectStore('outbox').getAll());
    items.sort((a, b) => a.body.seq - b.body.seq);
    let delivered = 0;
    for (const item of items) {
      if (this.paused) return;
      const res = await this.send(item.body);
      const s = res.status;
      if (s === 200 || s === 201 || s === 409) {
        await this.#remove(item.id);
        delivered++;
        this.failures = 0;
        this.lastOK = true;
        continue;
      }
      if (s === 401 || s === 403) {
        this.lastOK = true;
        this.pause();
        this.onAuth(s);
        return;
      }
      if (s === 429) {
        this.lastOK = true;
        this.#retryIn(res.retryAfter || this.#backoff());
        return;
      }
      if (s >= 400 && s < 500 && s !== 408) {
        this.lastOK = true;
        await this.#reject(item, res);
        continue;
      }
      this.lastOK = s !== 0;
      this.#retryIn(this.#backoff());
      return;
    }
    if (items.length > 0 || delivered > 0) {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put({ key: 'last_sync', value: new Date().toISOString() });
      await done(tx);
    }
    this.onChange();
    if (items.length > 0) this.onSynced();
  }

  #backoff() {
    this.failures++;
    const d = Math.min(this.capMs, this.baseMs * 2 ** (this.failures - 1));
    return Math.round(d * (0.5 + this.random() * 0.5));
  }

  #retryIn(ms) {
    this.onChange();
    this.#clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms);
  }

  #clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async #remove(id) {
    const db = await this.db;
    const tx = db.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').delete(id);
    await done(tx);
  }

  async #reject(item, res) {
    const err = (res.body && res.body.error) || {};
    const db = await this.db;
    const tx = db.transaction(['outbox', 'rejected'], 'readwrite');
    tx.objectStore('rejected').put({
      id: item.id, body: item.body, status: res.status,
      code: String(err.code || ''), message: String(err.message || ''), at: new Date().toISOString(),
    });
    tx.objectStore('outbox').delete(item.id);
    await done(tx);
  }
}
