package session

import "time"

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
)

// Event is one step of a session, as the page shows it.
type Event struct {
	Seq     int       `json:"seq"`               // 1, 2, 3, ... in wire order
	Dir     Dir       `json:"dir"`               // who sent it
	Time    time.Time `json:"time"`              // when it was sent or received
	Elapsed float64   `json:"elapsed"`           // milliseconds since the session started
	Kind    Kind      `json:"kind"`              // what it is
	Raw     []byte    `json:"raw,omitempty"`     // the exact bytes on the wire
	Summary string    `json:"summary,omitempty"` // the parsed form in one line
	Explain string    `json:"explain,omitempty"` // what it means
	RFC     string    `json:"rfc,omitempty"`     // where it is defined, e.g. "RFC 5321 §4.1.1.1"

	Code     int      `json:"code,omitempty"`     // reply code, for replies
	Verb     string   `json:"verb,omitempty"`     // command verb, for commands
	Lines    []string `json:"lines,omitempty"`    // reply text lines, for replies
	Problems []string `json:"problems,omitempty"` // departures from the grammar
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
