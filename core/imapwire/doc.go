// Package imapwire splits the two byte streams of an IMAP session into
// protocol units, each kept with its exact raw bytes, and reads the IMAP
// data grammar (RFC 9051 §4 and §9; IMAP4rev1, RFC 3501, shares it).
//
// Units are client commands (a tag, a name, arguments), continuation
// requests ("+ "), untagged ("* ") and tagged responses. Literals are
// followed both ways: {n} and ~{n} (RFC 9051 §4.3), and the
// non-synchronizing {n+} of LITERAL+ (RFC 7888). A response that carries
// literals, such as a FETCH of BODY[], is one unit; a command is split
// where it waits for the server's "+" before a synchronizing literal.
// AUTHENTICATE exchanges (SASL responses) and IDLE's DONE are recognised.
//
// ParseCommand and ParseResponse read a complete unit into Values (atoms,
// numbers, quoted strings, literals, lists, NIL) and response codes; they
// are tolerant: anything is accepted, and what departs from the grammar
// is listed as problems. What a command means belongs to other packages.
//
// Limits (MaxLine, MaxUnit, list depth) bound memory and recursion
// whatever the peer sends; nothing here panics on input.
//
// A Conversation is not safe for concurrent use.
package imapwire
