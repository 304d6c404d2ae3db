// Package session drives a mail protocol session (SMTP, IMAP or POP3)
// over any net.Conn and reports every step as an Event: the direction,
// the time, the exact raw bytes (passwords masked), the parsed form, an
// explanation with its RFC and section, and the client state machine's
// verdict (state, commands valid now, warnings for commands sent out of
// sequence).
//
// # Use
//
//	s, err := session.Open(ctx, conn, session.Options{Proto: session.ProtoIMAP, TLS: session.TLSStartTLS,
//		ServerName: "mail.example.org", ExtraRootsPEM: labCA}, emit)
//	r, err := s.Send(ctx, "LOGIN alice {10}\nalice-pass") // typed input: tags and literals handled
//	r, err = s.Command(ctx, "SELECT", session.Astring("INBOX"))
//	st := s.State()                                     // state, valid commands, what was learned
//	s.Close()
//
// Open performs implicit TLS first when asked, waits for the greeting and,
// with TLSStartTLS, upgrades the connection. STARTTLS or STLS typed later
// is followed by the handshake as soon as the server accepts it. TLS trusts
// the roots of golang.org/x/crypto/x509roots/fallback plus the CA
// certificates given in Options.ExtraRootsPEM, the same natively and in
// the browser; the KindTLS event shows the version, cipher suite, ALPN,
// the certificate chain and the verification result, and every later
// event counts the encrypted bytes (WireIn, WireOut). A certificate that
// does not verify ends the session unless Options.AllowUnverified.
//
// Send takes what a student typed; Command, Login, SendMail, StartTLS and
// Quit compose commands. Each returns the server's final answer (Result)
// once everything sent is answered or the server waits for more input
// (a 354, a 334 or "+" challenge, a "+" before a literal, IDLE).
// Options.Timeout bounds every wait; the context passed to a call cancels
// that call's wait.
//
// The same dissectors (NewDissector) explain recorded sessions: see
// core/transcript.
//
// # Concurrency
//
// The calls that send may be made from any goroutine; they run one at a
// time. A goroutine reads the server for the life of the connection.
// Events are delivered to the Emitter one at a time, in wire order, from
// that goroutine or from the one sending; the Emitter must not block for
// long and must not call back into the Session.
//
// SMTP and Hello are the first bridge's API, kept and now built on Session.
package session
