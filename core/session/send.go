package session

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/imap"
	"github.com/mailwire/mailwire/core/imapwire"
	"github.com/mailwire/mailwire/core/smtpwire"
)

// Send sends what a student typed: one or more lines, each a command or,
// when the server waits for it, a message body, a SASL response, an IMAP
// literal or DONE. Line ends may be LF or CR LF; CR LF goes on the wire.
// It returns the server's final answer once everything sent is answered
// or the server waits for more input.
//
// IMAP: a line that starts with a command name gets a generated tag; a
// line ending in a synchronizing literal {n} is sent, and the n octets
// that follow in the input go out after the server's "+". When the input
// ends right after {n}, the next Send supplies the literal.
//
// A command sent out of sequence is still sent: its event carries a
// warning and the server's answer shows why.
func (s *Session) Send(ctx context.Context, input string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	wire := toCRLF(input)
	if len(wire) == 0 {
		return Result{}, fmt.Errorf("session: nothing to send")
	}
	if s.proto == ProtoIMAP {
		return s.sendIMAP(ctx, wire)
	}
	return s.sendLines(ctx, wire)
}

// Command composes a command from a verb and arguments and sends it. For
// IMAP the tag is generated and the arguments are sent as given: use
// Astring to quote a string argument.
func (s *Session) Command(ctx context.Context, verb string, args ...string) (Result, error) {
	line := strings.TrimSpace(verb + " " + strings.Join(args, " "))
	if s.proto == ProtoIMAP {
		line = s.nextTag() + " " + line
	}
	return s.Send(ctx, line)
}

// toCRLF turns LF or CR LF line ends into CR LF and ends the input with
// one.
func toCRLF(in string) []byte {
	in = strings.ReplaceAll(in, "\r\n", "\n")
	if in == "" {
		return nil
	}
	if !strings.HasSuffix(in, "\n") {
		in += "\n"
	}
	return []byte(strings.ReplaceAll(in, "\n", "\r\n"))
}

// sendLines sends SMTP or POP3 input line by line, waiting for each
// answer; a message body after 354 goes as one piece.
func (s *Session) sendLines(ctx context.Context, wire []byte) (Result, error) {
	var r Result
	for len(wire) > 0 {
		st := s.State()
		var chunk []byte
		if st.Awaiting == "data" {
			// the message: up to and including the "." line, or all of it
			end := dotLine(wire)
			if end < 0 {
				return r, s.write(wire) // the body goes on in the next Send
			}
			chunk, wire = wire[:end], wire[end:]
		} else {
			i := bytes.IndexByte(wire, '\n')
			chunk, wire = wire[:i+1], wire[i+1:]
		}
		if err := s.write(chunk); err != nil {
			return r, err
		}
		if err := s.wait(ctx, answered); err != nil {
			return s.result(), err
		}
		r = s.result()
	}
	return r, nil
}

// dotLine returns the end of the first "." line in a body, or -1.
func dotLine(b []byte) int {
	if bytes.HasPrefix(b, []byte(".\r\n")) {
		return 3
	}
	if i := bytes.Index(b, []byte("\r\n.\r\n")); i >= 0 {
		return i + 5
	}
	return -1
}

// nextTag generates an IMAP tag.
func (s *Session) nextTag() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tagN++
	return fmt.Sprintf("A%03d", s.tagN)
}

// sendIMAP sends typed IMAP input command by command, following literals.
func (s *Session) sendIMAP(ctx context.Context, wire []byte) (Result, error) {
	var r Result
	for len(wire) > 0 {
		st := s.State()
		s.mu.Lock()
		owed := s.pendingLit
		s.mu.Unlock()
		var seg []byte
		switch {
		case owed > len(wire):
			// fewer octets than the literal announced: send them, owe the rest
			if err := s.write(wire); err != nil {
				return r, err
			}
			s.mu.Lock()
			s.pendingLit = owed - len(wire)
			s.mu.Unlock()
			return r, nil
		case owed > 0:
			seg, wire = literalSegment(wire, owed)
		case st.Awaiting == "sasl" || st.Awaiting == "idle":
			i := bytes.IndexByte(wire, '\n')
			seg, wire = wire[:i+1], wire[i+1:]
		default:
			seg, wire = firstSegment(wire)
			seg = s.tagged(seg)
		}
		n, nonSync, lit := imapwire.LiteralAtEnd(seg)
		if err := s.write(seg); err != nil {
			return r, err
		}
		sync := lit && !nonSync
		s.mu.Lock()
		s.pendingLit = 0
		if sync {
			s.pendingLit = n
		}
		s.mu.Unlock()
		if err := s.wait(ctx, answered); err != nil {
			return s.result(), err
		}
		r = s.result()
		if sync && !r.OK {
			// refused before the literal: the rest of the command is not sent
			s.mu.Lock()
			s.pendingLit = 0
			s.mu.Unlock()
			return r, nil
		}
	}
	return r, nil
}

// firstSegment splits off the first line of a command, and with it any
// non-synchronizing literals and the lines they continue into; it stops
// after a line that ends with a synchronizing literal header.
func firstSegment(wire []byte) (seg, rest []byte) {
	pos := 0
	for pos < len(wire) {
		i := bytes.IndexByte(wire[pos:], '\n')
		if i < 0 {
			return wire, nil
		}
		end := pos + i + 1
		n, nonSync, ok := imapwire.LiteralAtEnd(wire[pos:end])
		if !ok || !nonSync {
			return wire[:end], wire[end:]
		}
		pos = min(end+n, len(wire))
	}
	return wire, nil
}

// literalSegment takes a literal's n octets, then the rest of the line
// they end (with any non-synchronizing literals in it).
func literalSegment(wire []byte, n int) (seg, rest []byte) {
	after, tail := firstSegment(wire[n:])
	return wire[:n+len(after)], tail
}

// tagged adds a generated tag to a line that starts with a command name.
func (s *Session) tagged(seg []byte) []byte {
	first, _, _ := bytes.Cut(seg, []byte(" "))
	first = bytes.TrimRight(first, "\r\n")
	name := strings.ToUpper(string(first))
	if !slices.Contains(imap.Commands(), name) && name != "UID" {
		return seg
	}
	return append([]byte(s.nextTag()+" "), seg...)
}

// Astring renders s as an IMAP astring (RFC 9051 §4): an atom when it can
// be one, else a quoted string, else a literal (for CR, LF, NUL or
// 8-bit octets), which Send then follows.
func Astring(s string) string {
	if s != "" && isAtom(s) {
		return s
	}
	quotable := len(s) < 1000
	for i := 0; i < len(s) && quotable; i++ {
		if c := s[i]; c == '\r' || c == '\n' || c == 0 || c >= 0x80 {
			quotable = false
		}
	}
	if quotable {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return "{" + strconv.Itoa(len(s)) + "}\r\n" + s
}

func isAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return !strings.EqualFold(s, "NIL")
}

// StartTLS sends STARTTLS (STLS for POP3); when the server accepts, the
// TLS handshake follows before StartTLS returns.
func (s *Session) StartTLS(ctx context.Context) (Result, error) {
	verb := "STARTTLS"
	if s.proto == ProtoPOP3 {
		verb = "STLS"
	}
	r, err := s.Command(ctx, verb)
	if err != nil {
		return r, err
	}
	s.mu.Lock()
	terr := s.tlsErr
	s.mu.Unlock()
	return r, terr
}

// Quit ends the session politely: QUIT, or LOGOUT for IMAP.
func (s *Session) Quit(ctx context.Context) (Result, error) {
	if s.proto == ProtoIMAP {
		return s.Command(ctx, "LOGOUT")
	}
	return s.Command(ctx, "QUIT")
}

// Login authenticates with a user name and password, as the protocol and
// the server's capabilities allow: SMTP AUTH PLAIN (or LOGIN), IMAP
// LOGIN (or AUTHENTICATE PLAIN when LOGIN is disabled), POP3 USER and
// PASS (or AUTH PLAIN). The password is masked in every event.
func (s *Session) Login(ctx context.Context, user, pass string) (Result, error) {
	s.mu.Lock()
	s.d.AddSecret(pass)
	st := s.d.State()
	s.mu.Unlock()
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	switch s.proto {
	case ProtoSMTP:
		mechs := learnedValue(st, "extension", "AUTH ")
		if mechs != "" && !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") && slices.Contains(strings.Fields(strings.ToUpper(mechs)), "LOGIN") {
			r, err := s.Command(ctx, "AUTH", "LOGIN")
			if err != nil || r.Code != 334 {
				return r, err
			}
			if r, err = s.Send(ctx, base64.StdEncoding.EncodeToString([]byte(user))); err != nil || r.Code != 334 {
				return r, err
			}
			return s.Send(ctx, base64.StdEncoding.EncodeToString([]byte(pass)))
		}
		return s.Command(ctx, "AUTH", "PLAIN", plain)
	case ProtoIMAP:
		if hasLearned(st, "capability", "LOGINDISABLED") {
			if hasLearned(st, "capability", "SASL-IR") {
				return s.Command(ctx, "AUTHENTICATE", "PLAIN", plain)
			}
			r, err := s.Command(ctx, "AUTHENTICATE", "PLAIN")
			if err != nil || s.State().Awaiting != "sasl" {
				return r, err
			}
			return s.Send(ctx, plain)
		}
		return s.Command(ctx, "LOGIN", Astring(user), Astring(pass))
	case ProtoPOP3:
		if hasLearned(st, "capability", "SASL PLAIN") && !hasLearned(st, "capability", "USER") {
			return s.Command(ctx, "AUTH", "PLAIN", plain)
		}
		r, err := s.Command(ctx, "USER", user)
		if err != nil || !r.OK {
			return r, err
		}
		return s.Command(ctx, "PASS", pass)
	}
	return Result{}, ErrProtocol
}

func hasLearned(st explain.State, name, value string) bool {
	for _, d := range st.Learned {
		if d.Name == name && (strings.EqualFold(d.Value, value) || strings.HasPrefix(strings.ToUpper(d.Value), strings.ToUpper(value)+" ")) {
			return true
		}
	}
	return false
}

func learnedValue(st explain.State, name, prefix string) string {
	for _, d := range st.Learned {
		if d.Name == name && strings.HasPrefix(strings.ToUpper(d.Value), prefix) {
			return d.Value[len(prefix):]
		}
	}
	return ""
}

// SendMail runs an SMTP mail transaction: MAIL FROM (with SIZE= when the
// server announced SIZE), one RCPT TO per recipient, DATA and the message,
// dot-stuffed. It stops at the first refusal and returns it.
func (s *Session) SendMail(ctx context.Context, from string, to []string, msg []byte) (Result, error) {
	if s.proto != ProtoSMTP {
		return Result{}, ErrProtocol
	}
	mail := "FROM:<" + from + ">"
	body := smtpwire.Stuff(msg)
	if hasLearned(s.State(), "extension", "SIZE") {
		// RFC 1870 §3: the size counts CR LF pairs but not the added dots
		// nor the final "." line
		unstuffed, _ := smtpwire.Unstuff(body)
		mail += " SIZE=" + strconv.Itoa(len(unstuffed))
	}
	r, err := s.Command(ctx, "MAIL", mail)
	if err != nil || !r.OK {
		return r, refusal(r, err, "MAIL")
	}
	accepted := 0
	for _, rc := range to {
		if r, err = s.Command(ctx, "RCPT", "TO:<"+rc+">"); err != nil {
			return r, err
		}
		if r.OK {
			accepted++
		}
	}
	if accepted == 0 {
		return r, refusal(r, nil, "RCPT")
	}
	if r, err = s.Command(ctx, "DATA"); err != nil || r.Code != 354 {
		return r, refusal(r, err, "DATA")
	}
	if r, err = s.Send(ctx, string(body)); err != nil || !r.OK {
		return r, refusal(r, err, "the message")
	}
	return r, nil
}

// SendMessage sends a message after the server's 354 (SMTP DATA):
// dot-stuffed (RFC 5321 §4.5.2), CR LF line ends, ended by the "." line.
// It returns the server's answer to the whole message.
func (s *Session) SendMessage(ctx context.Context, msg []byte) (Result, error) {
	if s.proto != ProtoSMTP {
		return Result{}, ErrProtocol
	}
	if s.State().Awaiting != "data" {
		return Result{}, fmt.Errorf("session: the server is not waiting for a message: send DATA and wait for 354 first")
	}
	return s.Send(ctx, string(smtpwire.Stuff(msg)))
}

func refusal(r Result, err error, what string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("session: %w: %s: %s", ErrRefused, what, r.Text)
}
