// Package imap explains IMAP sessions (IMAP4rev2, RFC 9051; IMAP4rev1,
// RFC 3501, which Dovecot and most servers still announce; and the
// extensions servers advertise): every command, continuation request,
// untagged and tagged response split by imapwire becomes an explain.Step
// with its parsed form (response codes, EXISTS, FLAGS, CAPABILITY, FETCH
// items, SEARCH results, LIST, STATUS, ...) and the RFC section.
//
// A client state machine follows the session through the states of
// RFC 9051 §3 (not authenticated, authenticated, selected, logout): it
// lists the commands valid now, warns about a command sent out of sequence
// (and lets it through: the server's BAD teaches too), and records what
// was learned: capabilities, the selected mailbox's EXISTS, RECENT, FLAGS,
// UIDVALIDITY, UIDNEXT, the first unseen message, SEARCH results. Message
// numbers are sequence numbers unless a UID command asked for UIDs, and
// the explanations say which.
//
// LOGIN passwords (atom, quoted string or literal) and AUTHENTICATE
// credentials are masked in every Step.
//
// A Dissector is not safe for concurrent use.
package imap
