package collect

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/metrics"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Errors callers act on, matched with errors.Is. The *survey.Error that
// Submit returns wraps them and carries the message shown; behaviour never
// depends on the message's id.
var (
	ErrConflict       = errors.New("collect: the id is stored with other content")
	ErrDossierUsed    = errors.New("collect: the dossier code was used by another response")
	ErrDossierExpired = errors.New("collect: the dossier code has expired")
)

// Service accepts responses. It is safe for concurrent use.
type Service struct {
	db      *sqlite.DB
	writer  *sqlite.Writer
	surveys *survey.Catalog
	codes   *auth.Codes
	clock   survey.Clock
	rules   Rules
	metrics *metrics.Metrics
	history *history
	limits  *Limiter

	mu       sync.Mutex
	versions map[string]*survey.Definition // older versions still accepted, by id@version
	counters map[int64]cachedCounter       // recently used counters, off the hot path's reads
}

type cachedCounter struct {
	c     *survey.Counter
	until time.Time
}

// counter returns a counter by ID, from a cache of a few seconds: every
// tablet response needs its counter's agency, and counters rarely change.
func (s *Service) counter(ctx context.Context, id int64) (*survey.Counter, error) {
	now := time.Now()
	s.mu.Lock()
	e, ok := s.counters[id]
	s.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.c, nil
	}
	c, err := s.db.Counter(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.counters) > 10_000 {
		clear(s.counters)
	}
	s.counters[id] = cachedCounter{c: c, until: now.Add(10 * time.Second)}
	s.mu.Unlock()
	return c, nil
}

// Config configures a Service.
type Config struct {
	DB      *sqlite.DB
	Surveys *survey.Catalog
	Codes   *auth.Codes
	Clock   survey.Clock
	Rules   Rules
	Metrics *metrics.Metrics
	Limits  *Limiter
	// Rollup, if set, is handed every committed response so that the
	// rollup worker counts it without reading it back (decision 14).
	Rollup *sqlite.Rollup
}

// New starts a Service and its group-commit writer; Close stops both.
func New(c Config) *Service {
	if c.Clock == nil {
		c.Clock = survey.SystemClock{}
	}
	if c.Rules.Table == nil {
		c.Rules.Table = DefaultTable()
	}
	observe := func(n int, d time.Duration) {
		c.Metrics.BatchSize.Observe(float64(n))
		c.Metrics.CommitDuration.Observe(d.Seconds())
	}
	writer := c.DB.NewWriter(256, observe)
	if c.Rollup != nil {
		writer.Feed(c.Rollup)
	}
	return &Service{
		db: c.DB, writer: writer, surveys: c.Surveys, codes: c.Codes, clock: c.Clock,
		rules: c.Rules, metrics: c.Metrics, history: newHistory(c.Rules.BurstWindow), limits: c.Limits,
		versions: map[string]*survey.Definition{}, counters: map[int64]cachedCounter{},
	}
}

// Close writes what is queued and stops the writer.
func (s *Service) Close() { s.writer.Close() }

// Submission is one response arriving, with who sent it.
type Submission struct {
	Request   *Request
	Device    *survey.Device // the authenticated tablet, if any
	Client    string         // the client's address, for rate limits on anonymous channels
	EnteredBy int64          // the user typing a paper form
	// AnsweredAt is set only by the server's own phone form: when the citizen
	// sent the last page, by the server's clock (an abandoned draft is sent by
	// the sweeper hours later). Never taken from a request.
	AnsweredAt time.Time
}

// via tells how a submission came in, for the rules.
func (sub Submission) via() Via {
	switch {
	case sub.Device != nil:
		return ViaTablet
	case sub.EnteredBy != 0:
		return ViaPaper
	}
	return ViaPhone
}

// Status says whether a response was stored now or had been stored before.
type Status string

// Statuses of an accepted submission.
const (
	Accepted  Status = "accepted"  // stored now: 201
	Duplicate Status = "duplicate" // the same response was stored before: 200
)

// Submit validates and stores one response. It returns only after the
// response is durably committed, or with a domain error saying why not.
func (s *Service) Submit(ctx context.Context, sub Submission) (Status, error) {
	st, err := s.submit(ctx, sub)
	switch {
	case err == nil:
		s.metrics.Submission(string(st), "")
	default:
		reason := "internal"
		var de *survey.Error
		if errors.As(err, &de) {
			reason = de.Message
		}
		s.metrics.Submission("rejected", reason)
	}
	return st, err
}

func (s *Service) submit(ctx context.Context, sub Submission) (Status, error) {
	req, now := sub.Request, s.clock.Now()
	id, err := uuid.Parse(req.ID)
	if err != nil || len(req.ID) != 36 {
		return "", survey.FieldError("id", "error.response.id", nil)
	}
	channel := survey.Channel(req.Channel)
	if !channel.Valid() {
		return "", survey.FieldError("channel", "error.response.channel", map[string]any{"Channel": req.Channel})
	}
	r := &survey.Response{UID: id.String(), Channel: channel, ReceivedAt: now, EnteredBy: sub.EnteredBy,
		Partial: req.Partial, Comment: survey.CleanText(req.Comment), Lang: req.Lang}
	if r.Lang == "" {
		r.Lang = "vi"
	} else if r.Lang != "vi" && r.Lang != "en" {
		return "", survey.FieldError("lang", "error.response.lang", nil)
	}

	w, counter, err := s.place(ctx, sub, r)
	if err != nil {
		return "", err
	}
	def, err := s.definition(ctx, req.Survey, req.Version)
	if err != nil {
		return "", err
	}
	r.SurveyID, r.SurveyVersion = def.ID, def.Version
	if err := def.ValidateAnswers(req.Answers, req.Comment, req.Partial); err != nil {
		return "", err
	}
	r.Answers = req.Answers
	var claimed *time.Time
	if req.AnsweredAt != "" {
		t, err := time.Parse(time.RFC3339Nano, req.AnsweredAt)
		if err != nil {
			return "", survey.FieldError("answered_at", "error.response.answered_at", nil)
		}
		claimed = &t
	}
	via := sub.via()
	// Anonymous poster responses are limited per counter and client; only
	// valid ones count, so a citizen correcting a mistake is not held back.
	if via == ViaPhone && w.TokenID == 0 && s.limits != nil {
		if wait := s.limits.Allow("poster:"+counter.Code+"|"+sub.Client, now); wait > 0 {
			return "", survey.Errorf(survey.CodeRateLimited, "error.rate_limited", map[string]any{"Seconds": int(wait.Seconds() + 0.999)})
		}
	}
	// Only a tablet (who is signed in at the counter) or a paper form may
	// name the officer; a dossier code brings its own. Checked after the
	// limit, so guessing codes from a phone costs its budget.
	if req.Officer != "" {
		if via == ViaPhone {
			return "", survey.FieldError("officer", "error.officer.anonymous", nil)
		}
		if r.OfficerID == 0 {
			o, err := s.db.OfficerByCode(ctx, req.Officer)
			if err != nil || o.AgencyID != counter.AgencyID {
				return "", survey.FieldError("officer", "error.officer.unknown", map[string]any{"Code": req.Officer})
			}
			r.OfficerID = o.ID
		}
	}

	at, clockOK := s.rules.when(sub, r, claimed, now)
	r.Month = survey.Month(at)
	seqOK := true
	if sub.Device != nil {
		seqOK = plausibleSeq(req.Seq, sub.Device.LastSeq)
		w.CountSeq = seqOK
	}

	canon := req.Answers.Canonical()
	r.ContentHash = req.contentHash(canon)
	r.Flags = s.rules.flags(s.history, facts{
		source: source(sub, counter), via: via, method: def.Method, at: at, answers: answersKey(canon),
		clockOK: clockOK, tokenFromDevice: sub.Device != nil && w.TokenID != 0, seqOK: seqOK,
	})
	r.Excluded = s.rules.excluded(r.Flags)
	w.Response, w.Answers = r, canon

	out, err := s.writer.Submit(ctx, w)
	if err != nil {
		return "", err
	}
	switch out {
	case sqlite.Inserted:
		return Accepted, nil
	case sqlite.Duplicate:
		return Duplicate, nil
	case sqlite.TokenSpent:
		return "", &survey.Error{Code: survey.CodeConflict, Message: "error.dossier.used", Err: ErrDossierUsed}
	default:
		return "", &survey.Error{Code: survey.CodeConflict, Message: "error.response.conflict", Field: "id", Err: ErrConflict}
	}
}

// when decides the time a response counts at, and sets the answered_at it
// is stored with. A tablet's or a paper form's own time counts under the
// clock rule. An anonymous client cannot place its answers in time: the
// server's time of receipt counts (or, for the server's own phone form, when
// the last page was sent), and a claimed answered_at stays in the raw body
// only, for audit.
func (r Rules) when(sub Submission, resp *survey.Response, claimed *time.Time, now time.Time) (time.Time, bool) {
	switch sub.via() {
	case ViaTablet:
		resp.AnsweredAt = claimed
		return r.countedTime(claimed, now, &sub.Device.CreatedAt)
	case ViaPaper:
		resp.AnsweredAt = claimed
		return r.countedTime(claimed, now, nil)
	}
	at := now
	if !sub.AnsweredAt.IsZero() && !sub.AnsweredAt.After(now) {
		at = sub.AnsweredAt
		resp.AnsweredAt = &at
	} else {
		resp.ClaimedAt = claimed
	}
	return at, true
}

// plausibleSeq reports whether a tablet's sequence number can be counted:
// from 1, and at most MaxSeqJump beyond the highest one seen so far.
func plausibleSeq(seq, last int64) bool {
	return seq >= 1 && (seq <= last || seq-last <= MaxSeqJump)
}

// place finds the counter and agency a response belongs to: from the
// tablet's pairing, from the one-time code, or from the counter code of a
// poster.
func (s *Service) place(ctx context.Context, sub Submission, r *survey.Response) (sqlite.Write, *survey.Counter, error) {
	req := sub.Request
	var w sqlite.Write
	var counterID int64
	switch {
	case sub.Device != nil:
		if r.Channel != survey.ChannelKiosk {
			return w, nil, survey.FieldError("channel", "error.response.channel", map[string]any{"Channel": req.Channel})
		}
		counterID, r.DeviceID, r.DeviceSeq = sub.Device.CounterID, sub.Device.ID, req.Seq
	case r.Channel == survey.ChannelKiosk:
		return w, nil, survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
	case r.Channel == survey.ChannelPaper && sub.EnteredBy == 0:
		return w, nil, survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	if req.Token != "" {
		t, err := s.Token(ctx, req.Token)
		if err != nil {
			return w, nil, err
		}
		if t.UsedAt != nil && t.ResponseUID != r.UID {
			return w, nil, &survey.Error{Code: survey.CodeConflict, Message: "error.dossier.used", Err: ErrDossierUsed}
		}
		if t.UsedAt == nil && !s.clock.Now().Before(t.ExpiresAt) {
			e := survey.FieldError("token", "error.dossier.expired", nil)
			e.Err = ErrDossierExpired
			return w, nil, e
		}
		w.TokenID, r.Dossier, r.OfficerID = t.ID, t.Dossier, t.OfficerID
		if counterID == 0 {
			counterID = t.CounterID
		}
	}
	var counter *survey.Counter
	var err error
	if counterID != 0 {
		counter, err = s.counter(ctx, counterID)
	} else {
		if req.Counter == "" {
			return w, nil, survey.FieldError("counter", "error.counter.missing", nil)
		}
		counter, err = s.db.CounterByCode(ctx, req.Counter)
	}
	if errors.Is(err, survey.ErrNotFound) {
		return w, nil, survey.FieldError("counter", "error.counter.unknown", map[string]any{"Code": req.Counter})
	}
	if err != nil {
		return w, nil, err
	}
	r.CounterID, r.AgencyID = counter.ID, counter.AgencyID
	return w, counter, nil
}

// Token checks a one-time dossier code and returns its record.
func (s *Service) Token(ctx context.Context, code string) (*survey.DossierToken, error) {
	nonce, err := s.codes.Parse(code)
	if le := (*auth.CodeLengthError)(nil); errors.As(err, &le) {
		return nil, survey.FieldError("token", "form.code.length", map[string]any{"Count": le.Got, "Want": auth.CodeLen})
	}
	if err != nil {
		return nil, survey.FieldError("token", "error.dossier.malformed", nil)
	}
	t, err := s.db.DossierTokenByNonce(ctx, nonce)
	if errors.Is(err, survey.ErrNotFound) {
		// Signed by us but unknown: issued by another installation, or its database was restored.
		return nil, survey.FieldError("token", "error.dossier.malformed", nil)
	}
	return t, err
}

// definition returns the questionnaire a response answered: the active
// version, or an older one still stored (a tablet offline across an update).
func (s *Service) definition(ctx context.Context, id, version string) (*survey.Definition, error) {
	d, ok := s.surveys.Get(id)
	if !ok {
		return nil, survey.FieldError("survey", "error.survey.unknown", map[string]any{"ID": id})
	}
	if version == "" || version == d.Version {
		return d, nil
	}
	key := id + "@" + version
	s.mu.Lock()
	old := s.versions[key]
	s.mu.Unlock()
	if old != nil {
		return old, nil
	}
	js, err := s.db.SurveyDefinitionJSON(ctx, id, version)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, survey.FieldError("version", "error.survey.version", map[string]any{"Version": version})
	}
	if err != nil {
		return nil, err
	}
	old = &survey.Definition{}
	if err := json.Unmarshal(js, old); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.versions[key] = old
	s.mu.Unlock()
	return old, nil
}

// source names who sent a response, for the repeat and burst rules: the
// tablet, or the counter and client address of an anonymous phone.
func source(sub Submission, c *survey.Counter) string {
	if sub.Device != nil {
		return "device:" + strconv.FormatInt(sub.Device.ID, 10)
	}
	return "counter:" + c.Code + "|" + sub.Client
}

// answersKey identifies an answer set regardless of key order, from its
// canonical encoding: 64 bits of its SHA-256, as a number (no string to
// allocate per submission).
func answersKey(canon []byte) uint64 {
	h := sha256.Sum256(canon)
	return binary.BigEndian.Uint64(h[:8])
}
