package pop3

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// State is a POP3 session state (RFC 1939 section 3).
type State int

const (
	StateAuthorization State = iota
	StateTransaction
	StateUpdate
)

func (s State) String() string {
	switch s {
	case StateAuthorization:
		return "AUTHORIZATION"
	case StateTransaction:
		return "TRANSACTION"
	case StateUpdate:
		return "UPDATE"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// errQuit ends the session after the reply has been written.
var errQuit = errors.New("pop3: session over")

// handler runs one command. A returned error ends the session.
type handler struct {
	state State
	run   func(c *conn, cmd Command) error
}

// commands maps each keyword to the state it is valid in and its
// implementation (one file per command). CAPA, NOOP and QUIT are handled
// in either state by their own functions.
var commands map[string]handler

func init() {
	commands = map[string]handler{
		"USER": {StateAuthorization, cmdUser},
		"PASS": {StateAuthorization, cmdPass},
		"AUTH": {StateAuthorization, cmdAuth},
		"STLS": {StateAuthorization, cmdStls},
		"STAT": {StateTransaction, cmdStat},
		"LIST": {StateTransaction, cmdList},
		"UIDL": {StateTransaction, cmdUidl},
		"RETR": {StateTransaction, cmdRetr},
		"TOP":  {StateTransaction, cmdTop},
		"DELE": {StateTransaction, cmdDele},
		"RSET": {StateTransaction, cmdRset},
		"NOOP": {StateTransaction, cmdNoop},
	}
}

type conn struct {
	srv   *Server
	nc    net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	isTLS bool
	state State
	user  string // from USER, until PASS
	drop  Maildrop
	msgs  []MessageInfo
	dele  []bool
	nerr  int
	quit  bool // set when the session must end after this reply
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{srv: s, nc: nc}
	c.setIO(nc)
	return c
}

// setIO points the buffered reader and writer at nc (again after STLS).
func (c *conn) setIO(nc net.Conn) {
	c.nc = nc
	c.br = bufio.NewReaderSize(nc, 4096)
	c.bw = bufio.NewWriterSize(deadlineWriter{nc, c.srv.writeTimeout()}, 32<<10)
}

// deadlineWriter renews the write deadline on each write, so a large RETR
// may take long while a stalled client is still dropped.
type deadlineWriter struct {
	nc net.Conn
	d  time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	w.nc.SetWriteDeadline(time.Now().Add(w.d))
	return w.nc.Write(p)
}

func (c *conn) serve(implicitTLS bool) {
	log := c.srv.logger()
	defer func() {
		if v := recover(); v != nil {
			log.Error("pop3: panic", "panic", v, "remote", c.nc.RemoteAddr().String())
		}
		if c.drop != nil {
			c.drop.Close()
		}
		c.nc.Close()
	}()
	if implicitTLS {
		tc := tls.Server(c.nc, c.srv.TLSConfig)
		tc.SetDeadline(time.Now().Add(handshakeTimeout))
		if err := tc.Handshake(); err != nil {
			log.Debug("pop3: tls handshake", "err", err)
			return
		}
		tc.SetDeadline(time.Time{})
		c.setIO(tc)
		c.isTLS = true
	}
	host := c.srv.Hostname
	if host == "" {
		host = "localhost"
	}
	c.ok("%s POP3 server ready", host)
	if c.flush() != nil {
		return
	}
	for {
		c.nc.SetReadDeadline(time.Now().Add(c.srv.idleTimeout()))
		line, err := readLine(c.br, MaxLine)
		if err != nil {
			if errors.Is(err, ErrLineTooLong) {
				c.err("", "Line too long: a command line is at most %d octets with CRLF (RFC 2449 section 4)", MaxLine)
				c.flush()
			}
			// EOF, reset or the autologout timer: RFC 1939 section 3
			// says close without a reply and without entering UPDATE.
			return
		}
		err = c.handle(line)
		if err == nil && c.quit {
			err = errQuit
		}
		if err != nil {
			c.flush()
			if !errors.Is(err, errQuit) {
				log.Debug("pop3: session ended", "err", err)
			}
			return
		}
		// PIPELINING (RFC 2449 section 6.6): reply in one write when the
		// client sent several commands at once.
		if c.br.Buffered() == 0 {
			if c.flush() != nil {
				return
			}
		}
	}
}

func (c *conn) handle(line []byte) error {
	cmd, err := ParseCommand(line)
	if err != nil {
		return c.reject(strings.TrimPrefix(err.Error(), "pop3: "))
	}
	switch cmd.Name {
	case "QUIT":
		return cmdQuit(c, cmd)
	case "CAPA":
		return cmdCapa(c, cmd)
	}
	h, ok := commands[cmd.Name]
	if !ok {
		return c.reject(fmt.Sprintf("Unknown command: %s", cmd.Name))
	}
	if h.state != c.state {
		return c.reject(fmt.Sprintf("%s is only valid in the %s state (RFC 1939)", cmd.Name, h.state))
	}
	return h.run(c, cmd)
}

// reject answers -ERR for a command that could not run and counts it.
func (c *conn) reject(msg string) error {
	c.nerr++
	if c.nerr >= maxErrors {
		c.err("", "Too many errors, closing the connection")
		c.quit = true
		return errQuit
	}
	c.err("", "%s", msg)
	return nil
}

// failedAuth answers -ERR [AUTH] and counts it like any rejected command.
func (c *conn) failedAuth(format string, args ...any) {
	c.nerr++
	c.err(codeAuth, format, args...)
	if c.nerr >= maxErrors {
		c.quit = true
	}
}

func (c *conn) ok(format string, args ...any) {
	c.bw.WriteString(statusOK)
	if format != "" {
		c.bw.WriteByte(' ')
		fmt.Fprintf(c.bw, format, args...)
	}
	c.bw.WriteString("\r\n")
}

// err writes -ERR with an optional response code (RFC 2449 section 8).
func (c *conn) err(code, format string, args ...any) {
	c.bw.WriteString(statusErr)
	if code != "" {
		c.bw.WriteString(" [" + code + "]")
	}
	c.bw.WriteByte(' ')
	fmt.Fprintf(c.bw, format, args...)
	c.bw.WriteString("\r\n")
}

func (c *conn) flush() error { return c.bw.Flush() }

// authAllowed reports whether credentials may be sent now.
func (c *conn) authAllowed() bool { return c.isTLS || c.srv.AllowInsecureAuth }

// login runs the backend and enters TRANSACTION, or writes the failure.
func (c *conn) login(username, password string) error {
	drop, err := c.srv.Backend.Login(username, password)
	switch {
	case errors.Is(err, ErrAuthFailed):
		c.srv.logger().Info("pop3: authentication failed", "user", username, "remote", c.nc.RemoteAddr().String())
		c.failedAuth("Authentication failed")
		return nil
	case errors.Is(err, ErrInUse):
		c.err(codeInUse, "Maildrop is locked by another POP3 session")
		return nil
	case err != nil:
		c.srv.logger().Warn("pop3: login", "err", err)
		c.err(codeSysTemp, "Cannot open the maildrop now, try again later")
		return nil
	}
	c.drop = drop
	c.msgs = drop.Messages()
	c.dele = make([]bool, len(c.msgs))
	c.state = StateTransaction
	n, size := c.count()
	c.ok("Logged in, maildrop has %d message%s (%d octets)", n, plural(n), size)
	return nil
}

// count returns the number and total size of messages not marked deleted.
func (c *conn) count() (n int, size int64) {
	for i, m := range c.msgs {
		if !c.dele[i] {
			n++
			size += m.Size
		}
	}
	return n, size
}

// message resolves a message-number argument, writing -ERR when it does not
// name a live message.
func (c *conn) message(arg string) (int, bool) {
	i, err := parseMsgNum(arg, len(c.msgs))
	if err != nil {
		c.reject(err.Error())
		return 0, false
	}
	if c.dele[i] {
		c.reject(fmt.Sprintf("Message %d is already deleted", i+1))
		return 0, false
	}
	return i, true
}

// sendMessage writes message i as a multi-line response after the given
// status line; lines < 0 sends it whole, otherwise the header and the
// first lines of the body (TOP).
func (c *conn) sendMessage(i int, status string, lines int) error {
	r, err := c.drop.Open(i)
	if err != nil {
		c.err(codeSysTemp, "Cannot read message %d: %v", i+1, err)
		return nil
	}
	c.ok("%s", status)
	dw := newDotWriter(c.bw)
	if lines < 0 {
		_, err = io.Copy(dw, r)
	} else {
		err = copyTop(dw, r, lines)
	}
	if err != nil {
		return err // the response is cut; the client cannot resync
	}
	return dw.Close()
}

// copyTop copies the header, the empty line after it and the first n lines
// of the body (RFC 1939 section 7, TOP).
func copyTop(w io.Writer, r io.Reader, n int) error {
	br := bufio.NewReader(r)
	inBody, lineStart := false, true
	for {
		frag, err := br.ReadSlice('\n')
		if len(frag) > 0 {
			if lineStart {
				if inBody {
					if n == 0 {
						return nil
					}
					n--
				} else if string(frag) == "\n" || string(frag) == "\r\n" {
					inBody = true
				}
			}
			if _, werr := w.Write(frag); werr != nil {
				return werr
			}
			lineStart = frag[len(frag)-1] == '\n'
		}
		switch {
		case err == bufio.ErrBufferFull:
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
