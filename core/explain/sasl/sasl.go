// Package sasl decodes the messages of SASL exchanges (RFC 4422) as SMTP
// (334, RFC 4954), IMAP (AUTHENTICATE, RFC 9051 §6.2.2) and POP3 (AUTH,
// RFC 5034) carry them: base64 both ways. It says what each message holds
// (PLAIN's authzid, user and password; LOGIN's prompts; CRAM-MD5's
// challenge and digest; ...) and gives a display form with the password
// or token masked.
//
// The functions are pure and safe for concurrent use.
package sasl

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/explain"
)

// Message is one decoded SASL message.
type Message struct {
	Summary  string
	Explain  string
	RFC      string
	Details  []explain.Detail
	Problems []string
	// Display is what to show in place of the wire's base64 when the
	// message carries a secret: the same structure, re-encoded, with the
	// secret replaced by explain.Mask. It is "" when the wire form can be
	// shown as it is.
	Display string
	// Secret is the password or token the message carries, for the
	// caller to scrub from anything shown later. Never display it.
	Secret string
	Cancel bool // the client cancelled the exchange with "*"
}

type mech struct {
	explain, rfc string
}

var mechs = map[string]mech{
	"PLAIN":         {"PLAIN sends, in one base64 message, an optional authorization identity, the user name and the password, separated by NUL bytes. It is safe only inside TLS.", "RFC 4616 §2"},
	"LOGIN":         {"LOGIN is a non-standard but widespread mechanism: the server prompts \"Username:\" then \"Password:\" (base64), the client answers each in base64. Like PLAIN it needs TLS.", "draft-murchison-sasl-login-00"},
	"CRAM-MD5":      {"CRAM-MD5: the server sends a unique challenge; the client answers with its user name and an HMAC-MD5 of the challenge keyed with the password, so the password itself never crosses the wire. It is now considered weak.", "RFC 2195 §2"},
	"DIGEST-MD5":    {"DIGEST-MD5 is a challenge-response mechanism declared historic by RFC 6331.", "RFC 2831, RFC 6331"},
	"SCRAM-SHA-1":   {"SCRAM: a salted challenge-response exchange; the password never crosses the wire and each side proves it knows it.", "RFC 5802 §5"},
	"SCRAM-SHA-256": {"SCRAM-SHA-256: a salted challenge-response exchange with SHA-256; the password never crosses the wire and each side proves it knows it.", "RFC 7677 §3, RFC 5802 §5"},
	"XOAUTH2":       {"XOAUTH2 (Google and Microsoft) sends the user name and an OAuth 2.0 bearer token. The token is a credential and is masked here.", "Google XOAUTH2 protocol"},
	"OAUTHBEARER":   {"OAUTHBEARER sends an OAuth 2.0 bearer token in a GS2 header. The token is a credential and is masked here.", "RFC 7628 §3"},
	"EXTERNAL":      {"EXTERNAL asks the server to use credentials established outside SASL, such as a TLS client certificate; the message holds only an optional authorization identity.", "RFC 4422 Appendix A"},
	"ANONYMOUS":     {"ANONYMOUS logs in without credentials; the message is optional trace information such as an e-mail address.", "RFC 4505 §2"},
	"GSSAPI":        {"GSSAPI carries Kerberos V5 tokens (binary).", "RFC 4752"},
	"NTLM":          {"NTLM is Microsoft's proprietary challenge-response mechanism (binary messages).", "MS-NLMP"},
}

// Describe explains a mechanism by name.
func Describe(name string) (explain, rfc string) {
	m, ok := mechs[strings.ToUpper(name)]
	if !ok {
		return "A SASL mechanism Mailwire does not know; its messages are masked because they may carry credentials.", "RFC 4422"
	}
	return m.explain, m.rfc
}

// decode reads base64, leniently.
func decode(b64 string) ([]byte, []string) {
	b64 = strings.TrimSpace(b64)
	if b64 == "" || b64 == "=" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err == nil {
		return b, nil
	}
	if b, err2 := base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "=")); err2 == nil {
		return b, []string{"base64 without the padding = characters (RFC 4648 §4)"}
	}
	return nil, []string{fmt.Sprintf("not valid base64 (RFC 4648 §4): %v", err)}
}

func enc(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Client decodes a client message: the n-th (1-based, the initial
// response included) of the exchange, after the challenge last decoded.
func Client(mechName string, n int, b64, lastChallenge string) Message {
	mechName = strings.ToUpper(mechName)
	t := strings.TrimSpace(b64)
	if t == "*" {
		return Message{Cancel: true, Summary: "* (cancel)", Explain: "A lone \"*\" cancels the authentication exchange; the server answers with an error.", RFC: "RFC 4422 §3.5, RFC 4954 §4"}
	}
	raw, probs := decode(t)
	m := Message{Problems: probs}
	_, m.RFC = Describe(mechName)
	if t == "=" {
		m.Details = append(m.Details, explain.Detail{Name: "empty", Explain: "\"=\" stands for an empty initial response.", RFC: "RFC 4954 §4"})
	}
	if len(raw) == 0 && t != "=" && mechName != "PLAIN" {
		m.Summary = mechName + " (empty response)"
		m.Explain = "An empty client message: nothing more to say at this step (SCRAM's last step, or the answer that ends a failed exchange)."
		return m
	}
	switch mechName {
	case "PLAIN":
		parts := strings.SplitN(string(raw), "\x00", 3)
		if len(parts) != 3 {
			m.Problems = append(m.Problems, "a PLAIN message is [authzid] NUL authcid NUL passwd: this one does not have two NUL bytes (RFC 4616 §2)")
			m.Summary = "PLAIN message (malformed)"
			m.Explain = "The decoded message should hold two NUL bytes; it is masked because it may hold a password."
			m.Display = enc([]byte(explain.Mask))
			m.Secret = string(raw)
			return m
		}
		authz, user, pass := parts[0], parts[1], parts[2]
		if strings.Contains(pass, "\x00") {
			m.Problems = append(m.Problems, "a PLAIN message has exactly two NUL bytes; the password may not contain one (RFC 4616 §2)")
		}
		m.Secret = pass
		m.Display = enc([]byte(authz + "\x00" + user + "\x00" + explain.Mask))
		m.Summary = fmt.Sprintf("PLAIN authzid=%q user=%q password=%s", authz, user, explain.Mask)
		m.Explain = "Decoded from base64: authorization identity" + ifEmpty(authz, " (empty: act as the user)", " "+authz) +
			", NUL, user name " + user + ", NUL, password (masked here; it crossed the wire in base64, which is an encoding, not encryption)."
		m.Details = append(m.Details,
			explain.Detail{Name: "authzid", Value: authz, Explain: "identity to act as; empty means the user's own", RFC: "RFC 4616 §2"},
			explain.Detail{Name: "authcid", Value: user, Explain: "the user name being authenticated", RFC: "RFC 4616 §2"},
			explain.Detail{Name: "passwd", Value: explain.Mask, Explain: "the password, masked", RFC: "RFC 4616 §2"})
	case "LOGIN":
		lc := strings.ToLower(lastChallenge)
		isPass := n >= 2
		switch {
		case strings.Contains(lc, "password"):
			isPass = true
		case strings.Contains(lc, "user"):
			isPass = false
		}
		if isPass {
			m.Secret = string(raw)
			m.Display = enc([]byte(explain.Mask))
			m.Summary = "LOGIN password " + explain.Mask
			m.Explain = "The password, base64-encoded (masked here)."
			m.Details = append(m.Details, explain.Detail{Name: "password", Value: explain.Mask})
		} else {
			m.Summary = fmt.Sprintf("LOGIN user %q", raw)
			m.Explain = "The user name, base64-encoded: " + string(raw) + "."
			m.Details = append(m.Details, explain.Detail{Name: "username", Value: string(raw)})
		}
	case "CRAM-MD5":
		user, digest, _ := strings.Cut(string(raw), " ")
		m.Summary = fmt.Sprintf("CRAM-MD5 user %q digest %s", user, digest)
		m.Explain = "The user name, a space and the HMAC-MD5 digest of the challenge keyed with the password, in hex. The password itself is not sent."
		m.Details = append(m.Details, explain.Detail{Name: "username", Value: user}, explain.Detail{Name: "digest", Value: digest, RFC: "RFC 2195 §2"})
		if len(digest) != 32 {
			m.Problems = append(m.Problems, "the digest should be 32 lower-case hex digits (RFC 2195 §2)")
		}
	case "XOAUTH2", "OAUTHBEARER":
		fields := strings.Split(string(raw), "\x01")
		var shown []string
		for _, f := range fields {
			k, v, ok := strings.Cut(f, "=")
			switch {
			case ok && k == "auth":
				scheme, tok, _ := strings.Cut(v, " ")
				m.Secret = tok
				shown = append(shown, "auth="+scheme+" "+explain.Mask)
				m.Details = append(m.Details, explain.Detail{Name: "auth", Value: scheme + " " + explain.Mask, Explain: "the bearer token, masked"})
			case ok && k == "user":
				shown = append(shown, f)
				m.Details = append(m.Details, explain.Detail{Name: "user", Value: v})
			default:
				shown = append(shown, f)
				if f != "" {
					m.Details = append(m.Details, explain.Detail{Name: "field", Value: f})
				}
			}
		}
		if m.Secret == "" && len(raw) > 0 {
			m.Secret = string(raw)
			m.Display = enc([]byte(explain.Mask))
		} else if len(raw) > 0 {
			m.Display = enc([]byte(strings.Join(shown, "\x01")))
		}
		m.Summary = mechName + " " + explain.Printable([]byte(strings.Join(shown, "\x01")))
		m.Explain = "Fields separated by Ctrl-A (0x01): the user and \"auth=Bearer <token>\"; the token is masked."
		if len(raw) == 0 {
			m.Summary = mechName + " (empty response)"
			m.Explain = "An empty response: after an error challenge the client sends an empty line so that the server can end the exchange."
		}
	case "SCRAM-SHA-1", "SCRAM-SHA-256":
		m.Summary = mechName + " " + explain.Printable(raw)
		m.Explain = "SCRAM attributes (n= user, r= nonce, c= channel binding, p= proof). The proof is computed from the salted password; the password is not sent."
		for _, f := range strings.Split(string(raw), ",") {
			if k, v, ok := strings.Cut(f, "="); ok {
				m.Details = append(m.Details, explain.Detail{Name: k, Value: v})
			}
		}
	case "EXTERNAL", "ANONYMOUS":
		m.Summary = mechName + " " + fmt.Sprintf("%q", raw)
		m.Explain = "The decoded message: " + explain.Printable(raw) + "."
	default:
		if len(raw) > 0 || (t != "" && t != "=") {
			m.Secret = string(raw)
			m.Display = explain.Mask
			m.Summary = mechName + " client message (masked)"
			m.Explain = "A message of a mechanism Mailwire does not decode; masked because it may carry credentials."
		}
	}
	if len(raw) == 0 && m.Summary == "" {
		m.Summary = mechName + " (empty response)"
		m.Explain = "An empty client message."
	}
	return m
}

func ifEmpty(s, empty, nonEmpty string) string {
	if s == "" {
		return empty
	}
	return nonEmpty
}

// Server decodes a challenge.
func Server(mechName string, n int, b64 string) Message {
	mechName = strings.ToUpper(mechName)
	raw, probs := decode(b64)
	m := Message{Problems: probs}
	_, m.RFC = Describe(mechName)
	text := explain.Printable(raw)
	switch {
	case len(raw) == 0:
		m.Summary = "empty challenge"
		m.Explain = "An empty challenge: the server is ready for the client's message (for PLAIN: the credentials, since none came with the command)."
	case mechName == "LOGIN":
		m.Summary = fmt.Sprintf("challenge %q", raw)
		m.Explain = "Decoded from base64: the server prompts for " + strings.TrimSuffix(strings.ToLower(text), ":") + "; the answer is base64 too."
	case mechName == "CRAM-MD5":
		m.Summary = fmt.Sprintf("challenge %q", raw)
		m.Explain = "The challenge, unique to this exchange (usually <random.time@host>); the client answers with an HMAC-MD5 of it keyed with the password."
	case mechName == "XOAUTH2" || mechName == "OAUTHBEARER":
		m.Summary = "error challenge " + text
		m.Explain = "The token was refused; this JSON says why. The client answers with an empty message and the server then fails the exchange."
	default:
		m.Summary = "challenge " + text
		m.Explain = "Decoded from base64: " + text + "."
	}
	return m
}
