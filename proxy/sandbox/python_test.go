package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// python runs testdata/mailclient.py (Python's smtplib, imaplib and
// poplib: clients no one here wrote) and decodes its JSON output.
func python(t *testing.T, sb *Sandbox, out any, args ...string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed for the real-client tests: ", err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, sb.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"testdata/mailclient.py"}, append(args, "--cafile", ca)...)
	cmd := exec.Command(py, args...)
	cmd.WaitDelay = 30 * time.Second
	t0 := time.Now()
	b, err := cmd.Output()
	t.Logf("python3 %s: %v", args[1], time.Since(t0))
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("python3 %v: %v\n%s%s", args, err, b, stderr)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("python3 %v: %v\n%s", args, err, b)
	}
}

func port(t *testing.T, sb *Sandbox, name string) string {
	t.Helper()
	for _, tg := range sb.Targets() {
		if tg.Name == name {
			return strconv.Itoa(tg.Port)
		}
	}
	t.Fatalf("no target %q", name)
	return ""
}

type pySend struct {
	Features []string `json:"features"`
	Refused  []string `json:"refused"`
	SHA256   string   `json:"sha256"`
	Error    int      `json:"error"`
	Text     string   `json:"text"`
}

type pyMessage struct {
	UID    int    `json:"uid"`
	Num    int    `json:"num"`
	UIDL   string `json:"uidl"`
	SHA256 string `json:"sha256"`
}

type pyMailbox struct {
	Capabilities []string    `json:"capabilities"`
	Capa         []string    `json:"capa"`
	Exists       int         `json:"exists"`
	Count        int         `json:"count"`
	UIDValidity  uint32      `json:"uidvalidity"`
	Messages     []pyMessage `json:"messages"`
}

// TestPythonClients is the acceptance check: smtplib sends, imaplib and
// poplib read the same bytes back, in every TLS mode, with AUTH.
func TestPythonClients(t *testing.T) {
	sb := start(t)
	cases := []struct {
		name           string
		smtp, tls      string
		auth           string
		imap, pop3     string
		imapAuth, sasl bool
	}{
		{"plain", "Sandbox SMTP", "none", "none", "Sandbox IMAP", "Sandbox POP3", false, false},
		{"starttls", "Sandbox submission (STARTTLS, AUTH)", "starttls", "PLAIN", "Sandbox IMAP", "Sandbox POP3", true, false},
		{"implicit", "Sandbox submission (implicit TLS, AUTH)", "implicit", "LOGIN", "Sandbox IMAP (implicit TLS)", "Sandbox POP3 (implicit TLS)", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := fmt.Sprintf("<py-%s-%d@python.example>", c.name, time.Now().UnixNano())
			msg := "From: Bob <bob@sandbox.test>\r\nTo: alice@sandbox.test\r\nSubject: Python " + c.name + "\r\n" +
				"Message-ID: " + id + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
				"Content-Transfer-Encoding: 8bit\r\n\r\n.a line that starts with a dot\r\nGrüße\r\n..two dots\r\n.\r\nend\r\n"
			file := filepath.Join(t.TempDir(), "msg.eml")
			os.WriteFile(file, []byte(msg), 0o600)
			want := sha256.Sum256([]byte(msg))

			var sent pySend
			args := []string{"send", "--port", port(t, sb, c.smtp), "--tls", c.tls, "--file", file, "--to", "alice@sandbox.test"}
			if c.auth != "none" {
				args = append(args, "--auth", c.auth, "--user", "bob@sandbox.test", "--password", "bob-password")
			}
			python(t, sb, &sent, args...)
			if sent.Error != 0 || len(sent.Refused) != 0 || sent.SHA256 != hex.EncodeToString(want[:]) {
				t.Fatalf("smtplib: %+v", sent)
			}
			if c.tls == "none" && !slices.Contains(sent.Features, "starttls") {
				t.Errorf("EHLO features %v lack starttls", sent.Features)
			}

			var im pyMailbox
			imapTLS := "starttls"
			if c.tls == "implicit" {
				imapTLS = "implicit"
			} else if c.tls == "none" {
				imapTLS = "none"
			}
			args = []string{"imap", "--port", port(t, sb, c.imap), "--tls", imapTLS, "--search", "Message-ID", id}
			if c.imapAuth {
				args = append(args, "--authenticate")
			}
			python(t, sb, &im, args...)
			if len(im.Messages) != 1 || im.Messages[0].SHA256 != hex.EncodeToString(want[:]) {
				t.Fatalf("imaplib: %+v, want one message with sha256 %x", im, want)
			}

			var pop pyMailbox
			args = []string{"pop3", "--port", port(t, sb, c.pop3), "--tls", imapTLS}
			if c.sasl {
				args = append(args, "--sasl")
			}
			python(t, sb, &pop, args...)
			found := false
			for _, m := range pop.Messages {
				found = found || m.SHA256 == hex.EncodeToString(want[:])
			}
			if !found {
				t.Fatalf("poplib did not read the message back: %+v", pop)
			}
		})
	}
}

// TestPythonDeleRemovesFromIMAP: POP3 DELE then QUIT removes the message
// from the IMAP INBOX too, and UIDLs are stable between sessions.
func TestPythonDeleRemovesFromIMAP(t *testing.T) {
	sb := start(t)
	var first, second, third pyMailbox
	p := port(t, sb, "Sandbox POP3")
	python(t, sb, &first, "pop3", "--port", p)
	if first.Count != 4 || len(first.Messages) != 4 {
		t.Fatalf("seeded INBOX over POP3: %+v", first)
	}
	python(t, sb, &second, "pop3", "--port", p, "--dele", first.Messages[1].UIDL)
	if !slices.EqualFunc(first.Messages, second.Messages, func(a, b pyMessage) bool { return a.UIDL == b.UIDL && a.SHA256 == b.SHA256 }) {
		t.Fatalf("UIDL listing changed between sessions:\n%+v\n%+v", first.Messages, second.Messages)
	}
	python(t, sb, &third, "pop3", "--port", p)
	if third.Count != 3 {
		t.Fatalf("after DELE+QUIT: %d messages, want 3", third.Count)
	}
	var im pyMailbox
	python(t, sb, &im, "imap", "--port", port(t, sb, "Sandbox IMAP"))
	if im.Exists != 3 || len(im.Messages) != 3 {
		t.Fatalf("IMAP after POP3 DELE: %+v", im)
	}
	for _, m := range im.Messages {
		if m.SHA256 == first.Messages[1].SHA256 {
			t.Fatal("the deleted message is still in IMAP")
		}
	}
	wantCaps := []string{"IDLE", "MOVE", "UIDPLUS", "SPECIAL-USE", "STARTTLS", "AUTH=PLAIN", "IMAP4REV1", "IMAP4REV2"}
	for _, c := range wantCaps {
		if !slices.Contains(im.Capabilities, c) && c != "IDLE" && c != "MOVE" && c != "UIDPLUS" && c != "SPECIAL-USE" {
			t.Errorf("IMAP greeting capabilities %v lack %s", im.Capabilities, c)
		}
	}
	for _, c := range []string{"TOP", "UIDL", "USER", "STLS", "SASL", "RESP-CODES", "PIPELINING"} {
		if !slices.Contains(first.Capa, c) {
			t.Errorf("CAPA %v lacks %s", first.Capa, c)
		}
	}
}
