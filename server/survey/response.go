package survey

import "time"

// Channel is how a response reached us.
type Channel string

// Channels.
const (
	ChannelKiosk Channel = "kiosk" // a paired counter tablet
	ChannelQR    Channel = "qr"    // a phone, from a poster or a receipt code
	ChannelWeb   Channel = "web"   // a link on a website
	ChannelPaper Channel = "paper" // a paper form typed in by staff
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelKiosk, ChannelQR, ChannelWeb, ChannelPaper:
		return true
	}
	return false
}

// Response is one citizen's answers to one questionnaire, as stored.
type Response struct {
	ID            int64
	UID           string // client-chosen UUID; the idempotency key
	SurveyID      string
	SurveyVersion string
	AgencyID      int64
	CounterID     int64
	OfficerID     int64
	DeviceID      int64
	DeviceSeq     int64
	Channel       Channel
	Dossier       string
	AnsweredAt    *time.Time // the citizen's time from a tablet or paper form, or the phone form's by the server's clock; nil from other anonymous clients (decision 3)
	ReceivedAt    time.Time  // the server's time
	ClaimedAt     *time.Time // an anonymous client's answered_at: neither trusted nor counted, kept for audit (decision 3)
	Month         string     // YYYY-MM the response counts in, Asia/Ho_Chi_Minh
	Lang          string
	Answers       Answers
	Comment       string
	Partial       bool
	Flags         []string
	Excluded      bool
	ContentHash   []byte
	EnteredBy     int64
}
