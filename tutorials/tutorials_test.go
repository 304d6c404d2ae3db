package tutorials

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailwire/mailwire/core/smtpwire"
	"github.com/mailwire/mailwire/proxy/sandbox"
)

var fence = regexp.MustCompile("(?s)```mailwire-session proto=(\\w+)\n(.*?)```")

func TestLessonsRunAgainstTheSandbox(t *testing.T) {
	files, _ := filepath.Glob("*.md")
	if len(files) == 0 {
		t.Fatal("no lessons found")
	}
	sb := sandbox.New(sandbox.Config{})
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	addr := map[string]string{}
	for _, tg := range sb.Targets() {
		if tg.TLS == "none" || tg.TLS == "starttls" {
			if _, seen := addr[tg.Proto]; !seen {
				addr[tg.Proto] = net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port))
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		blocks := fence.FindAllStringSubmatch(string(b), -1)
		for i, m := range blocks {
			t.Run(f+"#"+strconv.Itoa(i+1), func(t *testing.T) {
				if m[1] != "smtp" {
					t.Fatalf("no runner for proto=%s yet", m[1])
				}
				runSMTP(t, addr["smtp"], m[2])
			})
		}
	}
}

// runSMTP plays a session block: C: lines are sent, each S: line reads one
// reply and checks its code.
func runSMTP(t *testing.T, addr, script string) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := smtpwire.NewReader(bufio.NewReader(conn))
	var pending []byte
	for n, line := range strings.Split(strings.TrimRight(script, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "C:"):
			text := strings.TrimPrefix(strings.TrimPrefix(line, "C:"), " ")
			pending = append(pending, text+"\r\n"...)
		case strings.HasPrefix(line, "S: "):
			if len(pending) > 0 {
				if _, err := conn.Write(pending); err != nil {
					t.Fatalf("line %d: %v", n+1, err)
				}
				pending = nil
			}
			want := strings.TrimSpace(strings.TrimPrefix(line, "S: "))
			rep, err := r.ReadReply()
			if err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			if !strings.HasPrefix(strconv.Itoa(rep.Code), want) {
				t.Fatalf("line %d: got %d %q, the lesson says %s", n+1, rep.Code, rep.Text(), want)
			}
		default:
			t.Fatalf("line %d: %q is neither C: nor S:", n+1, line)
		}
	}
}
