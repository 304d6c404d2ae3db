package smtpwire

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// step is one feed: c (client) or s (server) and the bytes.
type step struct {
	dir  byte
	data string
}

// run feeds the steps and renders every unit as "dir kind raw [extra]".
func run(steps []step, end bool) []string {
	c := NewConversation()
	var out []string
	add := func(us []Unit) {
		for _, u := range us {
			d := "c"
			if u.FromServer {
				d = "s"
			}
			s := fmt.Sprintf("%s %s %q", d, u.Kind, u.Raw)
			switch u.Kind {
			case KindReply:
				s += fmt.Sprintf(" code=%d to=%s", u.Reply.Code, u.InReplyTo)
			case KindData:
				s += fmt.Sprintf(" body=%q stuffed=%d", u.Body, u.Stuffed)
			case KindChunk:
				s += fmt.Sprintf(" last=%v", u.Last)
			case KindSASL:
				s += fmt.Sprintf(" mech=%s step=%d", u.Mechanism, u.Step)
			}
			if u.Cut {
				s += " cut"
			}
			if len(u.Problems) > 0 {
				s += fmt.Sprintf(" problems=%d", len(u.Problems))
			}
			out = append(out, s)
		}
	}
	for _, st := range steps {
		if st.dir == 'c' {
			add(c.Client([]byte(st.data)))
		} else {
			add(c.Server([]byte(st.data)))
		}
	}
	if end {
		add(c.End())
	}
	return out
}

func TestConversation(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		end   bool
		want  []string
	}{
		{"greeting and ehlo", []step{
			{'s', "220 mx ESMTP\r\n"}, {'c', "EHLO c\r\n"}, {'s', "250-mx\r\n250 8BITMIME\r\n"},
		}, false, []string{
			`s reply "220 mx ESMTP\r\n" code=220 to=(greeting)`,
			`c command "EHLO c\r\n"`,
			`s reply "250-mx\r\n250 8BITMIME\r\n" code=250 to=EHLO`,
		}},
		{"reply split across feeds", []step{
			{'s', "25"}, {'s', "0-a\r\n2"}, {'s', "50 b\r\n"},
		}, false, []string{`s reply "250-a\r\n250 b\r\n" code=250 to=(greeting)`}},
		{"pipelined transaction with stuffed body", []step{
			{'s', "220 x\r\n"},
			{'c', "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"},
			{'s', "250 ok\r\n250 ok\r\n354 go\r\n"},
			{'c', "Subject: t\r\n\r\n..dot\r\n.\r\n"},
			{'s', "250 queued\r\n"},
		}, false, []string{
			`s reply "220 x\r\n" code=220 to=(greeting)`,
			`c command "MAIL FROM:<a@x>\r\n"`,
			`c command "RCPT TO:<b@y>\r\n"`,
			`c command "DATA\r\n"`,
			`s reply "250 ok\r\n" code=250 to=MAIL`,
			`s reply "250 ok\r\n" code=250 to=RCPT`,
			`s reply "354 go\r\n" code=354 to=DATA`,
			`c data "Subject: t\r\n\r\n..dot\r\n.\r\n" body="Subject: t\r\n\r\n.dot\r\n" stuffed=1`,
			`s reply "250 queued\r\n" code=250 to=(end of data)`,
		}},
		{"data refused", []step{
			{'s', "220 x\r\n"}, {'c', "DATA\r\n"}, {'s', "503 no rcpt\r\n"}, {'c', "QUIT\r\n"},
		}, false, []string{
			`s reply "220 x\r\n" code=220 to=(greeting)`,
			`c command "DATA\r\n"`,
			`s reply "503 no rcpt\r\n" code=503 to=DATA`,
			`c command "QUIT\r\n"`,
		}},
		{"client only stream", []step{
			{'c', "DATA\r\nhi\r\n.\r\nQUIT\r\n"},
		}, false, []string{
			`c command "DATA\r\n"`,
			`c data "hi\r\n.\r\n" body="hi\r\n" stuffed=0`,
			`c command "QUIT\r\n"`,
		}},
		{"empty message", []step{{'c', "DATA\r\n.\r\n"}}, false, []string{
			`c command "DATA\r\n"`, `c data ".\r\n" body="" stuffed=0`,
		}},
		{"bdat", []step{
			{'c', "BDAT 5\r\nab\r\nxBDAT 3 LAST\r\nxyzQUIT\r\n"},
		}, false, []string{
			`c command "BDAT 5\r\n"`, `c chunk "ab\r\nx" last=false`,
			`c command "BDAT 3 LAST\r\n"`, `c chunk "xyz" last=true`,
			`c command "QUIT\r\n"`,
		}},
		{"bad bdat", []step{{'c', "BDAT x\r\nQUIT\r\n"}}, false, []string{
			`c command "BDAT x\r\n" problems=1`, `c command "QUIT\r\n"`,
		}},
		{"auth login with challenges", []step{
			{'s', "220 x\r\n"}, {'c', "AUTH LOGIN\r\n"}, {'s', "334 VXNlcm5hbWU6\r\n"},
			{'c', "YWxpY2U=\r\n"}, {'s', "334 UGFzc3dvcmQ6\r\n"}, {'c', "YWxpY2UtcGFzcw==\r\n"},
			{'s', "235 ok\r\n"}, {'c', "QUIT\r\n"},
		}, false, []string{
			`s reply "220 x\r\n" code=220 to=(greeting)`,
			`c command "AUTH LOGIN\r\n"`,
			`s reply "334 VXNlcm5hbWU6\r\n" code=334 to=AUTH`,
			`c sasl "YWxpY2U=\r\n" mech=LOGIN step=2`,
			`s reply "334 UGFzc3dvcmQ6\r\n" code=334 to=AUTH`,
			`c sasl "YWxpY2UtcGFzcw==\r\n" mech=LOGIN step=4`,
			`s reply "235 ok\r\n" code=235 to=AUTH`,
			`c command "QUIT\r\n"`,
		}},
		{"auth plain client only", []step{
			{'c', "AUTH PLAIN\r\nAGEAYg==\r\nQUIT\r\n"},
		}, false, []string{
			`c command "AUTH PLAIN\r\n"`, `c sasl "AGEAYg==\r\n" mech=PLAIN step=1`, `c command "QUIT\r\n"`,
		}},
		{"auth plain with initial response", []step{
			{'s', "220 x\r\n"}, {'c', "AUTH PLAIN AGEAYg==\r\n"}, {'s', "235 ok\r\n"}, {'c', "QUIT\r\n"},
		}, false, []string{
			`s reply "220 x\r\n" code=220 to=(greeting)`,
			`c command "AUTH PLAIN AGEAYg==\r\n"`,
			`s reply "235 ok\r\n" code=235 to=AUTH`,
			`c command "QUIT\r\n"`,
		}},
		{"garbage from server", []step{{'s', "SSH-2.0-x\r\n220 ok\r\n"}}, false, []string{
			`s reply "SSH-2.0-x\r\n" code=0 to=(unsolicited) problems=1`,
			`s reply "220 ok\r\n" code=220 to=(greeting)`,
		}},
		{"unsolicited", []step{{'s', "220 a\r\n421 bye\r\n"}}, false, []string{
			`s reply "220 a\r\n" code=220 to=(greeting)`,
			`s reply "421 bye\r\n" code=421 to=(unsolicited)`,
		}},
		{"ends mid-way", []step{{'s', "250-a\r\n250"}, {'c', "DATA\r\nab"}}, true, []string{
			`c command "DATA\r\n"`,
			`s reply "250-a\r\n250" code=250 to=(greeting) problems=2`,
			`c data "ab" body="ab" stuffed=0 problems=1`,
		}},
		{"bare lf", []step{{'c', "NOOP\n"}}, false, []string{`c command "NOOP\n" problems=1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(tt.steps, tt.end)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestConversationLongLine(t *testing.T) {
	c := NewConversation()
	long := "NOOP " + strings.Repeat("x", MaxLine+10) + "\r\nQUIT\r\n"
	us := c.Client([]byte(long))
	if len(us) != 3 || !us[0].Cut || us[1].Kind != KindRest || us[2].Command.Verb != "QUIT" {
		t.Fatalf("units = %d: %v %v", len(us), us[0].Cut, us[1].Kind)
	}
	total := 0
	for _, u := range us {
		total += len(u.Raw)
	}
	if total != len(long) {
		t.Errorf("raw bytes %d, want %d", total, len(long))
	}
}

func TestStuffRoundTrip(t *testing.T) {
	for _, msg := range []string{"", "a", ".", "a\r\n.b\r\n", "..\n.\nx", "line\r\n"} {
		st := Stuff([]byte(msg))
		got, _ := Unstuff(st)
		want := strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\n", "\r\n")
		if want != "" && !strings.HasSuffix(want, "\r\n") {
			want += "\r\n"
		}
		if string(got) != want {
			t.Errorf("Unstuff(Stuff(%q)) = %q, want %q", msg, got, want)
		}
		c := NewConversation()
		us := c.Client(append([]byte("DATA\r\n"), st...))
		if len(us) != 2 || us[1].Kind != KindData || !bytes.Equal(us[1].Body, got) {
			t.Errorf("conversation split of %q: %+v", st, us)
		}
	}
}

// feedAll feeds b split at every third byte, alternating directions as
// the first byte says, and checks that every byte comes back in a unit.
func feedAll(t *testing.T, b []byte) {
	c := NewConversation()
	var in, outC, outS int
	for i := 0; i < len(b); i += 7 {
		j := min(i+7, len(b))
		chunk := b[i:j]
		in += len(chunk)
		var us []Unit
		if (i/7)%2 == 0 {
			us = c.Client(chunk)
		} else {
			us = c.Server(chunk)
		}
		for _, u := range us {
			if u.FromServer {
				outS += len(u.Raw)
			} else {
				outC += len(u.Raw)
			}
		}
	}
	for _, u := range c.End() {
		if u.FromServer {
			outS += len(u.Raw)
		} else {
			outC += len(u.Raw)
		}
	}
	if outC+outS != in {
		t.Fatalf("fed %d bytes, units hold %d", in, outC+outS)
	}
}

func FuzzConversation(f *testing.F) {
	for _, s := range []string{
		"220 x\r\nEHLO a\r\n250-x\r\n250 y\r\n",
		"DATA\r\n354 go\r\n..x\r\n.\r\n250 ok\r\n",
		"BDAT 3 LAST\r\nabc",
		"AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\nYQ==\r\n235 ok\r\n",
		"\n\n\r\r..",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		feedAll(t, b)
		// one direction only, everything at once
		c := NewConversation()
		n := 0
		for _, u := range append(c.Client(b), c.End()...) {
			n += len(u.Raw)
		}
		if n != len(b) {
			t.Fatalf("client only: fed %d, got %d", len(b), n)
		}
		c = NewConversation()
		n = 0
		for _, u := range append(c.Server(b), c.End()...) {
			n += len(u.Raw)
			if !u.FromServer {
				t.Fatal("server bytes came back as a client unit")
			}
		}
		if n != len(b) {
			t.Fatalf("server only: fed %d, got %d", len(b), n)
		}
	})
}

func FuzzStuff(f *testing.F) {
	f.Add([]byte("a\r\n.b\r\n"))
	f.Add([]byte(".\r\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		st := Stuff(msg)
		c := NewConversation()
		us := c.Client(append([]byte("DATA\r\n"), st...))
		if len(us) != 2 || us[1].Kind != KindData || len(c.End()) != 0 {
			t.Fatalf("stuffed message not one DATA unit: %d units", len(us))
		}
		got, _ := Unstuff(st)
		if !bytes.Equal(us[1].Body, got) {
			t.Fatalf("body %q != unstuffed %q", us[1].Body, got)
		}
	})
}
