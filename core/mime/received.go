package mime

import (
	"net/mail"
	"strings"
	"time"
)

// A Hop is one Received field (RFC 5321 §4.4, RFC 5322 §3.6.7): one server
// taking the message on its way.
type Hop struct {
	Field int    // index of the Received field in the header
	From  string // the sending host as it named itself, with the TCP-info comment
	By    string // the receiving host
	Via   string
	With  string // the protocol: SMTP, ESMTP, ESMTPS, ESMTPSA, LMTP, HTTP, ...
	ID    string
	For   string
	Date  time.Time // zero when missing or unreadable
	// DateText is the date as written.
	DateText string
	// Delay is the time since the previous hop (the one below in the
	// header); valid when HasDelay. Clock skew can make it negative.
	Delay    time.Duration
	HasDelay bool
}

var receivedKeywords = map[string]bool{"from": true, "by": true, "via": true, "with": true, "id": true, "for": true}

// parseReceived reads the Received fields of a header into hops, oldest
// first (the fields are prepended by each server, so the header lists them
// newest first).
func parseReceived(h Header, ds *diags) []Hop {
	var hops []Hop
	for i := len(h) - 1; i >= 0; i-- {
		f := &h[i]
		if !strings.EqualFold(f.Name, "Received") {
			continue
		}
		hop := parseHop(f.Value)
		hop.Field = i
		if hop.DateText == "" {
			ds.add(SeverityInfo, CodeReceivedSyntax, f.Range.Start, f.Range.Len(), "RFC 5321 §4.4",
				"Received field has no \"; date-time\"")
		} else if hop.Date.IsZero() {
			ds.add(SeverityInfo, CodeReceivedSyntax, f.Range.Start, f.Range.Len(), "RFC 5322 §3.3",
				"Received date %q cannot be read", hop.DateText)
		}
		if n := len(hops); n > 0 && !hop.Date.IsZero() && !hops[n-1].Date.IsZero() {
			hop.Delay = hop.Date.Sub(hops[n-1].Date)
			hop.HasDelay = true
		}
		hops = append(hops, hop)
	}
	return hops
}

func parseHop(v string) Hop {
	var hop Hop
	clauses := v
	if i := lastTopLevelSemicolon(v); i >= 0 {
		clauses = v[:i]
		hop.DateText = strings.TrimSpace(v[i+1:])
		if t, ok := parseDateLoose(hop.DateText); ok {
			hop.Date = t
		}
	}
	// Walk the words at nesting level 0; a keyword starts a clause that
	// runs to the next keyword.
	var cur *string
	start := 0
	depth := 0
	inQuote := false
	set := func(end int) {
		if cur != nil {
			*cur = strings.Join(strings.Fields(clauses[start:end]), " ")
		}
	}
	i := 0
	for i < len(clauses) {
		c := clauses[i]
		switch {
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case depth == 0 && (i == 0 || isSpaceByte(clauses[i-1])):
			j := i
			for j < len(clauses) && !isSpaceByte(clauses[j]) && clauses[j] != '(' {
				j++
			}
			w := strings.ToLower(clauses[i:j])
			if receivedKeywords[w] && j < len(clauses) {
				set(i)
				switch w {
				case "from":
					cur = &hop.From
				case "by":
					cur = &hop.By
				case "via":
					cur = &hop.Via
				case "with":
					cur = &hop.With
				case "id":
					cur = &hop.ID
				case "for":
					cur = &hop.For
				}
				start = j
				i = j
				continue
			}
		}
		i++
	}
	set(len(clauses))
	return hop
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func lastTopLevelSemicolon(v string) int {
	depth := 0
	last := -1
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				last = i
			}
		}
	}
	return last
}

// Layouts seen in real Date and Received fields that net/mail rejects.
var looseLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, 2 Jan 2006 15:04:05 -0700 -0700",
	"Monday, January 2, 2006 3:04 PM",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
}

// parseDateLoose reads an RFC 5322 date-time and the common sloppy
// variants: trailing comments, doubled spaces, missing seconds, "GMT+0100".
func parseDateLoose(s string) (time.Time, bool) {
	s = strings.TrimSpace(stripComments(s))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, false
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	for _, l := range looseLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	// Drop a trailing zone name after a numeric zone ("+0000 UTC").
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if t, err := mail.ParseDate(s[:i]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
