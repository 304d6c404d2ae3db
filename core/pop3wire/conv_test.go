package pop3wire

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

type step struct {
	dir  byte
	data string
}

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
			case KindResponse, KindContinuation:
				s += fmt.Sprintf(" %s to=%s", u.Response.Status, u.InReplyTo)
				if u.Response.Code != "" {
					s += " code=" + u.Response.Code
				}
				if u.Response.Multi {
					s += fmt.Sprintf(" lines=%q", u.Response.Lines)
				}
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
		{"rfc 1939 session start", []step{
			{'s', "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"},
			{'c', "STAT\r\n"}, {'s', "+OK 2 320\r\n"},
			{'c', "LIST\r\n"}, {'s', "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"},
			{'c', "LIST 2\r\n"}, {'s', "+OK 2 200\r\n"},
		}, false, []string{
			`s response "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n" +OK to=(greeting)`,
			`c command "STAT\r\n"`,
			`s response "+OK 2 320\r\n" +OK to=STAT`,
			`c command "LIST\r\n"`,
			`s response "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n" +OK to=LIST lines=["1 120" "2 200"]`,
			`c command "LIST 2\r\n"`,
			`s response "+OK 2 200\r\n" +OK to=LIST`,
		}},
		{"retr with byte-stuffing split in pieces", []step{
			{'s', "+OK hi\r\n"}, {'c', "RETR 1\r\n"},
			{'s', "+OK 12 octets\r\nSub"}, {'s', "ject: x\r\n\r\n..a\r\n"}, {'s', ".\r\n"},
		}, false, []string{
			`s response "+OK hi\r\n" +OK to=(greeting)`,
			`c command "RETR 1\r\n"`,
			`s response "+OK 12 octets\r\nSubject: x\r\n\r\n..a\r\n.\r\n" +OK to=RETR lines=["Subject: x" "" ".a"]`,
		}},
		{"error is single line", []step{
			{'s', "+OK\r\n"}, {'c', "RETR 9\r\n"}, {'s', "-ERR [SYS/PERM] no such message\r\n"}, {'c', "QUIT\r\n"},
		}, false, []string{
			`s response "+OK\r\n" +OK to=(greeting)`,
			`c command "RETR 9\r\n"`,
			`s response "-ERR [SYS/PERM] no such message\r\n" -ERR to=RETR code=SYS/PERM`,
			`c command "QUIT\r\n"`,
		}},
		{"pipelined", []step{
			{'s', "+OK\r\n"}, {'c', "STAT\r\nUIDL\r\nQUIT\r\n"},
			{'s', "+OK 1 5\r\n+OK\r\n1 abc\r\n.\r\n+OK bye\r\n"},
		}, false, []string{
			`s response "+OK\r\n" +OK to=(greeting)`,
			`c command "STAT\r\n"`, `c command "UIDL\r\n"`, `c command "QUIT\r\n"`,
			`s response "+OK 1 5\r\n" +OK to=STAT`,
			`s response "+OK\r\n1 abc\r\n.\r\n" +OK to=UIDL lines=["1 abc"]`,
			`s response "+OK bye\r\n" +OK to=QUIT`,
		}},
		{"auth plain with challenge", []step{
			{'s', "+OK\r\n"}, {'c', "AUTH PLAIN\r\n"}, {'s', "+ \r\n"}, {'c', "AGEAYg==\r\n"}, {'s', "+OK Logged in.\r\n"},
		}, false, []string{
			`s response "+OK\r\n" +OK to=(greeting)`,
			`c command "AUTH PLAIN\r\n"`,
			`s continuation "+ \r\n" + to=AUTH`,
			`c sasl "AGEAYg==\r\n" mech=PLAIN step=2`,
			`s response "+OK Logged in.\r\n" +OK to=AUTH`,
		}},
		{"capa then stls", []step{
			{'s', "+OK\r\n"}, {'c', "CAPA\r\n"}, {'s', "+OK\r\nTOP\r\nSTLS\r\n.\r\n"}, {'c', "STLS\r\n"}, {'s', "+OK Begin TLS\r\n"},
		}, false, []string{
			`s response "+OK\r\n" +OK to=(greeting)`,
			`c command "CAPA\r\n"`,
			`s response "+OK\r\nTOP\r\nSTLS\r\n.\r\n" +OK to=CAPA lines=["TOP" "STLS"]`,
			`c command "STLS\r\n"`,
			`s response "+OK Begin TLS\r\n" +OK to=STLS`,
		}},
		{"garbage and end mid body", []step{
			{'s', "HTTP/1.1 400\r\n+OK\r\n"}, {'c', "TOP 1 0\r\n"}, {'s', "+OK\r\nabc"},
		}, true, []string{
			`s response "HTTP/1.1 400\r\n"  to=(unsolicited) problems=1`,
			`s response "+OK\r\n" +OK to=(greeting)`,
			`c command "TOP 1 0\r\n"`,
			`s response "+OK\r\nabc" +OK to=TOP lines=["abc"] problems=1`,
		}},
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

func TestStuffRoundTrip(t *testing.T) {
	for _, s := range []string{"", ".", "a\r\n..b\r\n", ".\r\n.\r\n"} {
		got, _ := Unstuff(Stuff([]byte(s)))
		want := s
		if want != "" && !strings.HasSuffix(want, "\n") {
			want += "\r\n"
		}
		if string(got) != want {
			t.Errorf("round trip of %q = %q", s, got)
		}
	}
}

func total(us []Unit) (n int) {
	for _, u := range us {
		n += len(u.Raw)
	}
	return n
}

func FuzzConversation(f *testing.F) {
	for _, s := range []string{
		"+OK hi\r\nLIST\r\n+OK\r\n1 2\r\n.\r\n",
		"+OK\r\nAUTH LOGIN\r\n+ VXNlcm5hbWU6\r\nYQ==\r\n+ UGFzc3dvcmQ6\r\nYg==\r\n+OK\r\n",
		"+OK\r\nRETR 1\r\n+OK\r\n..x\r\n.\r\n",
		"-ERR [IN-USE] busy\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, k uint8) {
		step := int(k%16) + 1
		c := NewConversation()
		var us []Unit
		for i := 0; i < len(b); i += step {
			j := min(i+step, len(b))
			if (i/step)%2 == 0 {
				us = append(us, c.Server(b[i:j])...)
			} else {
				us = append(us, c.Client(b[i:j])...)
			}
		}
		us = append(us, c.End()...)
		if total(us) != len(b) {
			t.Fatalf("fed %d bytes, units hold %d", len(b), total(us))
		}
		for _, u := range us {
			if u.Kind == KindResponse && u.Response.Multi && !bytes.HasPrefix(u.Raw, []byte("+")) && !u.Cut && len(u.Problems) == 0 && u.Response.Status == "+OK" {
				// a later piece of a cut body has no status line; anything else does
				t.Fatalf("multi-line unit without status line: %q", u.Raw)
			}
		}
		c = NewConversation()
		if n := total(append(c.Server(b), c.End()...)); n != len(b) {
			t.Fatalf("server only: fed %d, got %d", len(b), n)
		}
		c = NewConversation()
		if n := total(append(c.Client(b), c.End()...)); n != len(b) {
			t.Fatalf("client only: fed %d, got %d", len(b), n)
		}
	})
}
