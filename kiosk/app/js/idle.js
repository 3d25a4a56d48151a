// The idle timer of question screens (UX.md §1 "Idle"): after idleMs
// without a touch it warns; during the warning it ticks once a second with
// the whole seconds left; at zero it expires. Any touch re-arms it, as often
// as the citizen likes. The clock is injected so tests can run 45 s + 20 s
// in a moment.

/** realClock is the browser's clock. */
export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/** IdleTimer warns after idleMs of inactivity and expires warnMs later. */
export class IdleTimer {
  /**
   * @param {object} o
   * @param {number} o.idleMs      quiet time before the warning
   * @param {number} o.warnMs      length of the warning countdown
   * @param {object} [o.clock]     {now, setTimeout, clearTimeout}
   * @param {function} [o.onWarn]   (secondsLeft) the warning opens
   * @param {function} [o.onTick]   (secondsLeft, fractionLeft) once a second during the warning
   * @param {function} [o.onResume] the citizen touched during the warning
   * @param {function} [o.onExpire] the countdown reached zero
   */
  constructor(o) {
    this.idleMs = o.idleMs;
    this.warnMs = o.warnMs;
    this.clock = o.clock || realClock;
    this.onWarn = o.onWarn || (() => {});
    this.onTick = o.onTick || (() => {});
    this.onResume = o.onResume || (() => {});
    this.onExpire = o.onExpire || (() => {});
    this.timer = null;
    this.deadline = 0;
    this.running = false;
    this.warning = false;
  }

  /** start arms the timer (again) from now. */
  start() {
    this.running = true;
    this.warning = false;
    this.#schedule(this.idleMs, () => this.#warn());
  }

  /** touch records activity: it ends a warning and re-arms. Ignored when stopped. */
  touch() {
    if (!this.running) return;
    const wasWarning = this.warning;
    this.start();
    if (wasWarning) this.onResume();
  }

  /** stop disarms the timer (home, thanks and staff screens never time out). */
  stop() {
    this.running = false;
    this.warning = false;
    this.#cancel();
  }

  /** secondsLeft is the whole seconds left in the warning, rounded up. */
  secondsLeft() {
    return Math.max(0, Math.ceil((this.deadline - this.clock.now()) / 1000));
  }

  #warn() {
    this.warning = true;
    this.deadline = this.clock.now() + this.warnMs;
    this.onWarn(this.secondsLeft());
    this.#tick();
  }

  #tick() {
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      this.stop();
      this.onExpire();
      return;
    }
    const secs = Math.ceil(left / 1000);
    this.onTick(secs, left / this.warnMs);
    // Wake when the displayed number changes, i.e. at the next whole second left.
    this.#schedule(left - (secs - 1) * 1000, () => this.#tick());
  }

  #schedule(ms, fn) {
    this.#cancel();
    this.timer = this.clock.setTimeout(fn, Math.max(0, ms));
  }

  #cancel() {
    if (this.timer != null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** FakeClock is a manual clock for tests: advance(ms) runs what falls due, in order. */
export class FakeClock {
  constructor(start = 0) {
    this.t = start;
    this.seq = 0;
    this.timers = new Map();
  }
  now() { return this.t; }
  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(id) { this.timers.delete(id); }
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const tm of this.timers.values()) {
        if (tm.at <= end && (!next || tm.at < next.at || (tm.at === next.at && tm.id < next.id))) next = tm;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}
