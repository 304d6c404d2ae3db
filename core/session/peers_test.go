//go:build !js

package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/core/explain"
)

// The peers are the real Postfix and Dovecot of ../shared/peers, started
// by `make test` (start-peers.sh DIR) with MAILWIRE_PEERS=DIR set. Without
// the variable these tests skip; with it, unreachable peers are a failure.

const (
	peerSMTP  = "127.0.0.1:10025"
	peerSMTPS = "127.0.0.1:10465"
	peerIMAP  = "127.0.0.1:10143"
	peerIMAPS = "127.0.0.1:10993"
	peerPOP3  = "127.0.0.1:10110"
	peerPOP3S = "127.0.0.1:10995"
)

// peers returns the peers' CA, skipping the test when MAILWIRE_PEERS is
// not set and failing it when the peers cannot be used.
func peers(t *testing.T) []byte {
	t.Helper()
	dir := os.Getenv("MAILWIRE_PEERS")
	if dir == "" {
		t.Skip("MAILWIRE_PEERS is not set: start ../shared/peers/start-peers.sh DIR and set MAILWIRE_PEERS=DIR")
	}
	ca, err := os.ReadFile(filepath.Join(dir, "tls", "ca.pem"))
	if err != nil {
		t.Fatalf("MAILWIRE_PEERS=%s but the peers' CA is unreadable: %v", dir, err)
	}
	for _, a := range []string{peerSMTP, peerSMTPS, peerIMAP, peerIMAPS, peerPOP3, peerPOP3S} {
		c, err := net.DialTimeout("tcp", a, 3*time.Second)
		if err != nil {
			t.Fatalf("MAILWIRE_PEERS=%s but %s is unreachable: %v", dir, a, err)
		}
		c.Close()
	}
	return ca
}

// dial opens a session to a peer.
func dial(t *testing.T, addr string, opt Options, ev *events) *Session {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	opt.ServerName = "localhost"
	opt.ClientName = "client.example.test"
	s, err := Open(ctxT(t), conn, opt, ev.add)
	if err != nil {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open %s: %v", addr, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// must fails the test unless the answer is positive: must(t, "what")(s.Send(...)).
func must(t *testing.T, what string) func(Result, error) Result {
	return func(r Result, err error) Result {
		t.Helper()
		if err != nil || !r.OK {
			t.Fatalf("%s: %+v, %v", what, r, err)
		}
		return r
	}
}

func tlsVerified(t *testing.T, ev *events) {
	t.Helper()
	e, ok := ev.find(KindTLS)
	if !ok || e.TLS == nil || !e.TLS.Verified || e.TLS.Version == "" || len(e.TLS.Chain) == 0 {
		t.Errorf("TLS event = %+v", e.TLS)
	}
}

// TestPeersSendFetchRetrieve sends a message through Postfix (STARTTLS,
// AUTH), finds and fetches it with IMAP (STARTTLS, then implicit TLS with
// a typed literal), and retrieves and deletes it with POP3 (STLS).
func TestPeersSendFetchRetrieve(t *testing.T) {
	ca := peers(t)
	var idb [6]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	subject := "mailwire peer test " + id
	var all []*events

	t.Run("smtp-starttls-auth-send", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerSMTP, Options{Proto: ProtoSMTP, TLS: TLSStartTLS, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		must(t, "AUTH")(s.Login(ctxT(t), "bob", "bob-pass"))
		msg := "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\n\r\nHello Alice,\r\n.a line that starts with a dot\r\n"
		r := must(t, "SendMail")(s.SendMail(ctxT(t), "bob@example.test", []string{"alice@example.test"}, []byte(msg)))
		if r.Code != 250 {
			t.Errorf("end of data: %+v", r)
		}
		r, err := s.Send(ctxT(t), "RCPT TO:<x@example.test>")
		if err != nil || r.Code != 503 {
			t.Errorf("RCPT out of sequence: %+v, %v", r, err)
		}
		must(t, "QUIT")(s.Quit(ctxT(t)))
		if st := s.State(); st.Name != "closed" || st.User != "bob" || !st.TLS {
			t.Errorf("state = %+v", st)
		}
	})

	t.Run("smtps-auth-login-typed", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerSMTPS, Options{Proto: ProtoSMTP, TLS: TLSImplicit, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		must(t, "EHLO")(s.Command(ctxT(t), "EHLO", "client.example.test"))
		if r, err := s.Send(ctxT(t), "AUTH LOGIN"); err != nil || r.Code != 334 {
			t.Fatalf("AUTH LOGIN: %+v, %v", r, err)
		}
		b64 := base64.StdEncoding.EncodeToString
		if r, err := s.Send(ctxT(t), b64([]byte("alice"))); err != nil || r.Code != 334 {
			t.Fatalf("user: %+v, %v", r, err)
		}
		if r, err := s.Send(ctxT(t), b64([]byte("alice-pass"))); err != nil || r.Code != 235 {
			t.Fatalf("password: %+v, %v", r, err)
		}
		ev.noSecret(t, "alice-pass", b64([]byte("alice-pass")))
	})

	var seq string
	t.Run("imap-starttls-search-fetch", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerIMAP, Options{Proto: ProtoIMAP, TLS: TLSStartTLS, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		must(t, "LOGIN")(s.Login(ctxT(t), "alice", "alice-pass"))
		deadline := time.Now().Add(15 * time.Second)
		for seq == "" && time.Now().Before(deadline) {
			must(t, "SELECT")(s.Command(ctxT(t), "SELECT", "INBOX"))
			must(t, "SEARCH")(s.Command(ctxT(t), "SEARCH", "SUBJECT", Astring(id)))
			if v := learned(s.State(), "last search"); v != "" {
				seq = strings.Fields(v)[0]
				break
			}
			time.Sleep(200 * time.Millisecond) // Postfix delivers through LMTP asynchronously
		}
		if seq == "" {
			t.Fatalf("message %s not delivered in time", id)
		}
		must(t, "FETCH")(s.Command(ctxT(t), "FETCH", seq, "(UID FLAGS BODY.PEEK[])"))
		var got string
		for _, e := range ev.all() {
			if e.Kind == KindUntagged && len(e.Message) > 0 {
				got = string(e.Message)
			}
		}
		if !strings.Contains(got, subject) || !strings.Contains(got, "\r\n.a line that starts with a dot") {
			t.Errorf("fetched message = %q", got)
		}
		st := s.State()
		if st.Name != "selected" || learned(st, "UIDVALIDITY") == "" || learned(st, "EXISTS") == "" {
			t.Errorf("state = %+v", st)
		}
		must(t, "LOGOUT")(s.Quit(ctxT(t)))
	})

	t.Run("imaps-typed-literal-login", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerIMAPS, Options{Proto: ProtoIMAP, TLS: TLSImplicit, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		r := must(t, "LOGIN with literals")(s.Send(ctxT(t), "LOGIN {5}\nalice {10}\nalice-pass"))
		if r.Status != "OK" || s.State().Name != "authenticated" {
			t.Errorf("LOGIN: %+v, state %+v", r, s.State())
		}
		must(t, "EXAMINE")(s.Send(ctxT(t), "EXAMINE INBOX"))
		// Dovecot answers OK "Store ignored with read-only mailbox"; others say NO
		if _, err := s.Send(ctxT(t), "STORE 1 +FLAGS (\\Deleted)"); err != nil {
			t.Fatal(err)
		}
		warned := false
		for _, e := range ev.all() {
			warned = warned || (e.Verb == "STORE" && e.Dir == DirClient && len(e.Warnings) > 0)
		}
		if !warned {
			t.Error("STORE after EXAMINE not flagged")
		}
	})

	t.Run("pop3-stls-retr-dele", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerPOP3, Options{Proto: ProtoPOP3, TLS: TLSStartTLS, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		must(t, "USER/PASS")(s.Login(ctxT(t), "alice", "alice-pass"))
		must(t, "STAT")(s.Command(ctxT(t), "STAT"))
		n := 0
		if m := learned(s.State(), "maildrop"); m != "" {
			n, _ = strconv.Atoi(strings.Fields(m)[0])
		}
		found := 0
		for i := n; i >= 1 && found == 0; i-- {
			must(t, "TOP")(s.Command(ctxT(t), "TOP", strconv.Itoa(i), "0"))
			if last := lastServer(ev); strings.Contains(string(last.Message), subject) {
				found = i
			}
		}
		if found == 0 {
			t.Fatalf("message %s not in the maildrop of %d", id, n)
		}
		must(t, "RETR")(s.Command(ctxT(t), "RETR", strconv.Itoa(found)))
		if last := lastServer(ev); !strings.Contains(string(last.Message), "\r\n.a line that starts with a dot") {
			t.Errorf("RETR message = %q", last.Message)
		}
		must(t, "DELE")(s.Command(ctxT(t), "DELE", strconv.Itoa(found)))
		must(t, "QUIT")(s.Quit(ctxT(t)))
	})

	t.Run("pop3s-implicit", func(t *testing.T) {
		ev := &events{}
		all = append(all, ev)
		s := dial(t, peerPOP3S, Options{Proto: ProtoPOP3, TLS: TLSImplicit, ExtraRootsPEM: ca}, ev)
		tlsVerified(t, ev)
		must(t, "CAPA")(s.Command(ctxT(t), "CAPA"))
		must(t, "login")(s.Login(ctxT(t), "bob", "bob-pass"))
		must(t, "QUIT")(s.Quit(ctxT(t)))
	})

	for _, ev := range all {
		ev.noSecret(t, "alice-pass", "bob-pass")
	}
}

// TestPeersWrongPassword checks the refusal and that the wrong password
// is masked too.
func TestPeersWrongPassword(t *testing.T) {
	ca := peers(t)
	ev := &events{}
	s := dial(t, peerIMAPS, Options{Proto: ProtoIMAP, TLS: TLSImplicit, ExtraRootsPEM: ca}, ev)
	r, err := s.Login(ctxT(t), "alice", "not-the-password")
	if err != nil || r.OK || r.Status != "NO" {
		t.Fatalf("Login = %+v, %v", r, err)
	}
	if !strings.Contains(r.Text, "AUTHENTICATIONFAILED") {
		t.Errorf("refusal = %q", r.Text)
	}
	ev.noSecret(t, "not-the-password")
}

// TestPeersUntrusted checks that a server whose CA is not added is
// refused, with the chain shown.
func TestPeersUntrusted(t *testing.T) {
	peers(t)
	conn, err := net.DialTimeout("tcp", peerIMAPS, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	s, err := Open(context.Background(), conn, Options{Proto: ProtoIMAP, TLS: TLSImplicit, ServerName: "localhost"}, ev.add)
	if err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	s.Close()
	if e, _ := ev.find(KindTLS); e.TLS == nil || e.TLS.Verified || len(e.TLS.Chain) == 0 {
		t.Errorf("TLS event = %+v", e.TLS)
	}
}

func learned(st explain.State, name string) string {
	for _, d := range st.Learned {
		if d.Name == name {
			return d.Value
		}
	}
	return ""
}

func lastServer(ev *events) Event {
	all := ev.all()
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Dir == DirServer {
			return all[i]
		}
	}
	return Event{}
}
