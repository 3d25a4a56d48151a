// Package demo fills an empty database with a plausible province, TP Cần Thơ
// after the 2025 merger, and a year of responses, so that the dashboard,
// reports and kiosk can be shown and tested without real data. The output
// depends only on Options.Seed and Options.Now.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// Options controls a seeding run.
type Options struct {
	Now       time.Time // the last response is before it; its month is the latest seeded
	Seed      int64     // drives every random choice; same Seed and Now, same data
	Passwords bool      // give each user a random password (bcrypt, so slow-ish)
}

// Credential is a demo account; Password is empty unless Options.Passwords.
type Credential struct {
	Username string
	Role     survey.Role
	Password string
}

// Result says what was seeded. Passwords appear here and nowhere else.
type Result struct {
	Users     []Credential
	Agencies  int
	Counters  int
	Officers  int
	Responses int
	Targets   int // agency-year targets set
}

// ErrNotEmpty is returned when the database already has agencies: the demo
// must never mix with, or be mistaken for, a province's real data.
var ErrNotEmpty = errors.New("demo: the database already has agencies; seed only an empty database")

// batchSize keeps each insert transaction short, so the single writer is
// not held for the whole seeding run.
const batchSize = 1000

// Seed creates the demo agencies, counters, officers and users, then twelve
// months of responses ending at opt.Now. It refuses a database that already
// has agencies (ErrNotEmpty) before writing anything. The steps are separate
// transactions: a failure part-way leaves a partly seeded database, which is
// a throw-away demo file anyway.
func Seed(ctx context.Context, db *sqlite.DB, cat *survey.Catalog, opt Options) (*Result, error) {
	return run(ctx, db, cat, opt, auth.HashPassword)
}

// run is Seed with the password hash function as a parameter, so that tests
// can use a cheap bcrypt cost; bcrypt at cost 12 under -race takes seconds.
func run(ctx context.Context, db *sqlite.DB, cat *survey.Catalog, opt Options, hash func(string) (string, error)) (*Result, error) {
	if opt.Now.IsZero() {
		return nil, errors.New("demo: Options.Now is required")
	}
	for _, p := range places {
		if id := p.surveyID; id != "" {
			if _, ok := cat.Get(id); !ok {
				return nil, fmt.Errorf("demo: questionnaire %q is not in the catalog", id)
			}
		}
	}
	n, err := db.CountAgencies(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	if err := db.RegisterSurveys(ctx, cat.All()); err != nil {
		return nil, fmt.Errorf("demo: register questionnaires: %w", err)
	}

	// The PCG stream is keyed by the seed alone; the constant only keeps
	// the two halves of its state different.
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), uint64(opt.Seed)^0x5195a5_c4a7_7e0))
	s := &seeder{db: db, cat: cat, opt: opt, rng: rng, hash: hash, res: &Result{}}
	if err := s.structure(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := s.users(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := s.targets(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	rs, err := s.responses()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	// The bulk path counts the monthly rollups in the same transactions, so
	// the worker has nothing to catch up and the demo's pages are right at
	// once (it counts through the worker's own code, countOne).
	for i := 0; i < len(rs); i += batchSize {
		if err := db.BulkInsert(ctx, cat, rs[i:min(i+batchSize, len(rs))]); err != nil {
			return nil, fmt.Errorf("demo: insert responses: %w", err)
		}
	}
	s.res.Responses = len(rs)
	if err := s.dossiers(ctx, rs); err != nil {
		return nil, fmt.Errorf("demo: dossier counts: %w", err)
	}
	return s.res, nil
}

// seeder carries one run's state: the rows created so far, by spec key.
type seeder struct {
	db      *sqlite.DB
	cat     *survey.Catalog
	opt     Options
	rng     *rand.Rand
	hash    func(string) (string, error)
	res     *Result
	placed  []*placed
	byKey   map[string]*placed
	adminID int64
}

// placed is an agency as stored, with its counters and the questionnaire it uses.
type placed struct {
	spec     *agencySpec
	agency   *survey.Agency
	def      *survey.Definition
	counters []*placedCounter
}

type placedCounter struct {
	spec     counterSpec
	counter  *survey.Counter
	officers []*survey.Officer
}

// structure creates the agency tree, the counters and the officers.
func (s *seeder) structure(ctx context.Context) error {
	s.byKey = map[string]*placed{}
	officer := 0
	for i := range places {
		spec := &places[i]
		a := &survey.Agency{Code: spec.code, LegacyCode: spec.legacy, Name: survey.Text{"vi": spec.vi, "en": spec.en},
			Kind: spec.kind, ValidFrom: spec.validFrom, ValidTo: spec.validTo, SurveyID: spec.surveyID}
		if spec.parent != "" {
			a.ParentID = s.byKey[spec.parent].agency.ID
		}
		if spec.successor != "" {
			a.SuccessorID = s.byKey[spec.successor].agency.ID
		}
		if err := s.db.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
			return fmt.Errorf("agency %s: %w", spec.code, err)
		}
		p := &placed{spec: spec, agency: a}
		s.placed = append(s.placed, p)
		s.byKey[spec.key] = p
		s.res.Agencies++
		for _, cs := range spec.counters {
			c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: cs.code, Number: cs.number,
				Name: survey.Text{"vi": cs.vi, "en": cs.en}, Active: !cs.inactive}
			if err := s.db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
				return fmt.Errorf("counter %s: %w", cs.code, err)
			}
			s.res.Counters++
			pc := &placedCounter{spec: cs, counter: c}
			for _, title := range cs.titles {
				o := &survey.Officer{AgencyID: a.ID, Code: fmt.Sprintf("CB%04d", officer+1),
					Name: officerNames[officer%len(officerNames)], Title: title, CounterID: c.ID, Active: c.Active}
				if err := s.db.CreateOfficer(ctx, o, survey.CLI, time.Now()); err != nil {
					return fmt.Errorf("officer %s: %w", o.Code, err)
				}
				officer++
				pc.officers = append(pc.officers, o)
			}
			p.counters = append(p.counters, pc)
		}
	}
	s.res.Officers = officer
	// Resolve each agency's questionnaire the way the server does: its own
	// assignment, else the nearest ancestor's, else the default.
	for _, p := range s.placed {
		id := ""
		for q := p; q != nil && id == ""; q = s.byKey[q.spec.parent] {
			id = q.spec.surveyID
		}
		def, ok := s.cat.Get(id)
		if !ok {
			def = s.cat.Default()
		}
		p.def = def
	}
	return nil
}

// users creates the demo accounts, with fresh random passwords when asked.
func (s *seeder) users(ctx context.Context) error {
	for _, us := range users {
		u := &survey.User{Username: us.username, DisplayName: us.display, Role: us.role}
		if us.agency != "" {
			u.AgencyID = s.byKey[us.agency].agency.ID
		}
		cred := Credential{Username: us.username, Role: us.role}
		if s.opt.Passwords {
			pw, err := auth.RandomPassword()
			if err != nil {
				return err
			}
			if u.PasswordHash, err = s.hash(pw); err != nil {
				return err
			}
			cred.Password = pw
		}
		if err := s.db.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("user %s: %w", us.username, err)
		}
		if us.role == survey.RoleAdmin {
			s.adminID = u.ID
		}
		if us.email != "" {
			sub := &survey.Subscription{UserID: u.ID, Email: us.email, Lang: "vi"}
			if err := s.db.SaveSubscription(ctx, sub, survey.CLI, s.opt.Now); err != nil {
				return fmt.Errorf("user %s: %w", us.username, err)
			}
		}
		s.res.Users = append(s.res.Users, cred)
	}
	return nil
}
