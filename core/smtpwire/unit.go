package smtpwire

import "fmt"

// Kind says what a Unit is.
type Kind int

const (
	KindCommand Kind = iota + 1 // a command line from the client (RFC 5321 §4.1)
	KindReply                   // a complete reply, all its lines (RFC 5321 §4.2)
	KindData                    // the message after DATA, up to and including the "." line (RFC 5321 §4.1.1.4)
	KindChunk                   // the octets of one BDAT chunk (RFC 3030 §2)
	KindSASL                    // a client response line in an AUTH exchange (RFC 4954 §4)
	KindRest                    // the rest of a line cut at MaxLine
)

var kindNames = [...]string{KindCommand: "command", KindReply: "reply", KindData: "data", KindChunk: "chunk", KindSASL: "sasl", KindRest: "rest"}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Pseudo-verbs in Unit.InReplyTo for replies that answer no command line.
const (
	Greeting    = "(greeting)"    // the server's opening reply (RFC 5321 §4.3.1)
	EndOfData   = "(end of data)" // the reply to the message ended by "." or to BDAT ... LAST
	Unsolicited = "(unsolicited)" // a reply with no command waiting for it, such as a 421 (RFC 5321 §3.8)
)

// A Unit is one protocol unit split from a byte stream, with its exact raw
// bytes.
type Unit struct {
	Kind       Kind
	FromServer bool
	Raw        []byte // the exact bytes, line ends included

	Command   Command // KindCommand
	Reply     Reply   // KindReply
	InReplyTo string  // KindReply: the verb of the command answered, or a pseudo-verb

	// Body is, for KindData, the message with the dot-stuffing of
	// RFC 5321 §4.5.2 undone and the final "." line removed; for KindChunk
	// the chunk's octets.
	Body    []byte
	Stuffed int  // KindData: lines whose leading "." was removed
	Last    bool // KindChunk: the chunk of BDAT ... LAST

	// Mechanism and Step place KindSASL units and 334 replies in their
	// AUTH exchange: the mechanism named by AUTH and the 1-based step.
	Mechanism string
	Step      int

	// Cut is set when the unit was cut at a size limit; the bytes that
	// follow arrive in further units (KindRest for a line, the same kind
	// for a body or chunk).
	Cut bool

	// Problems lists where the unit departs from the grammar. The unit is
	// still what was on the wire.
	Problems []string
}
