package explain_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/explain/imap"
	"github.com/mailwire/mailwire/core/explain/pop3"
	"github.com/mailwire/mailwire/core/explain/smtp"
)

// fuzzDissector feeds b to a dissector, alternating directions every
// step bytes, and checks that nothing panics, that every byte is shown
// once unless a secret was masked, and that the secret never shows.
func fuzzDissector(t *testing.T, d explain.Dissector, b []byte, step int) {
	const secret = "fuzz-secret-pw"
	d.AddSecret(secret)
	var steps []explain.Step
	for i := 0; i < len(b); i += step {
		j := min(i+step, len(b))
		if (i/step)%2 == 0 {
			steps = append(steps, d.Server(b[i:j])...)
		} else {
			steps = append(steps, d.Client(b[i:j])...)
		}
		if st := d.State(); st.Name == "handshake" {
			d.SetTLS()
		}
	}
	steps = append(steps, d.End()...)
	n, masked := 0, false
	for _, st := range steps {
		n += len(st.Raw)
		masked = masked || st.Masked
		if bytes.Contains(st.Raw, []byte(secret)) || strings.Contains(st.Summary+st.Explain, secret) {
			t.Fatalf("secret shown in %+v", st)
		}
		if st.Dir != "c" && st.Dir != "s" {
			t.Fatalf("step without a direction: %+v", st)
		}
	}
	if !masked && n > len(b) {
		t.Fatalf("fed %d bytes, steps show %d", len(b), n)
	}
	_ = d.State()
}

func FuzzSMTP(f *testing.F) {
	f.Add([]byte("220 x ESMTP\r\nEHLO c\r\n250-x\r\n250-AUTH PLAIN\r\n250 SIZE 10\r\nAUTH PLAIN\r\n334 \r\nAGEAZnV6ei1zZWNyZXQtcHc=\r\n235 ok\r\n"), uint8(7))
	f.Add([]byte("220 x\r\nDATA\r\n354 go\r\n..x\r\n.\r\n250 ok\r\nBDAT 3 LAST\r\nabc250 ok\r\n"), uint8(5))
	f.Add([]byte("220 x\r\nSTARTTLS\r\n220 go\r\nEHLO y\r\n250 ok\r\n"), uint8(9))
	f.Fuzz(func(t *testing.T, b []byte, k uint8) { fuzzDissector(t, smtp.New(), b, int(k%32)+1) })
}

func FuzzIMAP(f *testing.F) {
	f.Add([]byte("* OK hi\r\na LOGIN {5}\r\n+ ok\r\nalice \"fuzz-secret-pw\"\r\na OK [CAPABILITY IMAP4rev1] in\r\n"), uint8(6))
	f.Add([]byte("* OK hi\r\nb SELECT INBOX\r\n* 3 EXISTS\r\n* OK [UNSEEN 2] x\r\nb OK [READ-WRITE] y\r\nc FETCH 1 BODY[]\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\nc OK\r\n"), uint8(11))
	f.Add([]byte("* OK\r\nd IDLE\r\n+ idling\r\nDONE\r\nd OK\r\ne AUTHENTICATE PLAIN\r\n+ \r\nAGEAYg==\r\ne OK\r\n"), uint8(4))
	f.Fuzz(func(t *testing.T, b []byte, k uint8) { fuzzDissector(t, imap.New(), b, int(k%32)+1) })
}

func FuzzPOP3(f *testing.F) {
	f.Add([]byte("+OK <1.2@x>\r\nUSER a\r\n+OK\r\nPASS fuzz-secret-pw\r\n+OK\r\nLIST\r\n+OK\r\n1 2\r\n.\r\n"), uint8(8))
	f.Add([]byte("+OK\r\nCAPA\r\n+OK\r\nSTLS\r\nSASL PLAIN\r\n.\r\nRETR 1\r\n+OK\r\n..a\r\n.\r\n"), uint8(3))
	f.Add([]byte("+OK\r\nAUTH PLAIN\r\n+ \r\nAGEAYg==\r\n-ERR [IN-USE] x\r\n"), uint8(13))
	f.Fuzz(func(t *testing.T, b []byte, k uint8) { fuzzDissector(t, pop3.New(), b, int(k%32)+1) })
}
