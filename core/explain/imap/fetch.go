package imap

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/imapwire"
)

func init() {
	register("FETCH", &command{rfc: "RFC 9051 §6.4.5", explain: func(a []imapwire.Value, uid bool) string {
		s := "FETCH asks for data about message(s) " + str(a, 0)
		if uid {
			s = "UID FETCH asks for data about the messages whose UIDs are " + str(a, 0) + " (UIDs, not sequence numbers; RFC 9051 §6.4.9). The answers still carry sequence numbers, plus the UID"
		} else {
			s += " (message sequence numbers: 1 is the oldest message in the mailbox now)"
		}
		s += ": " + join(a, 1) + ". One untagged FETCH response per message."
		if len(a) > 1 {
			switch strings.ToUpper(a[1].Text) {
			case "ALL":
				s += " ALL is a macro for (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)."
			case "FAST":
				s += " FAST is a macro for (FLAGS INTERNALDATE RFC822.SIZE)."
			case "FULL":
				s += " FULL is a macro for (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)."
			}
		}
		if hasPeekless(a) {
			s += " BODY[...] without .PEEK sets the \\Seen flag; BODY.PEEK[...] does not."
		}
		return s
	}})
}

func hasPeekless(a []imapwire.Value) bool {
	var walk func([]imapwire.Value) bool
	walk = func(vs []imapwire.Value) bool {
		for _, v := range vs {
			if v.Kind == imapwire.Atom && strings.HasPrefix(strings.ToUpper(v.Text), "BODY[") {
				return true
			}
			if walk(v.List) {
				return true
			}
		}
		return false
	}
	return len(a) > 1 && walk(a[1:])
}

// fetchItems explains the items of a FETCH response, and returns the
// message it carries (BODY[], RFC822, BINARY[]) if any.
func fetchItems(list []imapwire.Value) ([]explain.Detail, []byte) {
	var d []explain.Detail
	var msg []byte
	for i := 0; i+1 < len(list); i += 2 {
		name, v := strings.ToUpper(list[i].Text), list[i+1]
		det := explain.Detail{Name: list[i].Text, Value: v.String()}
		switch {
		case name == "UID":
			det.Explain, det.RFC = "the message's unique identifier: unlike the sequence number it never changes while UIDVALIDITY stays", "RFC 9051 §2.3.1.1"
		case name == "FLAGS":
			det.Explain, det.RFC = "the message's flags", "RFC 9051 §2.3.2"
		case name == "RFC822.SIZE":
			det.Explain, det.RFC = "the message's size in octets, as it would be fetched", "RFC 9051 §2.3.4"
		case name == "INTERNALDATE":
			det.Explain, det.RFC = "when the server received the message", "RFC 9051 §2.3.3"
		case name == "ENVELOPE":
			det.Value = envelopeSummary(v)
			det.Explain, det.RFC = "the header's main fields parsed by the server: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id", "RFC 9051 §7.5.2"
		case name == "BODYSTRUCTURE" || name == "BODY":
			det.Value = structureSummary(v)
			det.Explain, det.RFC = "the MIME structure computed by the server: types, parameters, encodings, sizes of each part", "RFC 9051 §7.5.2"
		case strings.HasPrefix(name, "BODY[") || strings.HasPrefix(name, "BINARY[") || name == "RFC822" || name == "RFC822.HEADER" || name == "RFC822.TEXT":
			det.Value = fmt.Sprintf("%d octets", len(v.Text))
			if v.Kind == imapwire.Nil {
				det.Value = "NIL"
			}
			det.Explain, det.RFC = sectionMeaning(name), "RFC 9051 §6.4.5"
			if msg == nil && v.Kind == imapwire.Literal && (name == "BODY[]" || name == "RFC822" || name == "BINARY[]" || strings.HasPrefix(name, "BODY[]<")) {
				msg = []byte(v.Text)
			}
		case strings.HasPrefix(name, "BINARY.SIZE"):
			det.Explain, det.RFC = "the size of the section once decoded", "RFC 9051 §7.5.2"
		case name == "MODSEQ":
			det.Explain, det.RFC = "the message's modification sequence", "RFC 7162 §3.1.4"
		case name == "EMAILID" || name == "THREADID":
			det.Explain, det.RFC = "a stable object id", "RFC 8474 §5"
		case name == "SAVEDATE":
			det.Explain, det.RFC = "when the message was saved in this mailbox", "RFC 8514 §3"
		case name == "PREVIEW" || name == "SNIPPET":
			det.Explain, det.RFC = "a short preview of the text", "RFC 8970 §3"
		default:
			det.Explain = "a data item Mailwire does not describe"
		}
		d = append(d, det)
	}
	return d, msg
}

func sectionMeaning(name string) string {
	switch {
	case name == "RFC822" || strings.HasPrefix(name, "BODY[]"):
		return "the whole message, headers and body, as a literal"
	case name == "RFC822.HEADER" || strings.HasPrefix(name, "BODY[HEADER]"):
		return "the message's header, as a literal"
	case strings.HasPrefix(name, "BODY[HEADER.FIELDS"):
		return "only the named header fields, as a literal"
	case name == "RFC822.TEXT" || strings.HasPrefix(name, "BODY[TEXT]"):
		return "the body without the header, as a literal"
	case strings.HasPrefix(name, "BINARY["):
		return "the section with its content transfer encoding undone by the server (RFC 3516)"
	}
	return "a part of the message (the numbers name MIME parts: 1, 1.2, ...), as a literal"
}

func envelopeSummary(v imapwire.Value) string {
	if v.Kind != imapwire.List || len(v.List) < 3 {
		return v.String()
	}
	subj := v.List[1].Text
	from := ""
	if f := v.List[2]; f.Kind == imapwire.List && len(f.List) > 0 && len(f.List[0].List) >= 4 {
		a := f.List[0].List
		from = a[2].Text + "@" + a[3].Text
	}
	return fmt.Sprintf("subject %q from %s", subj, from)
}

func structureSummary(v imapwire.Value) string {
	var walk func(v imapwire.Value) string
	walk = func(v imapwire.Value) string {
		if v.Kind != imapwire.List || len(v.List) == 0 {
			return "?"
		}
		if v.List[0].Kind == imapwire.List { // multipart: parts then subtype
			var parts []string
			sub := ""
			for _, e := range v.List {
				if e.Kind != imapwire.List {
					sub = e.Text // the subtype ends the parts; extension data follows
					break
				}
				parts = append(parts, walk(e))
			}
			return "multipart/" + strings.ToLower(sub) + "(" + strings.Join(parts, ", ") + ")"
		}
		if len(v.List) >= 2 {
			return strings.ToLower(v.List[0].Text + "/" + v.List[1].Text)
		}
		return "?"
	}
	return walk(v)
}
