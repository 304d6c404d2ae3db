package explain

import (
	"bytes"
	"strings"
)

// Mask replaces a secret in what Mailwire shows.
const Mask = "********"

// Detail is one item of a unit's parsed form: a capability, a parameter,
// a response code, a FETCH item, a decoded SASL field.
type Detail struct {
	Name    string `json:"name"`
	Value   string `json:"value,omitempty"`
	Explain string `json:"explain,omitempty"`
	RFC     string `json:"rfc,omitempty"`
}

// Step is one explained protocol unit.
type Step struct {
	Dir      string   // "c" (client) or "s" (server)
	Kind     string   // command, reply, greeting, data, chunk, sasl, challenge, untagged, tagged, continuation, done, response, rest
	Raw      []byte   // the bytes on the wire, secrets masked
	Masked   bool     // Raw differs from the wire: a secret was masked
	Summary  string   // the parsed form in one line
	Explain  string   // what it means
	RFC      string   // where it is defined, e.g. "RFC 5321 §4.1.1.1"
	Code     int      // SMTP reply code
	Status   string   // IMAP/POP3 status: OK, NO, BAD, BYE, PREAUTH, +OK, -ERR
	Enhanced string   // enhanced status code, e.g. "2.1.5" (RFC 3463)
	Verb     string   // command verb, or for responses the verb answered
	Tag      string   // IMAP tag
	Lines    []string // reply or response text lines
	Details  []Detail // the parsed form, item by item
	Problems []string // departures from the grammar
	Warnings []string // departures from the protocol's sequence (sent out of order, not advertised, ...)
	State    string   // the client's state after this unit

	// StartTLS marks the server's acceptance of STARTTLS or STLS: the TLS
	// handshake begins right after this unit.
	StartTLS bool
	// Message holds a whole message the unit carries (DATA, BDAT LAST,
	// RETR, FETCH BODY[]), ready for the MIME explorer.
	Message []byte
}

// Secrets remembers secrets and scrubs them out of Steps.
type Secrets struct{ list []string }

// minSecret is the shortest secret scrubbed from text: shorter strings
// would erase ordinary text, and a one- or two-letter password is not
// protected by hiding it.
const minSecret = 3

// Add remembers a secret.
func (s *Secrets) Add(secret string) {
	if len(secret) < minSecret {
		return
	}
	for _, x := range s.list {
		if x == secret {
			return
		}
	}
	s.list = append(s.list, secret)
}

// Scrub replaces every known secret in the step by Mask.
func (s *Secrets) Scrub(st *Step) {
	for _, sec := range s.list {
		if bytes.Contains(st.Raw, []byte(sec)) {
			st.Raw = bytes.ReplaceAll(st.Raw, []byte(sec), []byte(Mask))
			st.Masked = true
		}
		st.Summary = strings.ReplaceAll(st.Summary, sec, Mask)
		st.Explain = strings.ReplaceAll(st.Explain, sec, Mask)
		for i := range st.Lines {
			st.Lines[i] = strings.ReplaceAll(st.Lines[i], sec, Mask)
		}
		for i := range st.Details {
			st.Details[i].Value = strings.ReplaceAll(st.Details[i].Value, sec, Mask)
			st.Details[i].Explain = strings.ReplaceAll(st.Details[i].Explain, sec, Mask)
		}
		for i := range st.Problems {
			st.Problems[i] = strings.ReplaceAll(st.Problems[i], sec, Mask)
		}
		if bytes.Contains(st.Message, []byte(sec)) {
			st.Message = bytes.ReplaceAll(st.Message, []byte(sec), []byte(Mask))
		}
	}
}

// State is what a client state machine knows after the latest unit.
type State struct {
	Proto string   `json:"proto"`           // smtp, imap or pop3
	Name  string   `json:"state"`           // the state's name, e.g. "selected"
	Valid []string `json:"valid,omitempty"` // commands that make sense now
	// Learned lists what the session found out: capabilities, limits,
	// counts, UIDVALIDITY, ...
	Learned []Detail `json:"learned,omitempty"`
	TLS     bool     `json:"tls"`            // the session runs over TLS
	User    string   `json:"user,omitempty"` // the user authenticated as
	// Waiting counts commands sent and not yet answered.
	Waiting int `json:"waiting"`
	// Awaiting says what the server waits for from the client: "literal"
	// (after +), "sasl" (after 334 or +), "data" (after 354), "idle"
	// (DONE), or "".
	Awaiting string `json:"awaiting,omitempty"`
}

// Dissector explains both directions of a session.
type Dissector interface {
	// Client and Server feed bytes each way in wire order and return the
	// units they complete, explained.
	Client(p []byte) []Step
	Server(p []byte) []Step
	// End explains what is left when the streams end.
	End() []Step
	// State reports the client state machine.
	State() State
	// AddSecret makes the dissector scrub a secret from every Step.
	AddSecret(secret string)
	// SetTLS records that the session now runs over TLS (after STARTTLS or
	// with implicit TLS): the state machine starts over as the RFCs say,
	// and server bytes buffered before the handshake are dropped; it
	// returns how many (more than zero means an injection attempt).
	SetTLS() (dropped int)
}

// Printable renders short binary data for an explanation, NUL as \0
// and other control bytes as \xNN.
func Printable(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == 0:
			sb.WriteString(`\0`)
		case c < 0x20 || c == 0x7f:
			sb.WriteString(`\x`)
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
