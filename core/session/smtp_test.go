package session

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeServer plays a scripted SMTP server on the far end of a pipe: for
// every line it reads it writes the next reply.
func fakeServer(t *testing.T, greeting string, replies ...string) net.Conn {
	t.Helper()
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		server.Write([]byte(greeting))
		br := bufio.NewReader(server)
		for _, r := range replies {
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			server.Write([]byte(r))
		}
		br.ReadString('\n')
	}()
	t.Cleanup(func() { client.Close() })
	return client
}

func TestHello(t *testing.T) {
	conn := fakeServer(t, "220 mx.test ESMTP\r\n", "250-mx.test\r\n250-SIZE 100\r\n250 8BITMIME\r\n")
	var evs []Event
	_, rep, err := Hello(context.Background(), conn, "client.test", func(e Event) { evs = append(evs, e) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Code != 250 || len(rep.Lines) != 3 {
		t.Fatalf("reply = %+v", rep)
	}
	want := []struct {
		dir  Dir
		kind Kind
		raw  string
	}{
		{DirLocal, KindConnect, ""},
		{DirServer, KindGreeting, "220 mx.test ESMTP\r\n"},
		{DirClient, KindCommand, "EHLO client.test\r\n"},
		{DirServer, KindReply, "250-mx.test\r\n250-SIZE 100\r\n250 8BITMIME\r\n"},
	}
	if len(evs) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		e := evs[i]
		if e.Seq != i+1 || e.Dir != w.dir || e.Kind != w.kind || string(e.Raw) != w.raw {
			t.Errorf("event %d = %+v, want %+v", i, e, w)
		}
		if e.Kind != KindConnect && (e.Explain == "" || !strings.HasPrefix(e.RFC, "RFC ")) {
			t.Errorf("event %d lacks an explanation: %+v", i, e)
		}
	}
	if !strings.Contains(evs[3].Explain, "SIZE, 8BITMIME") {
		t.Errorf("EHLO explanation does not list the extensions: %q", evs[3].Explain)
	}
}

func TestHelloRefused(t *testing.T) {
	conn := fakeServer(t, "554 go away\r\n")
	if _, _, err := Hello(context.Background(), conn, "c", nil); err == nil || !strings.Contains(err.Error(), "554") {
		t.Errorf("err = %v, want refusal", err)
	}
}

func TestHelloGarbage(t *testing.T) {
	conn := fakeServer(t, "SSH-2.0-OpenSSH\r\n")
	var evs []Event
	_, _, err := Hello(context.Background(), conn, "c", func(e Event) { evs = append(evs, e) })
	if err == nil {
		t.Fatal("no error for a non-SMTP greeting")
	}
	if last := evs[len(evs)-1]; last.Kind != KindError {
		t.Errorf("last event = %+v, want an error event", last)
	}
}

func TestHelloCancel(t *testing.T) {
	client, server := net.Pipe() // the server never speaks
	defer server.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, _, err := Hello(ctx, client, "c", nil); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error after cancel")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Hello did not return after its context ended")
	}
}
