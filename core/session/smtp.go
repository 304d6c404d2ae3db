package session

import (
	"context"
	"fmt"
	"net"

	"github.com/mailwire/mailwire/core/smtpwire"
)

// SMTP is the SMTP session of the first bridge: it sends command lines and
// returns the replies parsed. It is a thin layer over Session (field S),
// whose methods (Login, SendMail, StartTLS, State) it shares.
type SMTP struct {
	S *Session
}

// NewSMTP starts an SMTP session over conn, without waiting for the
// greeting. The connection is owned by the session from now on; Close
// closes it.
func NewSMTP(conn net.Conn, emit Emitter) *SMTP {
	s, _ := newSession(conn, Options{Proto: ProtoSMTP}, emit) // SMTP with no TLS cannot fail
	s.start()
	return &SMTP{S: s}
}

// ReadGreeting reads the server's opening reply (RFC 5321 §4.3.1: 220, or
// 554 when the server refuses service).
func (c *SMTP) ReadGreeting() (smtpwire.Reply, error) {
	_, err := c.S.ReadGreeting(context.Background())
	return c.reply(), err
}

// Command sends one command line (without its CR LF) and reads the reply.
func (c *SMTP) Command(line string) (smtpwire.Reply, error) {
	_, err := c.S.Send(context.Background(), line)
	if err != nil {
		return c.reply(), fmt.Errorf("session: %w", err)
	}
	return c.reply(), nil
}

// Close closes the connection and reports it.
func (c *SMTP) Close() error { return c.S.Close() }

// reply parses the latest reply's bytes.
func (c *SMTP) reply() smtpwire.Reply {
	c.S.mu.Lock()
	defer c.S.mu.Unlock()
	if c.S.final == nil {
		return smtpwire.Reply{}
	}
	return smtpwire.ParseReply(c.S.final.Raw)
}

// Hello runs the opening of an SMTP session: it reads the greeting and
// sends EHLO name, reporting each step. It returns the EHLO reply. The
// context bounds the whole exchange: when it ends, the connection's
// deadline is set so that blocked reads return.
func Hello(ctx context.Context, conn net.Conn, name string, emit Emitter) (*SMTP, smtpwire.Reply, error) {
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	c := NewSMTP(conn, emit)
	if _, err := c.S.ReadGreeting(ctx); err != nil {
		return c, c.reply(), err
	}
	rep, err := c.Command("EHLO " + name)
	if err != nil {
		return c, rep, err
	}
	return c, rep, ctx.Err()
}
