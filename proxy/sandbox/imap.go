package sandbox

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// imapCaps are the capabilities the sandbox asks go-imap to announce, on
// top of those it always adds (STARTTLS, AUTH=PLAIN, SASL-IR, LITERAL-,
// IDLE, UNSELECT, ENABLE, UTF8=ACCEPT, APPENDLIMIT).
var imapCaps = imap.CapSet{
	imap.CapIMAP4rev1:        {}, // RFC 3501
	imap.CapIMAP4rev2:        {}, // RFC 9051
	imap.CapNamespace:        {}, // RFC 2342
	imap.CapUIDPlus:          {}, // RFC 4315: APPENDUID, COPYUID, UID EXPUNGE
	imap.CapESearch:          {}, // RFC 4731
	imap.CapSearchRes:        {}, // RFC 5182
	imap.CapListExtended:     {}, // RFC 5258
	imap.CapListStatus:       {}, // RFC 5819
	imap.CapMove:             {}, // RFC 6851
	imap.CapStatusSize:       {}, // RFC 8438
	imap.CapBinary:           {}, // RFC 3516
	imap.CapChildren:         {}, // RFC 3348
	imap.CapSpecialUse:       {}, // RFC 6154
	imap.CapCreateSpecialUse: {}, // RFC 6154 section 3
	imap.CapLiteralPlus:      {}, // RFC 7888
	imap.CapUnauthenticate:   {}, // RFC 8437
}

// imapLogger adapts slog to go-imap's Printf logger.
type imapLogger struct{ l *slog.Logger }

func (a imapLogger) Printf(format string, args ...any) { a.l.Warn(fmt.Sprintf(format, args...)) }

// imapSession is one IMAP connection's view of the store. go-imap calls
// its methods from the connection's goroutine, and Idle from a second one
// while the first waits for DONE.
type imapSession struct {
	store *Store
	log   *slog.Logger
	conn  *imapserver.Conn
	user  string // "" until LOGIN or AUTHENTICATE
	sel   *view  // the selected mailbox, or nil
}

var (
	_ imapserver.SessionIMAP4rev2      = (*imapSession)(nil)
	_ imapserver.SessionUnauthenticate = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit    = (*imapSession)(nil)
)

func newIMAPSession(store *Store, log *slog.Logger, conn *imapserver.Conn) *imapSession {
	return &imapSession{store: store, log: log, conn: conn}
}

func (s *imapSession) Close() error {
	s.unselect()
	return nil
}

// Login checks a user name or full address and its password. go-imap
// calls it for LOGIN and for AUTHENTICATE PLAIN.
func (s *imapSession) Login(username, password string) error {
	name, ok := s.store.Authenticate(username, password)
	if !ok {
		s.log.Info("imap: authentication failed", "user", username, "remote", s.conn.NetConn().RemoteAddr().String())
		return imapserver.ErrAuthFailed
	}
	s.user = name
	return nil
}

func (s *imapSession) Unauthenticate() error {
	s.unselect()
	s.user = ""
	return nil
}

func (s *imapSession) AppendLimit() uint32 { return uint32(s.store.limits.MaxMessageBytes) }

func (s *imapSession) Namespace() (*imap.NamespaceData, error) {
	return &imap.NamespaceData{Personal: []imap.NamespaceDescriptor{{Prefix: "", Delim: mailboxDelim}}}, nil
}

// imapError turns a store error into a tagged NO with the response code
// RFC 5530 gives for it.
func imapError(err error) error {
	var ie *imap.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return err
	case errors.Is(err, ErrNoMailbox):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNonExistent, Text: "No such mailbox"}
	case errors.Is(err, ErrMailboxExists):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "Mailbox already exists"}
	case errors.Is(err, errHasChildren):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeHasChildren, Text: "Mailbox has child folders; delete them first"}
	case errors.Is(err, errBadName):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: err.Error()[len("sandbox: "):]}
	case errors.Is(err, ErrOverQuota):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeOverQuota, Text: "Quota exceeded"}
	case errors.Is(err, ErrTooBig):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeTooBig, Text: "Message too big"}
	case errors.Is(err, ErrStoreFull):
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeLimit, Text: "The sandbox is full"}
	}
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "Internal error"}
}

// tryCreate is the NO for a COPY, MOVE or APPEND to a missing folder (RFC
// 9051 section 7.1: the client may CREATE it and retry).
var tryCreate = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeTryCreate, Text: "No such mailbox"}

var errReadOnly = &imap.Error{Type: imap.StatusResponseTypeNo, Code: "READ-ONLY", Text: "Mailbox was opened with EXAMINE; SELECT it to change it"}
