package session

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/imap"
	"github.com/mailwire/mailwire/core/explain/pop3"
	"github.com/mailwire/mailwire/core/explain/smtp"
)

// Proto names a protocol.
type Proto string

const (
	ProtoSMTP Proto = "smtp"
	ProtoIMAP Proto = "imap"
	ProtoPOP3 Proto = "pop3"
)

// ParseProto reads a protocol name, case-insensitively.
func ParseProto(s string) (Proto, error) {
	switch p := Proto(strings.ToLower(strings.TrimSpace(s))); p {
	case ProtoSMTP, ProtoIMAP, ProtoPOP3:
		return p, nil
	}
	return "", fmt.Errorf("session: unknown protocol %q (want smtp, imap or pop3)", s)
}

// NewDissector returns the dissector of a protocol: it explains both
// directions of a session fed in wire order, live or recorded.
func NewDissector(p Proto) (explain.Dissector, error) {
	switch p {
	case ProtoSMTP:
		return smtp.New(), nil
	case ProtoIMAP:
		return imap.New(), nil
	case ProtoPOP3:
		return pop3.New(), nil
	}
	return nil, fmt.Errorf("session: unknown protocol %q", p)
}
