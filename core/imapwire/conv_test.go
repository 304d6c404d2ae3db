package imapwire

import (
	"fmt"
	"strings"
	"testing"
)

type step struct {
	dir  byte
	data string
}

func render(u Unit) string {
	d := "c"
	if u.FromServer {
		d = "s"
	}
	s := fmt.Sprintf("%s %s %q", d, u.Kind, u.Raw)
	switch {
	case u.Command != nil:
		s += fmt.Sprintf(" tag=%s verb=%s seg=%d final=%v", u.Command.Tag, u.Command.Verb, u.Segment, u.Final)
	case u.Response != nil:
		if u.InReplyTo != "" {
			s += " to=" + u.InReplyTo
		}
		if u.Continues != "" {
			s += " cont=" + u.Continues
		}
	}
	if u.Kind == KindSASL {
		s += fmt.Sprintf(" mech=%s step=%d", u.Mechanism, u.Step)
	}
	if len(u.Problems) > 0 {
		s += fmt.Sprintf(" problems=%q", u.Problems)
	}
	return s
}

func run(steps []step, end bool) []string {
	c := NewConversation()
	var out []string
	for _, st := range steps {
		var us []Unit
		if st.dir == 'c' {
			us = c.Client([]byte(st.data))
		} else {
			us = c.Server([]byte(st.data))
		}
		for _, u := range us {
			out = append(out, render(u))
		}
	}
	if end {
		for _, u := range c.End() {
			out = append(out, render(u))
		}
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
		{"login with synchronizing literals", []step{
			{'s', "* OK ready\r\n"},
			{'c', "A1 LOGIN {5}\r\n"}, {'s', "+ go\r\n"},
			{'c', "alice {10}\r\n"}, {'s', "+ go\r\n"},
			{'c', "alice-pass\r\n"}, {'s', "A1 OK done\r\n"},
		}, false, []string{
			`s untagged "* OK ready\r\n"`,
			`c command "A1 LOGIN {5}\r\n" tag=A1 verb=LOGIN seg=0 final=false`,
			`s continuation "+ go\r\n" to=LOGIN cont=literal`,
			`c command "alice {10}\r\n" tag=A1 verb=LOGIN seg=1 final=false`,
			`s continuation "+ go\r\n" to=LOGIN cont=literal`,
			`c command "alice-pass\r\n" tag=A1 verb=LOGIN seg=2 final=true`,
			`s tagged "A1 OK done\r\n" to=LOGIN`,
		}},
		{"non-synchronizing literal is one unit", []step{
			{'c', "A2 LOGIN {5+}\r\nalice {3+}\r\nabc\r\n"},
		}, false, []string{
			`c command "A2 LOGIN {5+}\r\nalice {3+}\r\nabc\r\n" tag=A2 verb=LOGIN seg=0 final=true`,
		}},
		{"literal refused", []step{
			{'c', "A3 APPEND INBOX {99999999}\r\n"}, {'s', "A3 NO [TOOBIG] too big\r\n"}, {'c', "A4 NOOP\r\n"},
		}, false, []string{
			`c command "A3 APPEND INBOX {99999999}\r\n" tag=A3 verb=APPEND seg=0 final=false`,
			`s tagged "A3 NO [TOOBIG] too big\r\n" to=APPEND`,
			`c command "A4 NOOP\r\n" tag=A4 verb=NOOP seg=0 final=true`,
		}},
		{"fetch response with literal is one unit", []step{
			{'c', "a FETCH 1 (BODY[])\r\n"},
			{'s', "* 1 FETCH (BODY[] {8}\r\nab\r\n"}, {'s', "c\r\n)x)\r\na OK done\r\n"},
		}, false, []string{
			`c command "a FETCH 1 (BODY[])\r\n" tag=a verb=FETCH seg=0 final=true`,
			`s untagged "* 1 FETCH (BODY[] {8}\r\nab\r\nc\r\n)x)\r\n"`,
			`s tagged "a OK done\r\n" to=FETCH`,
		}},
		{"status text ending in braces is not a literal", []step{
			{'s', "* OK hello {5}\r\n* BYE x\r\n"},
		}, false, []string{
			`s untagged "* OK hello {5}\r\n"`,
			`s untagged "* BYE x\r\n"`,
		}},
		{"quoted braces are not a literal", []step{
			{'c', "a LOGIN \"u\" \"{5}\"\r\nb NOOP\r\n"},
		}, false, []string{
			`c command "a LOGIN \"u\" \"{5}\"\r\n" tag=a verb=LOGIN seg=0 final=true`,
			`c command "b NOOP\r\n" tag=b verb=NOOP seg=0 final=true`,
		}},
		{"authenticate plain with challenge", []step{
			{'c', "a AUTHENTICATE PLAIN\r\n"}, {'s', "+ \r\n"}, {'c', "AGEAYg==\r\n"}, {'s', "a OK in\r\n"}, {'c', "b NOOP\r\n"},
		}, false, []string{
			`c command "a AUTHENTICATE PLAIN\r\n" tag=a verb=AUTHENTICATE seg=0 final=true`,
			`s continuation "+ \r\n" to=AUTHENTICATE cont=sasl`,
			`c sasl "AGEAYg==\r\n" mech=PLAIN step=2`,
			`s tagged "a OK in\r\n" to=AUTHENTICATE`,
			`c command "b NOOP\r\n" tag=b verb=NOOP seg=0 final=true`,
		}},
		{"idle", []step{
			{'c', "a IDLE\r\n"}, {'s', "+ idling\r\n* 2 EXISTS\r\n"}, {'c', "DONE\r\n"}, {'s', "a OK IDLE terminated\r\n"},
		}, false, []string{
			`c command "a IDLE\r\n" tag=a verb=IDLE seg=0 final=true`,
			`s continuation "+ idling\r\n" to=IDLE cont=idle`,
			`s untagged "* 2 EXISTS\r\n"`,
			`c done "DONE\r\n"`,
			`s tagged "a OK IDLE terminated\r\n" to=IDLE`,
		}},
		{"uid command and garbage", []step{
			{'c', "x uid fetch 1:* FLAGS\r\n"}, {'s', "garbage\r\nx OK\r\n"},
		}, false, []string{
			`c command "x uid fetch 1:* FLAGS\r\n" tag=x verb=UID FETCH seg=0 final=true`,
			`s tagged "garbage\r\n" problems=["a response with nothing after \"garbage\"" "tag \"garbage\" matches no command in progress (RFC 9051 §2.2.2)"]`,
			`s tagged "x OK\r\n" to=UID FETCH`,
		}},
		{"end inside a literal", []step{
			{'s', "* 1 FETCH (BODY[] {10}\r\nabc"},
		}, true, []string{
			`s untagged "* 1 FETCH (BODY[] {10}\r\nabc" problems=["literal of 10 octets cut short: 3 arrived" "missing ')' before the end of the line" "the response does not end with CR LF (RFC 9051 §2.2)" "the stream ended 7 octets before the end of a literal"]`,
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

func TestParseResponse(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"* OK [UIDVALIDITY 1795424738] UIDs valid\r\n", `tag=* status=OK name=OK code=UIDVALIDITY[1795424738] text="UIDs valid" fields=[]`},
		{"* OK [PERMANENTFLAGS (\\Answered \\*)] Flags permitted.\r\n", `tag=* status=OK name=OK code=PERMANENTFLAGS[(\Answered \*)] text="Flags permitted." fields=[]`},
		{"* 12 EXISTS\r\n", `tag=* status= num=12 name=EXISTS code= text="" fields=[]`},
		{"* FLAGS (\\Answered \\Seen)\r\n", `tag=* status= name=FLAGS code= text="" fields=[(\Answered \Seen)]`},
		{"* LIST (\\HasNoChildren) \"/\" INBOX\r\n", `tag=* status= name=LIST code= text="" fields=[(\HasNoChildren) "/" INBOX]`},
		{"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {3}\r\nabc ENVELOPE NIL)\r\n", `tag=* status= num=1 name=FETCH code= text="" fields=[(UID 1 BODY[HEADER.FIELDS (SUBJECT)] {3} ENVELOPE NIL)]`},
		{"A1 OK [READ-WRITE] Select completed.\r\n", `tag=A1 status=OK name=OK code=READ-WRITE[] text="Select completed." fields=[]`},
		{"+ UGFzc3dvcmQ6\r\n", `tag=+ status= name= code= text="UGFzc3dvcmQ6" fields=[]`},
		{"* SEARCH 2 84 882\r\n", `tag=* status= name=SEARCH code= text="" fields=[2 84 882]`},
	} {
		r, probs := ParseResponse([]byte(tt.in))
		got := fmt.Sprintf("tag=%s status=%s", r.Tag, r.Status)
		if r.HasNum {
			got += fmt.Sprintf(" num=%d", r.Num)
		}
		code := ""
		if r.Code != nil {
			code = r.Code.Name + "[" + r.Code.Text + "]"
		}
		got += fmt.Sprintf(" name=%s code=%s text=%q fields=%v", r.Name, code, r.Text, r.Fields)
		if got != tt.want || len(probs) > 0 {
			t.Errorf("ParseResponse(%q)\n got %s %q\nwant %s", tt.in, got, probs, tt.want)
		}
	}
}

func TestLiteralOffsets(t *testing.T) {
	raw := []byte("a LOGIN {5}\r\nalice \"p\\\"w\"\r\n")
	c, probs := ParseCommand(raw)
	if len(probs) > 0 || len(c.Args) != 2 {
		t.Fatalf("%+v %q", c, probs)
	}
	if c.Args[0].Kind != Literal || string(raw[c.Args[0].Off:c.Args[0].End]) != "alice" {
		t.Errorf("literal = %+v", c.Args[0])
	}
	if c.Args[1].Kind != Quoted || c.Args[1].Text != `p"w` || string(raw[c.Args[1].Off:c.Args[1].End]) != `"p\"w"` {
		t.Errorf("quoted = %+v", c.Args[1])
	}
}

func TestDeepNesting(t *testing.T) {
	raw := "* X " + strings.Repeat("(", 100000) + "\r\n"
	_, probs := ParseResponse([]byte(raw))
	if len(probs) == 0 {
		t.Error("no problem for lists nested 100000 deep")
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
		"* OK hi\r\nA1 LOGIN {5}\r\n+ ok\r\nalice x\r\nA1 OK\r\n",
		"a FETCH 1 BODY[]\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\na OK\r\n",
		"a IDLE\r\n+ idling\r\nDONE\r\na OK\r\n",
		"a AUTHENTICATE PLAIN\r\n+ \r\nAGEAYg==\r\na OK\r\n",
		"a APPEND x {3+}\r\nabc\r\n~{2}\r\nxy\r\n",
	} {
		f.Add([]byte(s), uint8(5))
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

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* 1 FETCH (FLAGS (\\Seen) BODY[HEADER] {2}\r\nab)\r\n",
		"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
		"A1 LOGIN \"a\\\\b\" ~{1}\r\nx\r\n",
		"* LIST () NIL \"\"\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _ := ParseResponse(b)
		c, _ := ParseCommand(b)
		check := func(vs []Value) {
			var walk func([]Value)
			walk = func(vs []Value) {
				for _, v := range vs {
					if v.Off < 0 || v.End > len(b) || v.Off > v.End {
						t.Fatalf("value %+v out of range of %d bytes", v, len(b))
					}
					if v.Kind == Literal && string(b[v.Off:v.End]) != v.Text {
						t.Fatalf("literal text %q != raw %q", v.Text, b[v.Off:v.End])
					}
					walk(v.List)
				}
			}
			walk(vs)
		}
		check(r.Fields)
		check(c.Args)
		if r.Code != nil {
			check(r.Code.Args)
		}
	})
}
