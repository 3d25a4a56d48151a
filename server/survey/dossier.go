package survey

import (
	"encoding/json"
	"time"
)

// DossierToken is a one-time code's stored record.
type DossierToken struct {
	ID          int64
	Dossier     string
	CounterID   int64
	OfficerID   int64
	IssuedAt    time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
	ResponseUID string
}

// Draft is a phone form in progress: what a citizen has posted so far, page
// by page. It is done once ResponseUID is set ("" when there was nothing to
// store); a done draft only waits to be purged.
type Draft struct {
	ID            string
	SurveyID      string
	SurveyVersion string
	CounterID     int64
	Token         string // one-time dossier code of a /t/ link, "" for a poster
	Answers       map[string]json.RawMessage
	Comment       string
	Lang          string
	Client        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	FinishedAt    *time.Time // answered_at of the submission, fixed on the first attempt
	ResponseUID   *string
}

// Done reports whether the draft was submitted or closed.
func (d *Draft) Done() bool { return d.ResponseUID != nil }
