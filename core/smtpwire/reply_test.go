package smtpwire

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		code     int
		lines    []string
		problems int
		err      bool
	}{
		{"greeting", "220 mx.example ESMTP ready\r\n", 220, []string{"mx.example ESMTP ready"}, 0, false},
		{"ehlo", "250-mx.example\r\n250-SIZE 1000\r\n250 8BITMIME\r\n", 250, []string{"mx.example", "SIZE 1000", "8BITMIME"}, 0, false},
		{"bare code", "250\r\n", 250, []string{""}, 0, false},
		{"bare lf", "250 ok\n", 250, []string{"ok"}, 1, false},
		{"code changes", "250-a\r\n251 b\r\n", 250, []string{"a", "b"}, 1, false},
		{"bad separator", "250_ok\r\n", 250, []string{"_ok"}, 1, false},
		{"garbage", "hello\r\n", 0, nil, 1, true},
		{"truncated", "250-a\r\n250-b", 250, []string{"a"}, 0, true},
		{"empty", "", 0, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := NewReader(strings.NewReader(tt.in)).ReadReply()
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if rep.Code != tt.code {
				t.Errorf("code = %d, want %d", rep.Code, tt.code)
			}
			if strings.Join(rep.Lines, "|") != strings.Join(tt.lines, "|") {
				t.Errorf("lines = %q, want %q", rep.Lines, tt.lines)
			}
			if len(rep.Problems) != tt.problems {
				t.Errorf("problems = %q, want %d", rep.Problems, tt.problems)
			}
			if string(rep.Raw) != tt.in {
				t.Errorf("raw = %q, want every byte read: %q", rep.Raw, tt.in)
			}
		})
	}
}

func TestReadReplyLimits(t *testing.T) {
	long := "250 " + strings.Repeat("x", MaxReplyLine) + "\r\n"
	if _, err := NewReader(strings.NewReader(long)).ReadReply(); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("long line: err = %v, want ErrLineTooLong", err)
	}
	many := strings.Repeat("250-x\r\n", MaxReplyLines+5) + "250 x\r\n"
	if _, err := NewReader(strings.NewReader(many)).ReadReply(); err == nil {
		t.Error("endless multi-line reply: no error")
	}
}

func TestReadReplySequence(t *testing.T) {
	r := NewReader(strings.NewReader("220 hi\r\n250 ok\r\n"))
	for _, want := range []int{220, 250} {
		rep, err := r.ReadReply()
		if err != nil || rep.Code != want {
			t.Fatalf("got %d, %v; want %d", rep.Code, err, want)
		}
	}
	if _, err := r.ReadReply(); !errors.Is(err, io.EOF) {
		t.Errorf("at end: err = %v, want io.EOF", err)
	}
}

func TestParseCommand(t *testing.T) {
	for _, tt := range []struct{ in, verb, args string }{
		{"EHLO client.example\r\n", "EHLO", "client.example"},
		{"mail FROM:<a@b>\r\n", "MAIL", "FROM:<a@b>"},
		{"QUIT\r\n", "QUIT", ""},
		{"\r\n", "", ""},
	} {
		c := ParseCommand([]byte(tt.in))
		if c.Verb != tt.verb || c.Args != tt.args || string(c.Raw) != tt.in {
			t.Errorf("ParseCommand(%q) = %+v", tt.in, c)
		}
	}
	if got := string(FormatCommand("EHLO", "x")); got != "EHLO x\r\n" {
		t.Errorf("FormatCommand = %q", got)
	}
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 hi\r\n", "250-a\r\n250 b\r\n", "250 ok\n", "5", "250-"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(strings.NewReader(string(b)))
		total := 0
		for i := 0; i < 100; i++ {
			rep, err := r.ReadReply()
			total += len(rep.Raw)
			if err != nil {
				break
			}
		}
		if total > len(b) {
			t.Fatalf("read %d bytes from %d", total, len(b))
		}
	})
}
