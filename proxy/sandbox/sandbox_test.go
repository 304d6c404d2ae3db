package sandbox

import (
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
)

func start(t *testing.T) *Sandbox {
	t.Helper()
	sb := New(Config{SMTPPort: -1})
	sb.cfg.SMTPPort = 0
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func TestSMTPDelivers(t *testing.T) {
	sb := start(t)
	tg := sb.Targets()[0]
	addr := net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port))
	msg := "From: bob@sandbox.test\r\nTo: alice@sandbox.test\r\nSubject: hi\r\n\r\nHello Alice.\r\n"
	if err := smtp.SendMail(addr, nil, "bob@sandbox.test", []string{"alice@sandbox.test"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := sb.Store().Messages("alice")
	if len(got) != 1 || string(got[0].Body) != msg {
		t.Fatalf("alice's mailbox = %q", got)
	}
}

func TestSMTPRefusesRelay(t *testing.T) {
	sb := start(t)
	tg := sb.Targets()[0]
	addr := net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port))
	err := smtp.SendMail(addr, nil, "bob@sandbox.test", []string{"victim@example.com"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if !isReply(err, 554, "5.7.1") {
		t.Fatalf("relay attempt: err = %v, want 554 5.7.1", err)
	}
	err = smtp.SendMail(addr, nil, "bob@sandbox.test", []string{"nobody@sandbox.test"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if !isReply(err, 550, "5.1.1") {
		t.Fatalf("unknown user: err = %v, want 550 5.1.1", err)
	}
}

func isReply(err error, code int, enhanced string) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code == code && strings.HasPrefix(te.Msg, enhanced+" ")
}
