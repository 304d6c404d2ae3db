package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// testMessage builds a message of about size bytes with the awkward parts
// a transport can mangle: lines starting with dots, a lone dot line, 8-bit
// text, trailing spaces, long lines.
func testMessage(r *rand.Rand, id string, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: tester@sandbox.test\r\nTo: alice@sandbox.test\r\nSubject: no-loss %s\r\nMessage-ID: <%s@test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", id, id)
	lines := []string{".", "..", ".leading dot", "trailing space ", "Grüße, 你好", "", "\tindented", strings.Repeat("x", 998)}
	for b.Len() < size {
		if r.IntN(3) == 0 {
			b.WriteString(lines[r.IntN(len(lines))])
		} else {
			n := r.IntN(120)
			for i := 0; i < n; i++ {
				b.WriteByte(byte('a' + r.IntN(26)))
			}
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestNoLoss: concurrent SMTP clients deliver; every accepted message is
// then read back byte for byte over IMAP (go-imap's client) and over POP3
// (Python's poplib), compared by SHA-256.
func TestNoLoss(t *testing.T) {
	sb := start(t)
	sb.Store().clear()
	const clients, perClient = 6, 15
	a := addr(t, sb, "smtp", "none")
	var mu sync.Mutex
	want := map[string][]string{} // user -> hashes accepted
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 1))
			for i := 0; i < perClient; i++ {
				msg := testMessage(r, fmt.Sprintf("c%d-%d", c, i), 200+r.IntN(150<<10))
				to := []string{"alice@sandbox.test"}
				if i%3 == 0 {
					to = append(to, "bob@sandbox.test")
				}
				if err := sendPlain(a, "tester@sandbox.test", to, msg); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, u := range to {
					name, _, _ := strings.Cut(u, "@")
					want[name] = append(want[name], sum([]byte(msg)))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, user := range []string{"alice", "bob"} {
		exp := slices.Sorted(slices.Values(want[user]))

		c := imapLogin(t, sb, user, nil)
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatal(err)
		}
		msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, sum(m.FindBodySection(&imap.FetchItemBodySection{Peek: true})))
		}
		slices.Sort(got)
		if !slices.Equal(got, exp) {
			t.Errorf("%s over IMAP: %d messages, want %d; contents differ", user, len(got), len(exp))
		}

		var pop pyMailbox
		python(t, sb, &pop, "pop3", "--port", port(t, sb, "Sandbox POP3"), "--user", user, "--password", user+"-password")
		got = got[:0]
		for _, m := range pop.Messages {
			got = append(got, m.SHA256)
		}
		slices.Sort(got)
		if !slices.Equal(got, exp) {
			t.Errorf("%s over POP3: %d messages, want %d; contents differ", user, len(got), len(exp))
		}
	}
}
