package transcript

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/session"
)

// maxLine bounds one transcript line.
const maxLine = 1 << 20

// Record is one line of a transcript: who sent it and its bytes on the
// wire (the text and CR LF).
type Record struct {
	Dir  byte   // 'c' or 's'
	Data []byte // the line's bytes, CR LF included
	Line int    // 1-based line number in the transcript
	// At is the timestamp in front of the line, when there is one.
	At    time.Duration
	HasAt bool

	literal bool // invented octets of a literal the recording lacks
}

// lineRE matches "[ts] C: text": an optional timestamp (seconds, or
// [hh:]mm:ss[.fff], in brackets or not), then C or S and a colon.
var lineRE = regexp.MustCompile(`^\s*(?:\[?((?:\d+:)?\d+:\d+(?:\.\d+)?|\d+(?:\.\d+)?)\]?\s+)?([CcSs]):(.*)$`)

// Parse reads a transcript. Lines that are neither C: nor S: (blank lines,
// comments, notes) are skipped and listed as problems when not blank.
func Parse(r io.Reader) ([]Record, []string, error) {
	var recs []Record
	var probs, skipped []string
	python := false // Python debug output: its other lines are chatter
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			if rs, prob, ok := parsePython(line, n); ok {
				python = true
				recs = append(recs, rs...)
				if prob != "" && len(probs) < 100 {
					probs = append(probs, prob)
				}
				continue
			}
			if strings.TrimSpace(line) != "" && !isNarration(line) && len(skipped) < 100 {
				skipped = append(skipped, fmt.Sprintf("line %d: not a C: or S: line, skipped", n))
			}
			continue
		}
		text := strings.TrimPrefix(m[3], " ")
		if isNarration(text) {
			continue
		}
		rec := Record{Dir: lower(m[2][0]), Data: []byte(text + "\r\n"), Line: n}
		if m[1] != "" {
			rec.At, rec.HasAt = parseStamp(m[1])
		}
		recs = append(recs, rec)
	}
	if !python {
		probs = append(skipped, probs...)
	}
	if err := sc.Err(); err != nil {
		return recs, probs, fmt.Errorf("transcript: line %d: %w", n+1, err)
	}
	return recs, probs, nil
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// parseStamp reads "12.5" (seconds) or "[hh:]mm:ss[.fff]".
func parseStamp(s string) (time.Duration, bool) {
	parts := strings.Split(s, ":")
	var total float64
	for _, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return 0, false
		}
		total = total*60 + f
	}
	return time.Duration(total * float64(time.Second)), true
}

// Detect guesses the protocol from the first lines.
func Detect(recs []Record) (session.Proto, bool) {
	for _, r := range recs {
		t := string(bytes.TrimSpace(r.Data))
		if r.Dir == 's' {
			switch {
			case strings.HasPrefix(t, "* "):
				return session.ProtoIMAP, true
			case strings.HasPrefix(t, "+OK") || strings.HasPrefix(t, "-ERR"):
				return session.ProtoPOP3, true
			case len(t) >= 3 && t[0] >= '2' && t[0] <= '5' && isDigit(t[1]) && isDigit(t[2]):
				return session.ProtoSMTP, true
			}
			continue
		}
		w := strings.Fields(strings.ToUpper(t))
		if len(w) == 0 {
			continue
		}
		switch w[0] {
		case "EHLO", "HELO", "MAIL", "RCPT", "DATA", "STARTTLS":
			return session.ProtoSMTP, true
		case "USER", "APOP", "CAPA", "STAT", "RETR", "STLS", "UIDL":
			return session.ProtoPOP3, true
		}
		if len(w) > 1 {
			return session.ProtoIMAP, true
		}
	}
	return "", false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Dissect explains a transcript: every unit, in wire order, as the Events
// a live session emits (without wall-clock times; Elapsed comes from the
// transcript's timestamps when it has them).
func Dissect(proto session.Proto, recs []Record) ([]session.Event, error) {
	d, err := session.NewDissector(proto)
	if err != nil {
		return nil, err
	}
	var out []session.Event
	var at time.Duration
	haveAt := false
	add := func(steps []explain.Step) {
		for _, st := range steps {
			e := session.FromStep(string(proto), st)
			e.Seq = len(out) + 1
			if haveAt {
				e.Elapsed = float64(at.Microseconds()) / 1000
			}
			if e.Dir == session.DirServer {
				s := d.State()
				e.Valid = s.Valid
			}
			out = append(out, e)
		}
	}
	for _, r := range recs {
		if r.HasAt {
			at, haveAt = r.At, true
		}
		if r.Dir == 'c' {
			add(d.Client(r.Data))
		} else {
			add(d.Server(r.Data))
		}
		if st := d.State(); lastStartTLS(out) && st.Name == "handshake" {
			d.SetTLS() // in a transcript the bytes after STARTTLS are already the decrypted ones
			out = append(out, session.Event{Seq: len(out) + 1, Dir: session.DirLocal, Kind: session.KindTLS, Proto: string(proto),
				Summary: "TLS starts here (not recorded)", Explain: "The TLS handshake happens here; the transcript goes on with what was said inside TLS.",
				RFC: startTLSRFC(proto), State: d.State().Name, Valid: d.State().Valid})
		}
	}
	add(d.End())
	return out, nil
}

func lastStartTLS(evs []session.Event) bool {
	return len(evs) > 0 && evs[len(evs)-1].StartTLS
}

func startTLSRFC(p session.Proto) string {
	switch p {
	case session.ProtoIMAP:
		return "RFC 9051 §6.2.1"
	case session.ProtoPOP3:
		return "RFC 2595 §4"
	}
	return "RFC 3207 §4.2"
}

// isNarration recognises the RFCs' stage directions, such as
// "S: <wait for connection on TCP port 110>" or "<TLS negotiation>":
// they stand for no bytes.
func isNarration(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	if !strings.HasPrefix(t, "<") || !strings.HasSuffix(t, ">") || strings.Contains(t, "@") {
		return false
	}
	for _, w := range []string{"connection", "negotiation", "wait for"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}
