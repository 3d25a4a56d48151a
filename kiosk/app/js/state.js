// The tablet's one state: which screen is up and the few facts that decide
// what a tap, a timer or a server answer may do next. It changes only through
// the named transitions below, each of which says what main.js should do.
// No DOM and no network here, and the clock is injected, so a test can walk
// every path in a moment (server/e2e TestKioskStateTransitions).

import { realClock } from './idle.js';

/** Screens, in the order a tablet meets them. */
export const SCREENS = ['loading', 'pair', 'survey', 'thanks', 'staff'];

export class KioskState {
  /**
   * @param {object} o
   * @param {function} o.newSession  def → a fresh Session (session.js)
   * @param {object} [o.clock]       {now, setTimeout, clearTimeout}
   */
  constructor(o) {
    this.newSession = o.newSession;
    this.clock = o.clock || realClock;
    this.screen = 'loading';
    this.session = null; // the citizen's answers while screen is 'survey'
    this.def = null; // the questionnaire in use
    this.pendingDef = null; // a newer questionnaire, swapped in at the next home
    this.pairAfterSession = false; // the token was lost mid-way: pair once this citizen is done
    this.reloadPending = false; // a new app version took over: reload at the next quiet home
    this.confirming = false; // a tapped card shows its choice for a moment
    this.finishing = false; // the response is being put in the outbox
    this.holdUntil = 0; // taps before this time do nothing
  }

  // ---- questions ------------------------------------------------------------

  /** atRest: home is up and nobody has touched it, so the tablet may change under it. */
  atRest() {
    return this.screen === 'survey' && this.session !== null && !this.session.started;
  }

  /** acceptsTaps is false during a card's confirmation and the guard after a submit. */
  acceptsTaps() {
    return !this.confirming && this.clock.now() >= this.holdUntil;
  }

  /** mayReload: a new version waits and the tablet is quiet. */
  mayReload() {
    return this.reloadPending && this.atRest() && this.clock.now() >= this.holdUntil;
  }

  // ---- transitions ------------------------------------------------------------

  /** loading: waiting for messages, config or the questionnaire. */
  loading() {
    this.screen = 'loading';
  }

  /** pairing shows the pairing screen; the session, if any, is dropped. */
  pairing() {
    this.screen = 'pair';
    this.session = null;
    this.pairAfterSession = false;
    this.confirming = false;
    this.finishing = false;
  }

  /** paired: a new pairing brings its own config and questionnaire. */
  paired() {
    this.def = null;
    this.pendingDef = null;
    this.screen = 'loading';
  }

  /** unpaired: staff asked to pair again; the questionnaire goes with the token. */
  unpaired() {
    this.def = null;
    this.pendingDef = null;
    this.pairing();
  }

  /**
   * authLost: the server no longer knows the token. Returns true when the
   * pairing screen is due now; false when a citizen is mid-way (they finish
   * first) or pairing is already up.
   */
  authLost() {
    if (this.screen === 'pair') return false;
    if (this.screen === 'survey' && this.session && this.session.started) {
      this.pairAfterSession = true;
      return false;
    }
    return true;
  }

  /**
   * definition offers a questionnaire fetched from the server or the cache.
   * Returns 'first' (none was loaded), 'pending' (a different one waits for
   * home; never swapped under a citizen) or 'same'.
   */
  definition(def) {
    if (!this.def) {
      this.def = def;
      return 'first';
    }
    if (def.version !== this.def.version || def.id !== this.def.id) {
      this.pendingDef = def;
      return 'pending';
    }
    return 'same';
  }

  /**
   * home starts the next citizen's session. Returns what to do: 'pair'
   * (no token, or it was lost mid-way), 'reload' (a new version waits) or
   * 'home'. After a submit, taps are ignored for guardMs so a double tap on
   * the last card does not start a new response.
   */
  home({ hasToken, afterSubmit = false, guardMs = 0 }) {
    this.confirming = false;
    this.finishing = false;
    if (this.pairAfterSession || !hasToken) {
      this.pairing();
      return 'pair';
    }
    if (this.pendingDef) {
      this.def = this.pendingDef;
      this.pendingDef = null;
    }
    if (this.reloadPending && !afterSubmit) return 'reload';
    this.session = this.newSession(this.def);
    this.screen = 'survey';
    if (afterSubmit) this.hold(guardMs);
    return 'home';
  }

  /** hold ignores taps for ms from now (never shortening a longer hold). */
  hold(ms) {
    this.holdUntil = Math.max(this.holdUntil, this.clock.now() + ms);
  }

  /** confirm starts a card's confirmation; false while one runs. */
  confirm() {
    if (this.confirming) return false;
    this.confirming = true;
    return true;
  }

  /** confirmed ends it; true when the citizen is still answering, so the survey may move on. */
  confirmed() {
    this.confirming = false;
    return this.screen === 'survey' && this.session !== null && !this.finishing;
  }

  /**
   * finish takes the session out to be sent. Returns it, or null when there
   * is none or it is already being finished (a second tap, or the idle
   * timeout racing the send button).
   */
  finish() {
    if (this.finishing || !this.session) return null;
    this.finishing = true;
    const s = this.session;
    this.session = null;
    return s;
  }

  /** thanks shows the thank-you screen once the response is in the outbox. */
  thanks() {
    this.screen = 'thanks';
  }

  /** staff opens the staff corner over whatever was up. */
  staff() {
    this.screen = 'staff';
  }

  /** newVersion: the service worker installed a new shell. */
  newVersion() {
    this.reloadPending = true;
  }
}
