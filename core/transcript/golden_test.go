package transcript

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwire/mailwire/core/internal/txtar"
	"github.com/mailwire/mailwire/core/session"
)

// Golden transcripts: testdata/*.txtar, each with
//
//	-- proto --       smtp, imap or pop3 (optional: guessed otherwise)
//	-- transcript --  C:/S: lines, as in the RFCs' examples, or
//	-- wire --        exact chunks, one per line: c "Go-quoted bytes" / s "..."
//	-- secrets --     passwords that must never show (one per line)
//	-- events --      the expected explanation, regenerated with UPDATE_GOLDEN=1
var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") != "", "rewrite the events of the golden files")

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := txtar.Parse(data)
			recs, err := records(a)
			if err != nil {
				t.Fatal(err)
			}
			var proto session.Proto
			if p, ok := a.Get("proto"); ok {
				if proto, err = session.ParseProto(string(p)); err != nil {
					t.Fatal(err)
				}
			} else if proto, _ = Detect(recs); proto == "" {
				t.Fatal("cannot guess the protocol")
			}
			evs, err := Dissect(proto, recs)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			WriteText(&got, proto, evs)
			checkSecrets(t, a, evs, got.String())
			checkWire(t, recs, evs)
			want, _ := a.Get("events")
			if *update {
				a.Set("events", got.Bytes())
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.String() != string(want) {
				t.Errorf("events differ from %s (run with UPDATE_GOLDEN=1 and review the diff):\n%s", file, diff(string(want), got.String()))
			}
		})
	}
}

// records reads the transcript or wire section.
func records(a *txtar.Archive) ([]Record, error) {
	if tr, ok := a.Get("transcript"); ok {
		recs, probs, err := Parse(bytes.NewReader(tr))
		if len(probs) > 0 {
			return nil, fmt.Errorf("transcript: %q", probs)
		}
		return recs, err
	}
	w, ok := a.Get("wire")
	if !ok {
		return nil, fmt.Errorf("neither a transcript nor a wire section")
	}
	var recs []Record
	for i, line := range strings.Split(strings.TrimRight(string(w), "\n"), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dir, q, ok := strings.Cut(line, " ")
		if !ok || (dir != "c" && dir != "s") {
			return nil, fmt.Errorf("wire line %d: want c|s \"...\"", i+1)
		}
		data, err := strconv.Unquote(q)
		if err != nil {
			return nil, fmt.Errorf("wire line %d: %w", i+1, err)
		}
		recs = append(recs, Record{Dir: dir[0], Data: []byte(data), Line: i + 1})
	}
	return recs, nil
}

// checkSecrets fails if a listed password shows anywhere in the events.
func checkSecrets(t *testing.T, a *txtar.Archive, evs []session.Event, text string) {
	t.Helper()
	s, _ := a.Get("secrets")
	for _, sec := range strings.Fields(string(s)) {
		if strings.Contains(text, sec) {
			t.Errorf("secret %q shows in the explanation", sec)
		}
		for _, e := range evs {
			if bytes.Contains(e.Raw, []byte(sec)) || bytes.Contains(e.Message, []byte(sec)) || strings.Contains(fmt.Sprint(e), sec) {
				t.Errorf("secret %q shows in event %d", sec, e.Seq)
			}
		}
	}
}

// checkWire checks that the events hold every byte fed, in order, except
// where a secret was masked.
func checkWire(t *testing.T, recs []Record, evs []session.Event) {
	t.Helper()
	var in, out []byte
	for _, r := range recs {
		in = append(in, r.Data...)
	}
	masked := false
	for _, e := range evs {
		out = append(out, e.Raw...)
		masked = masked || e.Masked
	}
	if !masked && len(in) != len(out) {
		t.Errorf("fed %d bytes, events hold %d", len(in), len(out))
	}
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want: %s\n  got: %s", i+1, a, b)
		}
	}
	return "(no difference)"
}
