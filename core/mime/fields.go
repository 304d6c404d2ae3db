package mime

import "strings"

// FieldInfo is what Mailwire knows about a header field: what it means and
// which document defines it.
type FieldInfo struct {
	Meaning string
	RFC     string
}

// LookupField returns what is known about the field named name
// (case-insensitive).
func LookupField(name string) (FieldInfo, bool) {
	k := lookupField(name)
	if k == nil {
		return FieldInfo{}, false
	}
	return k.FieldInfo, true
}

// knownField is a FieldInfo with its JSON members encoded once: the model
// repeats the same few fields in every part.
type knownField struct {
	FieldInfo
	json []byte // ,"meaning":"...","rfc":"..."
}

func newKnownField(fi FieldInfo) *knownField {
	b := append([]byte(`,"meaning":`), appendJSONString(nil, fi.Meaning)...)
	if fi.RFC != "" {
		b = append(b, `,"rfc":`...)
		b = appendJSONString(b, fi.RFC)
	}
	return &knownField{fi, b}
}

var (
	knownFields = func() map[string]*knownField {
		m := make(map[string]*knownField, len(fieldInfo))
		for n, fi := range fieldInfo {
			m[n] = newKnownField(fi)
		}
		return m
	}()
	privateField = newKnownField(FieldInfo{"A private (non-standard) field; its meaning is set by whoever added it. The X- convention is deprecated.", "RFC 6648 §3"})
	resentField  = newKnownField(FieldInfo{"A resent field: added when a user reintroduces the message, in blocks, newest first.", "RFC 5322 §3.6.6"})
	listField    = newKnownField(FieldInfo{"A mailing list field: how to reach or leave the list the message came through.", "RFC 2369 §3"})
)

func lookupField(name string) *knownField {
	var buf [64]byte
	n := name
	if len(name) <= len(buf) {
		// Lower-case on the stack: no allocation for the lookup.
		b := buf[:len(name)]
		for i := 0; i < len(name); i++ {
			c := name[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if k, ok := knownFields[string(b)]; ok {
			return k
		}
		b = buf[:min(len(name), 7)]
		switch {
		case len(b) >= 2 && string(b[:2]) == "x-":
			return privateField
		case len(b) >= 7 && string(b[:7]) == "resent-":
			return resentField
		case len(b) >= 5 && string(b[:5]) == "list-":
			return listField
		}
		return nil
	}
	n = strings.ToLower(name)
	if k, ok := knownFields[n]; ok {
		return k
	}
	switch {
	case strings.HasPrefix(n, "x-"):
		return privateField
	case strings.HasPrefix(n, "resent-"):
		return resentField
	case strings.HasPrefix(n, "list-"):
		return listField
	}
	return nil
}

var fieldInfo = map[string]FieldInfo{
	// Origination (RFC 5322 §3.6.1, §3.6.2)
	"date":     {"When the author's mail program submitted the message (not when it arrived). Required.", "RFC 5322 §3.6.1"},
	"from":     {"The author(s) of the message. Required. Easily forged: see Authentication-Results for what the receiver verified.", "RFC 5322 §3.6.2"},
	"sender":   {"The mailbox that actually sent the message on the author's behalf; required when From lists several authors.", "RFC 5322 §3.6.2"},
	"reply-to": {"Where the author wants replies sent, instead of From.", "RFC 5322 §3.6.2"},
	// Destination (RFC 5322 §3.6.3)
	"to":  {"The primary recipients, as the author addressed them. The envelope (RCPT TO) decides who actually receives it.", "RFC 5322 §3.6.3"},
	"cc":  {"Carbon copy: secondary recipients, visible to all.", "RFC 5322 §3.6.3"},
	"bcc": {"Blind carbon copy: recipients hidden from the others; normally removed before sending.", "RFC 5322 §3.6.3"},
	// Identification (RFC 5322 §3.6.4)
	"message-id":  {"A worldwide unique identifier of this message, <left@right>.", "RFC 5322 §3.6.4"},
	"in-reply-to": {"The Message-ID(s) of the message(s) this one replies to.", "RFC 5322 §3.6.4"},
	"references":  {"The Message-IDs of the thread this message belongs to, oldest first; readers use it for threading.", "RFC 5322 §3.6.4"},
	// Informational (RFC 5322 §3.6.5)
	"subject":  {"The topic of the message; may carry RFC 2047 encoded words for non-ASCII text.", "RFC 5322 §3.6.5"},
	"comments": {"Free-text comments about the message.", "RFC 5322 §3.6.5"},
	"keywords": {"Comma-separated keywords about the message.", "RFC 5322 §3.6.5"},
	// Trace (RFC 5322 §3.6.7, RFC 5321 §4.4)
	"received":     {"Trace: each server that accepts the message adds one at the top, saying from whom, by whom, with which protocol and when.", "RFC 5321 §4.4"},
	"return-path":  {"Trace: the envelope sender (MAIL FROM) recorded by the final delivery; where bounces go.", "RFC 5321 §4.4"},
	"delivered-to": {"The envelope recipient at final delivery (Postfix, qmail and others add it); not standardized.", "RFC 9228 §4"},
	"received-spf": {"The result of an SPF check of the envelope sender by a receiving server.", "RFC 7208 §9.1"},
	// Authentication
	"authentication-results":     {"What the receiving domain verified (SPF, DKIM, DMARC, ARC ...) and the result of each; trust it only from your own servers.", "RFC 8601 §2"},
	"dkim-signature":             {"A DKIM signature: domain d= signs the listed fields h= and the body hash bh=, key found at selector s= in DNS.", "RFC 6376 §3.5"},
	"domainkey-signature":        {"The obsolete DomainKeys signature, predecessor of DKIM.", "RFC 4870 §3.3"},
	"arc-seal":                   {"ARC: seals the chain of ARC sets so later hops can see who vouched for the authentication results.", "RFC 8617 §4.1.3"},
	"arc-message-signature":      {"ARC: a DKIM-like signature of the message by an intermediary (i= is the ARC instance).", "RFC 8617 §4.1.2"},
	"arc-authentication-results": {"ARC: the authentication results an intermediary saw, preserved across forwarding.", "RFC 8617 §4.1.1"},
	// MIME (RFC 2045, RFC 2183)
	"mime-version":              {"Declares the message uses MIME; the only version is 1.0.", "RFC 2045 §4"},
	"content-type":              {"The media type of this part (type/subtype) and its parameters: charset for text, boundary for multipart, name.", "RFC 2045 §5"},
	"content-transfer-encoding": {"How the body is encoded for 7-bit transport: 7bit, 8bit, binary, quoted-printable or base64.", "RFC 2045 §6"},
	"content-id":                {"A unique identifier of this part; HTML refers to it as cid: URLs.", "RFC 2045 §7"},
	"content-description":       {"A human-readable description of this part.", "RFC 2045 §8"},
	"content-disposition":       {"Whether to show the part inline or offer it as an attachment, with its filename.", "RFC 2183 §2"},
	"content-language":          {"The language(s) of the part's content.", "RFC 3282 §2"},
	"content-location":          {"A URI for the part's content, used to resolve references in multipart/related.", "RFC 2557 §4.2"},
	"content-base":              {"An obsolete base URI for relative URLs in the part.", "RFC 2110 §4.2"},
	"content-md5":               {"An MD5 digest of the decoded body (obsolete).", "RFC 1864 §2"},
	"content-class":             {"Microsoft Exchange's message class (urn:content-classes:message); not standardized.", ""},
	// Lists (RFC 2369, RFC 2919, RFC 8058)
	"list-id":               {"Identifies the mailing list the message came through.", "RFC 2919 §2"},
	"list-unsubscribe":      {"How to leave the list: a mailto: or https: URI.", "RFC 2369 §3.2"},
	"list-unsubscribe-post": {"Enables one-click unsubscribe: POST this to the https List-Unsubscribe URI.", "RFC 8058 §3.1"},
	"list-subscribe":        {"How to join the list.", "RFC 2369 §3.3"},
	"list-post":             {"How to post to the list.", "RFC 2369 §3.4"},
	"list-help":             {"Where to get help about the list.", "RFC 2369 §3.1"},
	"list-owner":            {"How to reach the list owner.", "RFC 2369 §3.5"},
	"list-archive":          {"Where the list archive is.", "RFC 2369 §3.6"},
	"precedence":            {"Bulk, list or junk: a non-standard hint that autoresponders should stay quiet.", "RFC 3834 §2"},
	// Automatic responses
	"auto-submitted":              {"Marks machine-generated mail (auto-generated, auto-replied); responders must not answer it.", "RFC 3834 §5"},
	"x-auto-response-suppress":    {"Microsoft Exchange: which automatic replies to suppress; not standardized.", ""},
	"disposition-notification-to": {"Asks for a read receipt (message disposition notification) to this address.", "RFC 8098 §2.1"},
	"original-recipient":          {"The original envelope recipient, for disposition notifications.", "RFC 8098 §2.3"},
	// Misc
	"user-agent":                        {"The mail program that composed the message; not standardized for mail (comes from news).", "RFC 5536 §3.2.13"},
	"x-mailer":                          {"The mail program that composed the message; not standardized.", ""},
	"importance":                        {"High, normal or low importance.", "RFC 2156 §5.3"},
	"priority":                          {"Urgent, normal or non-urgent.", "RFC 2156 §5.3"},
	"x-priority":                        {"1 (highest) to 5 (lowest); a non-standard priority.", ""},
	"sensitivity":                       {"Personal, private or company-confidential.", "RFC 2156 §5.3"},
	"autocrypt":                         {"The sender's OpenPGP key for opportunistic encryption (Autocrypt Level 1).", ""},
	"openpgp":                           {"Where to find the sender's OpenPGP key.", ""},
	"thread-topic":                      {"Microsoft Outlook's thread subject; not standardized.", ""},
	"thread-index":                      {"Microsoft Outlook's thread position; not standardized.", ""},
	"feedback-id":                       {"Identifies a sender's campaign for feedback loops (Gmail); not standardized.", ""},
	"tls-required":                      {"\"No\" asks servers to deliver even without TLS checks (REQUIRETLS extension).", "RFC 8689 §5"},
	"require-recipient-valid-since":     {"The sender asserts the recipient address was valid since this date.", "RFC 7293 §3.1"},
	"newsgroups":                        {"News: the groups the article was posted to.", "RFC 5536 §3.1.5"},
	"path":                              {"News: the servers the article passed through.", "RFC 5536 §3.1.6"},
	"errors-to":                         {"An obsolete, non-standard bounce address; use Return-Path.", ""},
	"apparently-to":                     {"Added by some servers when no To was present; non-standard.", ""},
	"x-original-to":                     {"Postfix: the recipient address before alias expansion; non-standard.", ""},
	"x-spam-status":                     {"SpamAssassin's verdict and the rules that hit; non-standard.", ""},
	"x-spam-flag":                       {"SpamAssassin's yes/no verdict; non-standard.", ""},
	"x-ms-exchange-organization-authas": {"Microsoft Exchange internal authentication state; non-standard.", ""},
}
