package imap

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/imapwire"
)

// statusMeaning explains the five status responses (RFC 9051 §7.1).
var statusMeaning = map[string]struct{ text, rfc string }{
	"OK":      {"OK: success (tagged), or information (untagged)", "RFC 9051 §7.1.1"},
	"NO":      {"NO: the command failed (tagged), or a warning (untagged)", "RFC 9051 §7.1.2"},
	"BAD":     {"BAD: a protocol error: the command was not understood or not allowed in this state", "RFC 9051 §7.1.3"},
	"PREAUTH": {"PREAUTH: a greeting saying the client is already authenticated (by other means)", "RFC 9051 §7.1.4"},
	"BYE":     {"BYE: the server is about to close the connection", "RFC 9051 §7.1.5"},
}

// codeDetail explains a response code and updates the client.
func (d *Dissector) codeDetail(code *imapwire.Code) explain.Detail {
	det := explain.Detail{Name: "[" + code.Name + "]", Value: code.Text}
	if c, ok := codes[code.Name]; ok {
		det.Explain, det.RFC = c.text, c.rfc
	} else {
		det.Explain, det.RFC = "a response code Mailwire does not describe", "RFC 9051 §7.1"
	}
	c := d.c
	switch code.Name {
	case "CAPABILITY":
		var caps []string
		for _, v := range code.Args {
			caps = append(caps, v.Text)
		}
		c.setCaps(caps)
	case "UIDVALIDITY":
		c.uidValidity = code.Text
	case "UIDNEXT":
		c.uidNext = code.Text
	case "UNSEEN":
		if n, err := strconv.ParseInt(code.Text, 10, 64); err == nil {
			c.unseen = n
			det.Explain = fmt.Sprintf("message %d is the first without the \\Seen flag. %d is a message sequence number, not a UID (IMAP4rev1; IMAP4rev2 dropped this code)", n, n)
		}
	case "PERMANENTFLAGS":
		c.permFlags = []string{}
		if len(code.Args) > 0 {
			for _, f := range code.Args[0].List {
				c.permFlags = append(c.permFlags, f.Text)
			}
		}
	case "HIGHESTMODSEQ":
		c.highestModSeq = code.Text
	case "READ-ONLY":
		c.readOnly = true
	case "READ-WRITE":
		c.readOnly = false
	}
	return det
}

// untagged explains an untagged response and updates the client.
func (d *Dissector) untagged(st *explain.Step, r *imapwire.Response) {
	c := d.c
	name := r.Name
	if r.Status != "" {
		m := statusMeaning[r.Status]
		st.Explain, st.RFC = "An untagged "+m.text+". The text after it is for humans.", m.rfc
		if r.Code != nil {
			det := d.codeDetail(r.Code)
			st.Details = append(st.Details, det)
			st.Explain = "An untagged OK carrying a response code in brackets: [" + r.Code.Name + "] " + det.Explain + "."
			if r.Status != "OK" {
				st.Explain = "An untagged " + m.text + ", with the response code [" + r.Code.Name + "]: " + det.Explain + "."
			}
			st.RFC = det.RFC
		}
		switch r.Status {
		case "BYE":
			st.Explain = "BYE: the server is closing the connection"
			if d.logoutSent {
				st.Explain += ", as LOGOUT asked; the tagged OK follows."
			} else {
				st.Explain += " on its own (shutdown, timeout, too many errors)."
			}
			st.RFC = "RFC 9051 §7.1.5"
			c.conf = StateLogout
		case "PREAUTH":
			c.conf = StateAuthenticated
		}
		return
	}
	switch {
	case name == "CAPABILITY":
		var caps []string
		for _, v := range r.Fields {
			caps = append(caps, v.Text)
			e, rfc := describeCapability(v.Text)
			st.Details = append(st.Details, explain.Detail{Name: v.Text, Explain: e, RFC: rfc})
		}
		c.setCaps(caps)
		st.Explain, st.RFC = fmt.Sprintf("The server's capabilities (%d), each explained below. IMAP4rev1 or IMAP4rev2 names the protocol version; AUTH= names SASL mechanisms.", len(caps)), "RFC 9051 §7.2.2"
		if !c.tls && c.has("STARTTLS") {
			st.Explain += " STARTTLS is offered: the connection can be encrypted before logging in."
		}
		if c.has("LOGINDISABLED") {
			st.Explain += " LOGINDISABLED: LOGIN is refused on this connection."
		}
	case name == "ENABLED":
		for _, v := range r.Fields {
			c.enabled = append(c.enabled, v.Text)
		}
		st.Explain, st.RFC = "The extensions ENABLE switched on: "+join(r.Fields, 0)+".", "RFC 9051 §7.2.1"
	case name == "FLAGS":
		c.flags = nil
		if len(r.Fields) > 0 {
			for _, f := range r.Fields[0].List {
				c.flags = append(c.flags, f.Text)
				st.Details = append(st.Details, explain.Detail{Name: f.Text, Explain: flagMeaning(f.Text)})
			}
		}
		st.Explain, st.RFC = "The flags defined in this mailbox. System flags start with a backslash; others are keywords.", "RFC 9051 §7.3.5"
	case name == "LIST" || name == "LSUB" || name == "XLIST":
		mb := str(r.Fields, 2)
		if len(c.mailboxes) < maxRemembered && name != "LSUB" {
			c.mailboxes = append(c.mailboxes, mb)
		}
		attrs := ""
		if len(r.Fields) > 0 {
			for _, a := range r.Fields[0].List {
				st.Details = append(st.Details, explain.Detail{Name: a.Text, Explain: attrMeaning(a.Text)})
				attrs += " " + a.Text
			}
		}
		if len(r.Fields) > 1 {
			st.Details = append(st.Details, explain.Detail{Name: "delimiter", Value: r.Fields[1].String(), Explain: "separates levels of the hierarchy, as in Work/2024"})
		}
		st.Explain = fmt.Sprintf("One mailbox: %q, its attributes (%s ) and its hierarchy delimiter.", mb, attrs)
		st.RFC = "RFC 9051 §7.3.1"
		if name == "LSUB" {
			st.RFC = "RFC 3501 §7.2.3"
		}
	case name == "STATUS":
		st.Explain, st.RFC = "STATUS data for "+mailbox(r.Fields, 0)+" (the mailbox is not selected).", "RFC 9051 §7.3.3"
		if len(r.Fields) > 1 {
			l := r.Fields[1].List
			for i := 0; i+1 < len(l); i += 2 {
				st.Details = append(st.Details, explain.Detail{Name: l[i].Text, Value: l[i+1].String(), Explain: statusItem(l[i].Text)})
			}
		}
	case name == "SEARCH" || name == "SORT":
		var nums []string
		for _, v := range r.Fields {
			nums = append(nums, v.String())
		}
		uid := d.uidSearchInFlight()
		if len(nums) > maxRemembered {
			nums = nums[:maxRemembered]
		}
		c.search, c.searchUID = append([]string{}, nums...), uid
		kind := "message sequence numbers (not UIDs: they shift when messages are expunged)"
		if uid {
			kind = "UIDs, since the command was UID " + name
		}
		if len(nums) == 0 {
			st.Explain = "No message matched."
		} else {
			st.Explain = fmt.Sprintf("The matching messages (%d), as %s.", len(r.Fields), kind)
		}
		st.RFC = "RFC 3501 §7.2.5"
		if name == "SORT" {
			st.RFC = "RFC 5256 §4"
		}
	case name == "ESEARCH":
		st.Explain, st.RFC = "Extended search results: the tag of the search, UID if the numbers are UIDs, then MIN, MAX, COUNT or ALL (a sequence set).", "RFC 9051 §7.3.4"
	case name == "NAMESPACE":
		st.Explain, st.RFC = "The namespaces: personal, other users', shared; each a prefix and a hierarchy delimiter, or NIL when there is none.", "RFC 9051 §7.3.2"
	case name == "ID":
		st.Explain, st.RFC = "The server's identification: field/value pairs (name, version, ...).", "RFC 2971 §3.2"
	case name == "QUOTA" || name == "QUOTAROOT":
		st.Explain, st.RFC = "Quota data: resource, usage and limit.", "RFC 9208 §5"
	case name == "THREAD":
		st.Explain, st.RFC = "Threads: nested lists of message numbers.", "RFC 5256 §4"
	case name == "VANISHED":
		st.Explain, st.RFC = "UIDs of messages expunged (QRESYNC); unlike EXPUNGE it names UIDs.", "RFC 7162 §3.2.10"
	case r.HasNum && name == "EXISTS":
		c.exists = int64(r.Num)
		st.Explain, st.RFC = fmt.Sprintf("The mailbox holds %d message(s). Sent on SELECT and whenever new mail arrives; message sequence numbers run from 1 to %d.", r.Num, r.Num), "RFC 9051 §7.4.1"
	case r.HasNum && name == "RECENT":
		c.recent = int64(r.Num)
		st.Explain, st.RFC = fmt.Sprintf("%d message(s) arrived since the last session that saw this mailbox (\\Recent flag). IMAP4rev1 only; IMAP4rev2 dropped it.", r.Num), "RFC 3501 §7.3.2"
	case r.HasNum && name == "EXPUNGE":
		if c.exists > 0 {
			c.exists--
		}
		st.Explain, st.RFC = fmt.Sprintf("Message %d (a sequence number) was removed. Every message after it moves down by one, so the next EXPUNGE numbers count from the new order.", r.Num), "RFC 9051 §7.5.1"
	case r.HasNum && name == "FETCH":
		var items []imapwire.Value
		if len(r.Fields) > 0 {
			items = r.Fields[0].List
		}
		det, msg := fetchItems(items)
		st.Details = append(st.Details, det...)
		st.Message = msg
		names := make([]string, 0, len(det))
		for _, x := range det {
			names = append(names, x.Name)
		}
		st.Explain = fmt.Sprintf("Data about message %d (its sequence number): %s.", r.Num, strings.Join(names, ", "))
		if hasLiteral(items) {
			st.Explain += " Each literal {n} in it carries n octets, line ends included, so the response spans lines and is still one unit."
		}
		if !d.fetchInFlight() {
			st.Explain = fmt.Sprintf("Unsolicited FETCH for message %d: the server reports a change, typically of flags (%s).", r.Num, strings.Join(names, ", "))
		}
		st.RFC = "RFC 9051 §7.5.2"
	default:
		st.Explain, st.RFC = "Untagged data Mailwire does not describe.", "RFC 9051 §7"
	}
}

func flagMeaning(f string) string {
	switch strings.ToLower(f) {
	case `\seen`:
		return "read"
	case `\answered`:
		return "replied to"
	case `\flagged`:
		return "marked for attention"
	case `\deleted`:
		return "marked for removal by EXPUNGE or CLOSE"
	case `\draft`:
		return "a draft"
	case `\recent`:
		return "new in this session (IMAP4rev1 only)"
	case `\*`:
		return "the client may create new keywords"
	case "$forwarded", "$junk", "$notjunk", "$phishing", "$mdnsent":
		return "a registered keyword (RFC 9051 §2.3.2)"
	}
	return "a keyword"
}

func attrMeaning(a string) string {
	switch strings.ToLower(a) {
	case `\noselect`:
		return "cannot be selected: only a level of the hierarchy"
	case `\noinferiors`:
		return "cannot have children"
	case `\haschildren`:
		return "has child mailboxes"
	case `\hasnochildren`:
		return "has no child mailboxes"
	case `\marked`:
		return "probably has new messages"
	case `\unmarked`:
		return "no new messages since last selected"
	case `\nonexistent`:
		return "does not exist (listed because a child does)"
	case `\subscribed`:
		return "subscribed"
	case `\remote`:
		return "on another server"
	case `\sent`:
		return "special use: sent messages (RFC 6154)"
	case `\drafts`:
		return "special use: drafts (RFC 6154)"
	case `\trash`:
		return "special use: deleted messages (RFC 6154)"
	case `\junk`:
		return "special use: spam (RFC 6154)"
	case `\archive`:
		return "special use: archive (RFC 6154)"
	case `\all`:
		return "special use: all messages (RFC 6154)"
	case `\flagged`:
		return "special use: flagged messages (RFC 6154)"
	}
	return "a mailbox attribute"
}

func statusItem(name string) string {
	switch strings.ToUpper(name) {
	case "MESSAGES":
		return "number of messages"
	case "UIDNEXT":
		return "next UID to be assigned"
	case "UIDVALIDITY":
		return "the UID validity value"
	case "UNSEEN":
		return "number of messages without \\Seen (a count, unlike SELECT's [UNSEEN n])"
	case "RECENT":
		return "number of \\Recent messages (IMAP4rev1)"
	case "SIZE":
		return "total size in octets (RFC 8438)"
	case "DELETED":
		return "number of messages with \\Deleted"
	case "HIGHESTMODSEQ":
		return "highest modification sequence (RFC 7162)"
	case "APPENDLIMIT":
		return "largest message APPEND accepts (RFC 7889)"
	}
	return ""
}

func hasLiteral(vs []imapwire.Value) bool {
	for _, v := range vs {
		if v.Kind == imapwire.Literal || hasLiteral(v.List) {
			return true
		}
	}
	return false
}
