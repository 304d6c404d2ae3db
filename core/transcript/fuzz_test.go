package transcript

import (
	"bytes"
	"testing"

	"github.com/mailwire/mailwire/core/session"
)

func FuzzTranscript(f *testing.F) {
	for _, s := range []string{
		"S: 220 x\nC: EHLO y\nS: 250 ok\n",
		"[12:00:01.5] S: * OK hi\n  C: a NOOP\nnote\nS: a OK\n",
		"S: +OK\nC: RETR 1\nS: +OK\nS: ..x\nS: .\n",
		"C:\nS:\n<TLS negotiation>\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, p := range []session.Proto{session.ProtoSMTP, session.ProtoIMAP, session.ProtoPOP3} {
			if _, err := Dissect(p, recs); err != nil {
				t.Fatal(err)
			}
		}
		Detect(recs)
	})
}
