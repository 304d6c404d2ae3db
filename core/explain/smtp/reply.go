package smtp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
)

// codes gives the meaning of reply codes (RFC 5321 §4.2.2, §4.2.3, and
// the extensions that add codes).
var codes = map[int]struct{ text, rfc string }{
	211: {"system status, or system help reply", "RFC 5321 §4.2.2"},
	214: {"help message, for a human", "RFC 5321 §4.2.2"},
	220: {"service ready", "RFC 5321 §4.2.2"},
	221: {"service closing transmission channel", "RFC 5321 §4.2.2"},
	235: {"authentication succeeded", "RFC 4954 §6"},
	250: {"requested action okay, completed", "RFC 5321 §4.2.2"},
	251: {"user not local; will forward", "RFC 5321 §4.2.2"},
	252: {"cannot verify the user, but will accept the message and attempt delivery", "RFC 5321 §4.2.2"},
	334: {"SASL challenge: continue the authentication", "RFC 4954 §4"},
	354: {"start mail input; end with <CRLF>.<CRLF>", "RFC 5321 §4.2.2"},
	421: {"service not available, closing transmission channel", "RFC 5321 §4.2.2"},
	432: {"a password transition is needed", "RFC 4954 §6"},
	450: {"mailbox unavailable for now (busy or temporarily blocked)", "RFC 5321 §4.2.2"},
	451: {"local error in processing; try again later", "RFC 5321 §4.2.2"},
	452: {"insufficient system storage, or too many recipients", "RFC 5321 §4.2.2"},
	454: {"temporary authentication failure, or TLS not available", "RFC 4954 §6, RFC 3207 §4"},
	455: {"server unable to accommodate parameters", "RFC 5321 §4.2.2"},
	500: {"syntax error, command unrecognized (or line too long)", "RFC 5321 §4.2.2"},
	501: {"syntax error in parameters or arguments", "RFC 5321 §4.2.2"},
	502: {"command not implemented", "RFC 5321 §4.2.2"},
	503: {"bad sequence of commands", "RFC 5321 §4.2.2"},
	504: {"command parameter not implemented", "RFC 5321 §4.2.2"},
	521: {"this host does not accept mail", "RFC 7504 §3"},
	523: {"encryption needed", "RFC 5248"},
	530: {"authentication required (or STARTTLS first)", "RFC 4954 §6, RFC 3207 §4"},
	534: {"authentication mechanism is too weak", "RFC 4954 §6"},
	535: {"authentication credentials invalid", "RFC 4954 §6"},
	538: {"encryption required for the requested authentication mechanism", "RFC 4954 §6"},
	550: {"requested action not taken: mailbox unavailable (not found, no access, or policy)", "RFC 5321 §4.2.2"},
	551: {"user not local", "RFC 5321 §4.2.2"},
	552: {"exceeded storage allocation, or message too big", "RFC 5321 §4.2.2"},
	553: {"mailbox name not allowed", "RFC 5321 §4.2.2"},
	554: {"transaction failed (or, as a greeting, no SMTP service here)", "RFC 5321 §4.2.2"},
	555: {"MAIL FROM/RCPT TO parameters not recognized or not implemented", "RFC 5321 §4.2.2"},
	556: {"the domain does not accept mail", "RFC 7504 §3"},
}

var classNames = map[int]string{
	2: "positive completion",
	3: "positive intermediate",
	4: "transient negative completion",
	5: "permanent negative completion",
}

var secondDigit = map[int]string{
	0: "syntax",
	1: "information",
	2: "connections",
	3: "unspecified",
	4: "unspecified",
	5: "mail system",
}

// codeDetails explains the three digits of a code.
func codeDetails(code int) []explain.Detail {
	if code < 200 || code > 599 {
		return nil
	}
	d := []explain.Detail{
		{Name: "class", Value: fmt.Sprint(code / 100), Explain: classNames[code/100], RFC: "RFC 5321 §4.2.1"},
		{Name: "category", Value: fmt.Sprint(code / 10 % 10), Explain: secondDigit[code/10%10], RFC: "RFC 5321 §4.2.1"},
	}
	if c, ok := codes[code]; ok {
		d = append(d, explain.Detail{Name: "code", Value: fmt.Sprint(code), Explain: c.text, RFC: c.rfc})
	}
	return d
}

var enhancedRE = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)`)

// parseEnhanced finds an enhanced status code at the start of the text.
func parseEnhanced(text string) (code string, class, subject, detail string) {
	m := enhancedRE.FindStringSubmatch(text)
	if m == nil {
		return "", "", "", ""
	}
	return m[1] + "." + m[2] + "." + m[3], m[1], m[2], m[3]
}

var enhancedClass = map[string]string{"2": "success", "4": "persistent transient failure", "5": "permanent failure"}

var enhancedSubject = map[string]string{
	"0": "other or undefined status",
	"1": "addressing status",
	"2": "mailbox status",
	"3": "mail system status",
	"4": "network and routing status",
	"5": "mail delivery protocol status",
	"6": "message content or media status",
	"7": "security or policy status",
}

// enhancedDetail gives the meaning of subject.detail (RFC 3463 §3 and the
// registry of RFC 5248).
var enhancedDetail = map[string]struct{ text, rfc string }{
	"0.0":  {"other undefined status", "RFC 3463 §3.1"},
	"1.0":  {"other address status", "RFC 3463 §3.2"},
	"1.1":  {"bad destination mailbox address", "RFC 3463 §3.2"},
	"1.2":  {"bad destination system address", "RFC 3463 §3.2"},
	"1.3":  {"bad destination mailbox address syntax", "RFC 3463 §3.2"},
	"1.4":  {"destination mailbox address ambiguous", "RFC 3463 §3.2"},
	"1.5":  {"destination address valid", "RFC 3463 §3.2"},
	"1.6":  {"destination mailbox has moved, no forwarding address", "RFC 3463 §3.2"},
	"1.7":  {"bad sender's mailbox address syntax", "RFC 3463 §3.2"},
	"1.8":  {"bad sender's system address", "RFC 3463 §3.2"},
	"1.10": {"recipient address has null MX", "RFC 7505 §4.2"},
	"2.0":  {"other or undefined mailbox status", "RFC 3463 §3.3"},
	"2.1":  {"mailbox disabled, not accepting messages", "RFC 3463 §3.3"},
	"2.2":  {"mailbox full", "RFC 3463 §3.3"},
	"2.3":  {"message length exceeds administrative limit", "RFC 3463 §3.3"},
	"2.4":  {"mailing list expansion problem", "RFC 3463 §3.3"},
	"3.0":  {"other or undefined mail system status", "RFC 3463 §3.4"},
	"3.1":  {"mail system full", "RFC 3463 §3.4"},
	"3.2":  {"system not accepting network messages", "RFC 3463 §3.4"},
	"3.3":  {"system not capable of selected features", "RFC 3463 §3.4"},
	"3.4":  {"message too big for system", "RFC 3463 §3.4"},
	"3.5":  {"system incorrectly configured", "RFC 3463 §3.4"},
	"4.0":  {"other or undefined network or routing status", "RFC 3463 §3.5"},
	"4.1":  {"no answer from host", "RFC 3463 §3.5"},
	"4.2":  {"bad connection", "RFC 3463 §3.5"},
	"4.3":  {"directory server failure", "RFC 3463 §3.5"},
	"4.4":  {"unable to route", "RFC 3463 §3.5"},
	"4.5":  {"mail system congestion", "RFC 3463 §3.5"},
	"4.6":  {"routing loop detected", "RFC 3463 §3.5"},
	"4.7":  {"delivery time expired", "RFC 3463 §3.5"},
	"5.0":  {"other or undefined protocol status", "RFC 3463 §3.6"},
	"5.1":  {"invalid command", "RFC 3463 §3.6"},
	"5.2":  {"syntax error", "RFC 3463 §3.6"},
	"5.3":  {"too many recipients", "RFC 3463 §3.6"},
	"5.4":  {"invalid command arguments", "RFC 3463 §3.6"},
	"5.5":  {"wrong protocol version", "RFC 3463 §3.6"},
	"5.6":  {"authentication exchange line is too long", "RFC 4954 §6"},
	"6.0":  {"other or undefined media error", "RFC 3463 §3.7"},
	"6.1":  {"media not supported", "RFC 3463 §3.7"},
	"6.2":  {"conversion required and prohibited", "RFC 3463 §3.7"},
	"6.3":  {"conversion required but not supported", "RFC 3463 §3.7"},
	"6.4":  {"conversion with loss performed", "RFC 3463 §3.7"},
	"6.5":  {"conversion failed", "RFC 3463 §3.7"},
	"6.7":  {"non-ASCII addresses not permitted for that sender or recipient", "RFC 6531 §3.6.2"},
	"7.0":  {"other or undefined security status (with 235: authentication succeeded; with 454: temporary authentication failure; with 530: authentication required)", "RFC 3463 §3.8, RFC 4954 §6"},
	"7.1":  {"delivery not authorized, message refused", "RFC 3463 §3.8"},
	"7.2":  {"mailing list expansion prohibited", "RFC 3463 §3.8"},
	"7.3":  {"security conversion required but not possible", "RFC 3463 §3.8"},
	"7.4":  {"security features not supported", "RFC 3463 §3.8"},
	"7.5":  {"cryptographic failure", "RFC 3463 §3.8"},
	"7.6":  {"cryptographic algorithm not supported", "RFC 3463 §3.8"},
	"7.7":  {"message integrity failure", "RFC 3463 §3.8"},
	"7.8":  {"authentication credentials invalid", "RFC 4954 §6"},
	"7.9":  {"authentication mechanism is too weak", "RFC 4954 §6"},
	"7.10": {"encryption needed", "RFC 5248 §2.4"},
	"7.11": {"encryption required for requested authentication mechanism", "RFC 4954 §6"},
	"7.12": {"a password transition is needed", "RFC 4954 §6"},
	"7.13": {"user account disabled", "RFC 5248 §2.4"},
	"7.14": {"trust relationship required", "RFC 5248 §2.4"},
	"7.20": {"no passing DKIM signature found", "RFC 7372 §3.1"},
	"7.23": {"SPF validation failed", "RFC 7372 §3.2"},
	"7.25": {"reverse DNS validation failed", "RFC 7372 §3.3"},
	"7.26": {"multiple authentication checks failed", "RFC 7372 §3.3"},
}

// enhancedDetails explains an enhanced status code.
func enhancedDetails(code, class, subject, detail string) []explain.Detail {
	if code == "" {
		return nil
	}
	e := fmt.Sprintf("class %s (%s), subject %s (%s)", class, enhancedClass[class], subject, enhancedSubject[subject])
	rfc := "RFC 3463 §2"
	if m, ok := enhancedDetail[subject+"."+detail]; ok {
		e += ", detail " + detail + ": " + m.text
		rfc = m.rfc
	}
	return []explain.Detail{{Name: "enhanced status", Value: code, Explain: e, RFC: rfc}}
}

// genericReply says what a code means when the command adds nothing.
func genericReply(code int) (string, string) {
	c, ok := codes[code]
	class := classNames[code/100]
	if !ok {
		if class == "" {
			return "Not an SMTP reply: a reply starts with a three-digit code from 200 to 599.", "RFC 5321 §4.2"
		}
		return fmt.Sprintf("The first digit, %d, means %s; Mailwire does not know code %d itself.", code/100, class, code), "RFC 5321 §4.2.1"
	}
	return fmt.Sprintf("%d: %s. The first digit, %d, means %s.", code, c.text, code/100, class), c.rfc
}

// queueID finds the id in "250 2.0.0 Ok: queued as DC74D98A372".
func queueID(text string) string {
	i := strings.Index(strings.ToLower(text), "queued as ")
	if i < 0 {
		return ""
	}
	return firstField(text[i+len("queued as "):])
}
