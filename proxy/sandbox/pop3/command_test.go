package pop3

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		line string
		name string
		args []string
		rest string
		err  error
	}{
		{"STAT", "STAT", nil, "", nil},
		{"retr 1", "RETR", []string{"1"}, "1", nil},
		{"TOP 1 10", "TOP", []string{"1", "10"}, "1 10", nil},
		{"PASS secret with spaces", "PASS", []string{"secret", "with", "spaces"}, "secret with spaces", nil},
		{"LIST ", "LIST", nil, "", nil},
		{"", "", nil, "", ErrEmptyLine},
		{"   ", "", nil, "", ErrEmptyLine},
		{"R3TR 1", "", nil, "", ErrBadKeyword},
		{"ÜSER x", "", nil, "", ErrBadKeyword},
		{" USER x", "", nil, "", ErrBadKeyword},
		{"USER a\x00b", "", nil, "", ErrControlChar},
		{"USER " + strings.Repeat("a", 260), "", nil, "", ErrLineTooLong},
		{"ABCDEFGHIJKLMNOPQ", "", nil, "", ErrBadKeyword},
	}
	for _, c := range cases {
		got, err := ParseCommand([]byte(c.line))
		if !errors.Is(err, c.err) {
			t.Errorf("%q: err %v, want %v", c.line, err, c.err)
			continue
		}
		if err != nil {
			continue
		}
		if got.Name != c.name || !slices.Equal(got.Args, c.args) || got.Rest != c.rest {
			t.Errorf("%q: got %+v", c.line, got)
		}
	}
}

func TestParseMsgNum(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want int
		ok   bool
	}{
		{"1", 3, 0, true}, {"3", 3, 2, true}, {"0", 3, 0, false}, {"4", 3, 0, false},
		{"-1", 3, 0, false}, {"+1", 3, 0, false}, {"1x", 3, 0, false}, {"9999999999", 3, 0, false}, {"", 3, 0, false},
	} {
		got, err := parseMsgNum(c.s, c.n)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("parseMsgNum(%q, %d) = %d, %v", c.s, c.n, got, err)
		}
	}
}

// FuzzParseCommand: the parser never panics, and what it accepts prints
// back to a line that parses to the same command.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"STAT", "RETR 1", "TOP 1 5", "PASS a b  c", "USER alice@sandbox.test", "AUTH PLAIN AGFsaWNlAHB3", "", "\t", "CAPA\x00", "LIST\t1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCommand(line)
		if err != nil {
			return
		}
		if c.Name == "" || c.Name != strings.ToUpper(c.Name) {
			t.Fatalf("name %q", c.Name)
		}
		again, err := ParseCommand([]byte(c.String()))
		if err != nil {
			t.Fatalf("%q -> %q: %v", line, c.String(), err)
		}
		if again.Name != c.Name || !slices.Equal(again.Args, c.Args) {
			t.Fatalf("round trip %q: %+v then %+v", line, c, again)
		}
	})
}
