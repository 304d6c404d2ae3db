package transcript

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := RunCLI(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	session := "S: +OK ready\nC: USER alice\nS: +OK\nC: PASS alice-pass\nS: +OK Logged in.\n"
	file := filepath.Join(t.TempDir(), "s.txt")
	if err := os.WriteFile(file, []byte(session), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", file)
	if code != 0 || !strings.HasPrefix(out, "POP3 session, 5 units") || errs != "" {
		t.Fatalf("text: %d %q %q", code, out, errs)
	}
	if strings.Contains(out, "alice-pass") || !strings.Contains(out, `raw: "PASS ********\r\n"`) {
		t.Errorf("password not masked:\n%s", out)
	}
	// --json after the file, from standard input
	code, out, _ = runCLI(t, session, "-", "--json")
	var evs []map[string]any
	if err := json.Unmarshal([]byte(out), &evs); code != 0 || err != nil || len(evs) != 5 {
		t.Fatalf("json: %d %v %d units\n%s", code, err, len(evs), out)
	}
	for _, k := range []string{"dir", "raw", "kind", "explain", "rfc"} {
		if _, ok := evs[1][k]; !ok {
			t.Errorf("JSON unit lacks %q: %v", k, evs[1])
		}
	}
	if evs[0]["dir"] != "s" || evs[1]["dir"] != "c" || strings.Contains(out, "alice-pass") {
		t.Errorf("JSON units: %v", evs[:2])
	}
	if code, _, _ := runCLI(t, session, "--proto", "imap", "-"); code != 0 {
		t.Errorf("forced protocol: exit %d", code)
	}
	for _, bad := range [][]string{{}, {"--proto", "x400", "-"}, {"a", "b"}} {
		if code, _, _ := runCLI(t, session, bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
	if code, _, _ := runCLI(t, "", filepath.Join(t.TempDir(), "missing")); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "hello\n", "-"); code != 1 {
		t.Errorf("no C:/S: lines: exit %d, want 1", code)
	}
}
