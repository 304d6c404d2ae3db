package mime

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteTree prints the message for a terminal: the main header fields, the
// Received hops, then the tree of parts with each node's diagnostics.
func WriteTree(w io.Writer, m *Message) error {
	bw := bufio.NewWriter(w)
	root := m.Root
	for _, name := range []string{"From", "To", "Cc", "Subject", "Date", "Message-ID"} {
		if f := root.Header.Get(name); f != nil {
			fmt.Fprintf(bw, "%-11s %s\n", name+":", oneLine(f.Decoded, 100))
		}
	}
	if len(root.Received) > 0 {
		fmt.Fprintf(bw, "Received:   %d hop(s), oldest first\n", len(root.Received))
		for i, h := range root.Received {
			by := h.By
			if by == "" {
				by = "?"
			}
			fmt.Fprintf(bw, "  %2d. by %s", i+1, oneLine(firstWord(by), 50))
			if h.From != "" {
				fmt.Fprintf(bw, " from %s", oneLine(firstWord(h.From), 50))
			}
			if h.With != "" {
				fmt.Fprintf(bw, " with %s", firstWord(h.With))
			}
			if h.HasDelay {
				fmt.Fprintf(bw, "  (+%s)", h.Delay.Round(time.Second))
			}
			fmt.Fprintln(bw)
		}
	}
	fmt.Fprintf(bw, "%d bytes, %d node(s)\n\n", len(m.Input), m.Parts)
	writeNode(bw, m, root, "", "", true)
	return bw.Flush()
}

func writeNode(w *bufio.Writer, m *Message, p *Part, prefix, childPrefix string, isRoot bool) {
	label := p.Path
	if isRoot {
		label = "(root)"
	}
	var b strings.Builder
	b.WriteString(label)
	b.WriteString("  ")
	b.WriteString(p.ContentType)
	if cs := p.Params.Get("charset"); cs != "" {
		fmt.Fprintf(&b, "; charset=%s", cs)
	}
	if p.TransferEncoding != enc7bit {
		fmt.Fprintf(&b, "  %s", p.TransferEncoding)
	}
	if p.Disposition != "" {
		fmt.Fprintf(&b, "  %s", p.Disposition)
	}
	if p.Filename != "" {
		fmt.Fprintf(&b, "  %q", p.Filename)
	}
	fmt.Fprintf(&b, "  %s", humanSize(len(p.Body)))
	if p.Message && !isRoot {
		if f := p.Header.Get("Subject"); f != nil {
			fmt.Fprintf(&b, "  Subject: %s", oneLine(f.Decoded, 60))
		}
	}
	if p.Source != nil {
		fmt.Fprintf(&b, "  [bytes in decoded body of %s]", pathLabel(p.Source.Path))
	}
	fmt.Fprintf(w, "%s%s\n", prefix, b.String())
	detail := childPrefix
	if len(p.Children) > 0 {
		detail += "│   "
	} else {
		detail += "    "
	}
	for _, a := range p.Attachments {
		fmt.Fprintf(w, "%s+ uuencoded %q (mode %s, %s)\n", detail, a.Filename, a.Mode, humanSize(len(a.Data)))
		for _, d := range a.Diagnostics {
			fmt.Fprintf(w, "%s  %s\n", detail, diagLine(d))
		}
	}
	for _, d := range p.Diagnostics {
		fmt.Fprintf(w, "%s%s\n", detail, diagLine(d))
	}
	for i, c := range p.Children {
		last := i == len(p.Children)-1
		if last {
			writeNode(w, m, c, childPrefix+"└── ", childPrefix+"    ", false)
		} else {
			writeNode(w, m, c, childPrefix+"├── ", childPrefix+"│   ", false)
		}
	}
}

func pathLabel(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

func diagLine(d Diagnostic) string {
	mark := map[Severity]string{SeverityInfo: "i", SeverityWarning: "!", SeverityError: "x"}[d.Severity]
	s := fmt.Sprintf("%s %s: %s  @%d", mark, d.Code, oneLine(d.Message, 160), d.Offset)
	if d.Len > 0 {
		s += fmt.Sprintf("+%d", d.Len)
	}
	if d.RFC != "" {
		s += "  [" + d.RFC + "]"
	}
	return s
}

func humanSize(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}

// oneLine makes s printable on one terminal line of at most max runes.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}
