// Package sandbox is Mailwire's built-in mail server: a safe default target
// for students, on loopback, with demo users, realistic replies and no
// relaying anywhere. What is sent to it over SMTP can be read back over
// IMAP and POP3, byte for byte.
//
// # Services
//
// Every listener is on Config.Host (127.0.0.1); each port is configurable,
// 0 picks a free one and a negative value turns it off:
//
//	1025  SMTP (RFC 5321) with STARTTLS (RFC 3207); AUTH optional
//	1587  submission (RFC 6409): STARTTLS, then AUTH, then MAIL
//	1465  submission over implicit TLS (RFC 8314)
//	1143  IMAP4rev2/IMAP4rev1 (RFC 9051, RFC 3501) with STARTTLS
//	1993  IMAP over implicit TLS
//	1110  POP3 (RFC 1939) with STLS (RFC 2595)
//	1995  POP3 over implicit TLS
//
// SMTP is github.com/emersion/go-smtp: EHLO announces PIPELINING (RFC
// 2920), 8BITMIME (RFC 6152), ENHANCEDSTATUSCODES (RFC 2034, codes from RFC
// 3463), CHUNKING and BINARYMIME (RFC 3030), STARTTLS, AUTH PLAIN LOGIN
// (RFC 4954, RFC 4616), SMTPUTF8 (RFC 6531), SIZE (RFC 1870) and LIMITS
// (RFC 9422). Mail for a local user is accepted from anyone on 1025;
// other domains get 554 5.7.1, unknown local users 550 5.1.1. A message
// with a bare CR or LF is refused with 554 5.6.0 (RFC 5321 section 2.3.8;
// the ambiguity behind SMTP smuggling). go-smtp answers a command out of
// sequence with 502 5.5.1 where RFC 5321 section 4.3.2 lists 503.
//
// IMAP is github.com/emersion/go-imap/v2's imapserver over this package's
// store (imap*.go): IDLE, UIDPLUS, MOVE, NAMESPACE, ESEARCH, SEARCHRES,
// LIST-EXTENDED, LIST-STATUS, STATUS=SIZE, BINARY, CHILDREN, SPECIAL-USE,
// CREATE-SPECIAL-USE, LITERAL+, UNSELECT, UNAUTHENTICATE, APPENDLIMIT,
// LOGIN and AUTHENTICATE PLAIN. Every user has INBOX, Sent, Drafts and
// Trash, the last three marked with RFC 6154 special uses.
//
// POP3 is the pop3 subpackage; each user's INBOX is the maildrop, its UIDL
// is UIDVALIDITY and UID in hex, stable across sessions and restarts.
//
// Plaintext LOGIN, USER/PASS and AUTH are allowed before TLS only when the
// sandbox listens on loopback (as Dovecot does for local connections);
// submission always wants TLS first.
//
// # Store
//
// One Store holds every user's folders. A message accepted with 250 is in
// the IMAP INBOX (with a UID, under the folder's UIDVALIDITY, with flags)
// and in POP3; POP3 DELE then QUIT expunges it from IMAP too, and IMAP
// sessions that have the folder selected hear about every change (EXISTS,
// EXPUNGE, FETCH FLAGS) through go-imap's trackers. Deliveries are all or
// nothing across recipients. Limits: a message size (SIZE, APPENDLIMIT), a
// per-user quota (552 5.2.2, NO [OVERQUOTA]) and a cap on the whole store.
//
// The store lives in memory unless Config.Dir is set; then it is written
// through to DIR/mail/USER in the Maildir layout (see maildir.go) and
// survives a restart. The first start seeds each user with demo messages:
// plain text, multipart/alternative, an attachment and RFC 2047 encoded
// non-ASCII headers. Reset (and POST /api/sandbox/reset) empties everything
// and seeds again.
//
// # TLS
//
// At first start the sandbox makes its own CA and a server certificate for
// localhost, 127.0.0.1, ::1 and the domain's names (tlsca.go), kept in
// DIR/tls when Config.Dir is set. The CA is served at CAPath and included
// in ClientInfo so that the page can trust it inside its WASM TLS stack; it
// is name-constrained to loopback and the sandbox domain.
//
// # Concurrency
//
// A Sandbox is safe for concurrent use once started. The store has one
// mutex; message bodies are immutable once stored, so responses carrying
// them are written after the lock is released.
package sandbox
