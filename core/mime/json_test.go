package mime

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONString checks the hand-written string encoder against
// encoding/json: same decoded text, invalid UTF-8 as U+FFFD.
func TestJSONString(t *testing.T) {
	cases := []string{"", "plain", "quote\" back\\ nl\n cr\r tab\t nul\x00 \x1f", "Grüße 日本 😀",
		"bad \xff byte", "truncated \xe6\x97", "surrogate \xed\xa0\x80", "overlong \xc0\xaf \xe0\x80\xaf", "max \xf4\x8f\xbf\xbf \xf4\x90\x80\x80"}
	// Every special byte at every position of a long ASCII run (the
	// encoder skips eight plain bytes at a time).
	for _, c := range []string{"\"", "\\", "\x00", "\x1f", "\n", "\x7f", "é", "\xff", " "} {
		for i := 0; i <= 20; i++ {
			cases = append(cases, strings.Repeat("a", i)+c+strings.Repeat("b", 20-i))
		}
	}
	for _, s := range cases {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: invalid JSON %s: %v", s, got, err)
			continue
		}
		ref, _ := json.Marshal(s)
		var want string
		json.Unmarshal(ref, &want)
		if back != want {
			t.Errorf("%q: decodes to %q, encoding/json gives %q", s, back, want)
		}
		if b := appendJSONString(nil, []byte(s)); string(b) != string(got) {
			t.Errorf("%q: []byte form differs", s)
		}
	}
}

// TestJSONModel checks the model's shape on a message with every kind of node.
func TestJSONModel(t *testing.T) {
	in := crlf(stdHeader + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nhi\n--b\nContent-Type: message/rfc822\n\nSubject: in\n\nx\n--b--\n")
	m := Parse([]byte(in))
	var model struct {
		Size, Parts int
		Root        struct {
			Path, ContentType, RangesIn string
			Message                     bool
			Ranges                      struct{ Boundaries [][2]int }
			Children                    []struct {
				Path, ContentType, SHA256 string
				Params                    map[string]string
				Size                      int
				Children                  []struct{ Path string }
				Headers                   []struct{ Name, Raw, Meaning, RFC string }
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	r := model.Root
	if model.Size != len(in) || model.Parts != 4 || r.Path != "" || !r.Message || r.RangesIn != "input" || len(r.Ranges.Boundaries) != 3 || len(r.Children) != 2 {
		t.Fatalf("model %+v", model)
	}
	c := r.Children[0]
	if c.Path != "1" || c.Params["format"] != "flowed" || c.Size != 2 || c.SHA256 != hash([]byte("hi")) {
		t.Errorf("child 1 %+v", c)
	}
	h := c.Headers[0]
	if h.Name != "Content-Type" || h.Raw != "Content-Type: text/plain; charset=utf-8; format=flowed\r\n" || h.RFC != "RFC 2045 §5" || h.Meaning == "" {
		t.Errorf("header %+v", h)
	}
	if c := r.Children[1]; len(c.Children) != 1 || c.Children[0].Path != "2.1" {
		t.Errorf("message/rfc822 %+v", c)
	}
	if nh := m.AppendJSON(nil, false); json.Valid(nh) == false || len(nh) >= len(b) {
		t.Errorf("no-hash model: valid %v, %d bytes vs %d", json.Valid(nh), len(nh), len(b))
	}
}
