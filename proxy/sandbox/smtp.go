package sandbox

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpMode is what one SMTP listener is for.
type smtpMode int

const (
	// smtpRelay is port 25's job (here 1025): mail for local users from
	// anyone, no AUTH needed (RFC 5321).
	smtpRelay smtpMode = iota
	// smtpSubmission is message submission (RFC 6409, port 587; here
	// 1587 with STARTTLS, 1465 with implicit TLS per RFC 8314): AUTH
	// first, and only over TLS.
	smtpSubmission
)

// SMTP limits beyond the store's.
const (
	// maxRecipients caps RCPT TO per transaction (announced as LIMITS
	// RCPTMAX, RFC 9422).
	maxRecipients = 50
)

// SMTP replies the sandbox writes itself, each with its enhanced status
// code (RFC 3463).
var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required: this is the submission port (RFC 6409 section 4.3)"}
	errRelayDenied  = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied: the sandbox delivers only to its own users"}
	errNoSuchUser   = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	errMailboxFull  = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full: the recipient is over quota"}
	errStoreFull    = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Insufficient system storage, try again later"}
	errLocalError   = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error in processing, message not stored"}
	errBareLF       = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Bare LF or CR in message: every line must end with CRLF (RFC 5321 section 2.3.8); message not stored"}
	errLineTooLong  = &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "Line too long (RFC 5321 section 4.5.3.1.6); message not stored"}
	errAuthFailed   = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	errAuthzid      = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authorization identity must be empty or the user name"}
)

type smtpBackend struct {
	store *Store
	mode  smtpMode
	log   *slog.Logger
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, remote: c.Conn().RemoteAddr().String()}, nil
}

// smtpSession is one SMTP client's state between EHLO and QUIT.
type smtpSession struct {
	b      *smtpBackend
	remote string
	user   string // after AUTH
	from   string
	binary bool     // MAIL ... BODY=BINARYMIME (RFC 3030): bytes, not lines
	size   int64    // MAIL ... SIZE=n (RFC 1870), to size the buffer
	rcpts  []string // account names
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		name, ok := s.b.store.Authenticate(username, password)
		if !ok {
			s.b.log.Info("smtp: authentication failed", "user", username, "remote", s.remote)
			return errAuthFailed
		}
		s.user = name
		return nil
	}
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return errAuthzid
			}
			return check(username, password)
		}), nil
	case sasl.Login:
		return newLoginServer(check), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *smtpSession) Reset() { s.from, s.rcpts, s.binary, s.size = "", nil, false, 0 }

func (s *smtpSession) Logout() error { return nil }

func (s *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.b.mode == smtpSubmission && s.user == "" {
		return errAuthRequired
	}
	s.from = from
	s.binary = opts != nil && opts.Body == smtp.BodyBinaryMIME
	if opts != nil {
		s.size = opts.Size // go-smtp has checked it against the limit
	}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	name, ok := s.b.store.UserFor(to)
	if !ok {
		if _, domain, _ := strings.Cut(to, "@"); !strings.EqualFold(domain, s.b.store.Domain()) {
			return errRelayDenied
		}
		return errNoSuchUser
	}
	if !slices.Contains(s.rcpts, name) {
		s.rcpts = append(s.rcpts, name)
	}
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	// A client that announced SIZE gets a buffer of that size at once;
	// the announcement is a hint, so the buffer still grows if needed.
	buf := bytes.NewBuffer(make([]byte, 0, min(s.size+bytes.MinRead, s.b.store.limits.MaxMessageBytes)))
	_, err := buf.ReadFrom(r)
	body := buf.Bytes()
	if err != nil {
		if errors.Is(err, smtp.ErrTooLongLine) {
			return errLineTooLong
		}
		return err // go-smtp's own errors (size) pass through unchanged
	}
	if !s.binary && hasBareLineBreak(body) {
		return errBareLF
	}
	switch err := s.b.store.Deliver(s.rcpts, body); {
	case err == nil:
		return nil
	case errors.Is(err, ErrOverQuota):
		return errMailboxFull
	case errors.Is(err, ErrTooBig):
		return smtp.ErrDataTooLarge
	case errors.Is(err, ErrStoreFull):
		return errStoreFull
	default:
		s.b.log.Error("smtp: delivery failed", "err", err)
		return errLocalError
	}
}

// hasBareLineBreak reports an LF not after CR or a CR not before LF: the
// ambiguity SMTP smuggling exploits, refused rather than guessed at. Every
// CR and every LF must belong to a CRLF pair.
func hasBareLineBreak(b []byte) bool {
	pairs := bytes.Count(b, []byte("\r\n"))
	return bytes.Count(b, []byte("\n")) != pairs || bytes.Count(b, []byte("\r")) != pairs
}
