package session

import (
	"time"

	"github.com/mailwire/mailwire/core/explain"
)

// Dir is the direction of an Event.
type Dir string

const (
	DirClient Dir = "c" // bytes the client sent (C: in the RFCs' examples)
	DirServer Dir = "s" // bytes the server sent (S:)
	DirLocal  Dir = "i" // something that happened locally: connect, TLS, an error
)

// Kind names what an Event carries.
type Kind string

const (
	KindConnect  Kind = "connect"  // the connection is open
	KindGreeting Kind = "greeting" // the server's first reply
	KindCommand  Kind = "command"  // a command line from the client
	KindReply    Kind = "reply"    // a reply from the server
	KindClose    Kind = "close"    // the connection is closed
	KindError    Kind = "error"    // a local or protocol error
	KindTLS      Kind = "tls"      // a TLS handshake finished (or failed): see Event.TLS

	// Kinds of the other units the dissectors report (see core/explain).
	KindData         Kind = "data"         // SMTP: the message after DATA
	KindChunk        Kind = "chunk"        // SMTP: a BDAT chunk
	KindSASL         Kind = "sasl"         // a client's SASL response line
	KindChallenge    Kind = "challenge"    // a server's SASL challenge (334, "+ ")
	KindContinuation Kind = "continuation" // IMAP: a continuation request "+ "
	KindUntagged     Kind = "untagged"     // IMAP: an untagged response "* "
	KindTagged       Kind = "tagged"       // IMAP: a tagged response
	KindDone         Kind = "done"         // IMAP: DONE ending IDLE
	KindResponse     Kind = "response"     // POP3: +OK or -ERR with its lines
	KindRest         Kind = "rest"         // the rest of a unit cut at a size limit
)

// Event is one step of a session, as the page shows it.
type Event struct {
	Seq     int       `json:"seq"`               // 1, 2, 3, ... in wire order
	Dir     Dir       `json:"dir"`               // who sent it
	Time    time.Time `json:"time,omitzero"`     // when it was sent or received
	Elapsed float64   `json:"elapsed"`           // milliseconds since the session started
	Kind    Kind      `json:"kind"`              // what it is
	Raw     []byte    `json:"raw,omitempty"`     // the exact bytes on the wire
	Summary string    `json:"summary,omitempty"` // the parsed form in one line
	Explain string    `json:"explain,omitempty"` // what it means
	RFC     string    `json:"rfc,omitempty"`     // where it is defined, e.g. "RFC 5321 §4.1.1.1"

	Code     int      `json:"code,omitempty"`     // reply code, for replies
	Verb     string   `json:"verb,omitempty"`     // command verb, for commands; for replies the verb answered
	Lines    []string `json:"lines,omitempty"`    // reply text lines, for replies
	Problems []string `json:"problems,omitempty"` // departures from the grammar

	Proto    string   `json:"proto,omitempty"`    // smtp, imap or pop3
	Masked   bool     `json:"masked,omitempty"`   // Raw differs from the wire: a password was masked
	Status   string   `json:"status,omitempty"`   // IMAP/POP3 status: OK, NO, BAD, BYE, PREAUTH, +OK, -ERR
	Enhanced string   `json:"enhanced,omitempty"` // SMTP enhanced status code, e.g. "2.1.5" (RFC 3463)
	Tag      string   `json:"tag,omitempty"`      // IMAP tag
	Details  []Detail `json:"details,omitempty"`  // the parsed form item by item
	Warnings []string `json:"warnings,omitempty"` // sent out of sequence, not advertised, ...
	State    string   `json:"state,omitempty"`    // the client's state after this event
	Valid    []string `json:"valid,omitempty"`    // commands valid now (server and local events)
	// Message is a whole message carried by this unit (DATA, RETR, FETCH
	// BODY[]), for the MIME explorer; passwords scrubbed.
	Message []byte `json:"message,omitempty"`
	// StartTLS marks the reply that accepted STARTTLS/STLS: the TLS
	// handshake starts right after it.
	StartTLS bool     `json:"startTLS,omitempty"`
	TLS      *TLSInfo `json:"tls,omitempty"` // for KindTLS events
	// WireIn and WireOut count the bytes that crossed the connection
	// below TLS so far (encrypted once TLS is on); set on every event of a
	// session that uses TLS.
	WireIn  int64 `json:"wireIn,omitempty"`
	WireOut int64 `json:"wireOut,omitempty"`
}

// Detail is one item of a unit's parsed form: a capability, a parameter,
// a response code, a FETCH item, a decoded SASL field.
type Detail = explain.Detail

// TLSInfo describes a TLS connection for a KindTLS event.
type TLSInfo struct {
	Version     string     `json:"version"`               // e.g. "TLS 1.3"
	CipherSuite string     `json:"cipherSuite,omitempty"` // e.g. "TLS_AES_128_GCM_SHA256"
	ALPN        string     `json:"alpn,omitempty"`        // the negotiated application protocol, if any
	ServerName  string     `json:"serverName,omitempty"`  // the name the certificate was checked against (SNI)
	Resumed     bool       `json:"resumed,omitempty"`
	Chain       []CertInfo `json:"chain,omitempty"` // the certificates the server sent, leaf first
	Verified    bool       `json:"verified"`        // the chain verifies to a trusted root and matches ServerName
	VerifyError string     `json:"verifyError,omitempty"`
	Implicit    bool       `json:"implicit,omitempty"` // TLS from the first byte (ports 465, 993, 995), not STARTTLS
}

// CertInfo describes one certificate of a chain.
type CertInfo struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	DNSNames  []string  `json:"dnsNames,omitempty"`
	IPs       []string  `json:"ips,omitempty"`
	NotBefore time.Time `json:"notBefore"`
	NotAfter  time.Time `json:"notAfter"`
	SHA256    string    `json:"sha256"` // fingerprint of the DER bytes, hex
	KeyType   string    `json:"keyType,omitempty"`
	IsCA      bool      `json:"isCA,omitempty"`
}

// FromStep turns an explained unit into an Event (without Seq and time).
func FromStep(proto string, st explain.Step) Event {
	e := Event{Dir: Dir(st.Dir), Kind: Kind(st.Kind), Raw: st.Raw, Summary: st.Summary, Explain: st.Explain, RFC: st.RFC,
		Code: st.Code, Verb: st.Verb, Lines: st.Lines, Problems: st.Problems, Proto: proto, Masked: st.Masked,
		Status: st.Status, Enhanced: st.Enhanced, Tag: st.Tag, Details: st.Details, Warnings: st.Warnings,
		State: st.State, Message: st.Message, StartTLS: st.StartTLS}
	return e
}

// Emitter receives events. It is called from the goroutine driving the
// session, in wire order.
type Emitter func(Event)

// recorder numbers and timestamps events.
type recorder struct {
	emit  Emitter
	start time.Time
	seq   int
	now   func() time.Time
}

func newRecorder(emit Emitter) *recorder {
	if emit == nil {
		emit = func(Event) {}
	}
	r := &recorder{emit: emit, now: time.Now}
	r.start = r.now()
	return r
}

func (r *recorder) send(e Event) {
	r.seq++
	e.Seq = r.seq
	e.Time = r.now()
	e.Elapsed = float64(e.Time.Sub(r.start).Microseconds()) / 1000
	r.emit(e)
}
