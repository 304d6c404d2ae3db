package session

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/mailwire/mailwire/core/smtpwire"
)

// SMTP is a client-side SMTP session over a connection. It sends what it is
// told to and reports every unit both ways as Events.
type SMTP struct {
	conn net.Conn
	r    *smtpwire.Reader
	rec  *recorder
}

// NewSMTP starts a session over conn. The connection is owned by the
// session from now on; Close closes it.
func NewSMTP(conn net.Conn, emit Emitter) *SMTP {
	s := &SMTP{conn: conn, r: smtpwire.NewReader(conn), rec: newRecorder(emit)}
	s.rec.send(Event{Dir: DirLocal, Kind: KindConnect, Summary: "connected to " + conn.RemoteAddr().String(),
		Explain: "The TCP connection is open. An SMTP client now waits for the server to speak first: the greeting.",
		RFC:     "RFC 5321 §3.1"})
	return s
}

// ReadGreeting reads the server's opening reply (RFC 5321 §3.1, §4.3.2: 220, or
// 554 when the server refuses service).
func (s *SMTP) ReadGreeting() (smtpwire.Reply, error) {
	return s.readReply(KindGreeting, "")
}

// Command sends one command line (without its CR LF) and reads the reply.
func (s *SMTP) Command(line string) (smtpwire.Reply, error) {
	raw := []byte(line + "\r\n")
	cmd := smtpwire.ParseCommand(raw)
	if _, err := s.conn.Write(raw); err != nil {
		s.fail(err)
		return smtpwire.Reply{}, fmt.Errorf("session: sending %s: %w", cmd.Verb, err)
	}
	info := explainCommand(cmd)
	s.rec.send(Event{Dir: DirClient, Kind: KindCommand, Raw: raw, Verb: cmd.Verb,
		Summary: strings.TrimSpace(cmd.Verb + " " + cmd.Args), Explain: info.explain, RFC: info.rfc})
	return s.readReply(KindReply, cmd.Verb)
}

// Close closes the connection and reports it.
func (s *SMTP) Close() error {
	err := s.conn.Close()
	s.rec.send(Event{Dir: DirLocal, Kind: KindClose, Summary: "connection closed"})
	return err
}

func (s *SMTP) readReply(kind Kind, verb string) (smtpwire.Reply, error) {
	rep, err := s.r.ReadReply()
	if len(rep.Raw) > 0 {
		info := explainReply(rep, verb)
		s.rec.send(Event{Dir: DirServer, Kind: kind, Raw: rep.Raw, Code: rep.Code, Lines: rep.Lines,
			Problems: rep.Problems, Summary: info.summary, Explain: info.explain, RFC: info.rfc})
	}
	if err != nil {
		s.fail(err)
		return rep, fmt.Errorf("session: reading reply: %w", err)
	}
	return rep, nil
}

func (s *SMTP) fail(err error) {
	s.rec.send(Event{Dir: DirLocal, Kind: KindError, Summary: err.Error()})
}

// Hello runs the opening of an SMTP session: it reads the greeting and
// sends EHLO name, reporting each step. It returns the EHLO reply. The
// context bounds the whole exchange: when it ends, the connection's
// deadline is set so that blocked reads return.
func Hello(ctx context.Context, conn net.Conn, name string, emit Emitter) (*SMTP, smtpwire.Reply, error) {
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	s := NewSMTP(conn, emit)
	greet, err := s.ReadGreeting()
	if err != nil {
		return s, greet, err
	}
	if greet.Code != 220 {
		return s, greet, fmt.Errorf("session: server refused service: %d %s", greet.Code, greet.Text())
	}
	rep, err := s.Command("EHLO " + name)
	if err != nil {
		return s, rep, err
	}
	return s, rep, ctx.Err()
}
