package sandbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// seedMsg is one demo message and where it goes.
type seedMsg struct {
	folder string
	flags  []imap.Flag
	date   time.Time
	body   []byte
}

// seedMessages returns the demo messages for user: in the INBOX a plain
// text welcome, a multipart/alternative message, one with an attachment
// and one whose headers are not ASCII (RFC 2047 encoded words); one in
// Sent and one in Drafts. Each is valid RFC 5322 with CRLF line ends.
func seedMessages(user, domain string, now time.Time) []seedMsg {
	peer := "bob"
	if user == "bob" {
		peer = "alice"
	}
	me := user + "@" + domain
	other := peer + "@" + domain
	at := func(ago time.Duration) time.Time { return now.Add(-ago).Truncate(time.Second) }
	date := func(t time.Time) string { return t.Format(time.RFC1123Z) }
	id := func(tag string) string { return fmt.Sprintf("<%s.%s@%s>", tag, user, domain) }

	var out []seedMsg
	add := func(folder string, t time.Time, flags []imap.Flag, lines ...string) {
		out = append(out, seedMsg{folder: folder, flags: flags, date: t, body: crlf(lines...)})
	}

	t := at(72 * time.Hour)
	add("INBOX", t, []imap.Flag{imap.FlagSeen},
		"Return-Path: <postmaster@"+domain+">",
		"From: Mailwire Sandbox <postmaster@"+domain+">",
		"To: "+me,
		"Subject: Welcome to the Mailwire sandbox",
		"Date: "+date(t),
		"Message-ID: "+id("welcome"),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: 7bit",
		"",
		"Hello "+user+",",
		"",
		"This mailbox lives in the sandbox built into Mailwire. Whatever you",
		"send to "+me+" over SMTP shows up here, in IMAP and in POP3.",
		"",
		"Things to try:",
		"  - IMAP: SELECT INBOX, then FETCH 1:* (FLAGS ENVELOPE)",
		"  - POP3: STAT, LIST, UIDL, then RETR 1",
		"  - SMTP: MAIL FROM, RCPT TO:<"+other+">, DATA",
		"",
		"This message is flagged \\Seen; the next ones are not.",
		"",
		"-- ",
		"The sandbox",
	)

	t = at(49 * time.Hour)
	b := "=_alt_" + user
	add("INBOX", t, nil,
		"From: "+strings.ToUpper(peer[:1])+peer[1:]+" <"+other+">",
		"To: "+me,
		"Subject: Lab notes (plain text and HTML)",
		"Date: "+date(t),
		"Message-ID: "+id("alternative"),
		"MIME-Version: 1.0",
		"Content-Type: multipart/alternative; boundary=\""+b+"\"",
		"",
		"This is a multi-part message in MIME format.",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"Notes from today's lab:",
		"",
		"1. An SMTP reply code has three digits; the first one says success (2),",
		"   more input needed (3), try again later (4) or failure (5).",
		"2. A line starting with a dot is sent as two dots =E2=80=94 that is dot-stuffing.",
		"",
		"--"+b,
		"Content-Type: text/html; charset=utf-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"<html><body><p>Notes from today's lab:</p><ol>",
		"<li>An SMTP reply code has three digits; the first one says <b>success (2)</b>,=",
		" <b>more input needed (3)</b>, <b>try again later (4)</b> or <b>failure (5)</b>.</li>",
		"<li>A line starting with a dot is sent as two dots =E2=80=94 that is <i>dot-stuffing</i>.</li>",
		"</ol></body></html>",
		"",
		"--"+b+"--",
		"",
	)

	t = at(26 * time.Hour)
	b = "=_mixed_" + user
	lines := []string{
		"From: Mailwire Sandbox <postmaster@" + domain + ">",
		"To: " + me,
		"Subject: Diagram attached",
		"Date: " + date(t),
		"Message-ID: " + id("attachment"),
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=\"" + b + "\"",
		"",
		"--" + b,
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"The attached picture is a small PNG, sent as base64 (RFC 2045 section 6.8).",
		"In IMAP, FETCH 3 BODYSTRUCTURE shows the two parts; BODY[2] is the image.",
		"",
		"--" + b,
		"Content-Type: image/png; name=\"gradient.png\"",
		"Content-Disposition: attachment; filename=\"gradient.png\"",
		"Content-Transfer-Encoding: base64",
		"",
	}
	lines = append(lines, base64Lines(demoPNG())...)
	lines = append(lines, "", "--"+b+"--", "")
	add("INBOX", t, nil, lines...)

	t = at(3 * time.Hour)
	add("INBOX", t, []imap.Flag{imap.FlagFlagged},
		"From: =?UTF-8?Q?Zo=C3=AB_=C3=85ngstr=C3=B6m?= <zoe@"+domain+">",
		"To: "+me,
		"Subject: =?UTF-8?B?Q2Fmw6kgYXQgNT8g4piVIOOBiuiMtuOCkuOBqeOBhuOBng==?=",
		"Date: "+date(t),
		"Message-ID: "+id("nonascii"),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"",
		"Grüße! The Subject and the sender's name above are RFC 2047 encoded",
		"words: =?UTF-8?B?...?= is base64, =?UTF-8?Q?...?= is quoted-printable.",
		"Decoded, the subject reads: Café at 5? ☕ お茶をどうぞ",
		"",
		"This body is raw UTF-8, sent as 8bit (it needs 8BITMIME in SMTP).",
	)

	t = at(48 * time.Hour)
	add("Sent", t, []imap.Flag{imap.FlagSeen},
		"From: "+me,
		"To: "+other,
		"Subject: Re: Lab notes",
		"Date: "+date(t),
		"Message-ID: "+id("sent"),
		"In-Reply-To: "+fmt.Sprintf("<alternative.%s@%s>", peer, domain),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"Thanks, got them.",
	)

	t = at(time.Hour)
	add("Drafts", t, []imap.Flag{imap.FlagDraft, imap.FlagSeen},
		"From: "+me,
		"To: "+other,
		"Subject: Unfinished thought",
		"Date: "+date(t),
		"Message-ID: "+id("draft"),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"A draft is an ordinary message with the \\Draft flag, kept in the",
		"folder marked \\Drafts (RFC 6154).",
	)
	return out
}

func crlf(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// base64Lines encodes b in lines of 76 characters (RFC 2045 section 6.8).
func base64Lines(b []byte) []string {
	s := base64.StdEncoding.EncodeToString(b)
	var out []string
	for len(s) > 76 {
		out = append(out, s[:76])
		s = s[76:]
	}
	return append(out, s)
}

// demoPNG draws a small gradient; the encoder is deterministic, so the
// attachment is the same bytes every time.
func demoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 16))
	for y := 0; y < 16; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 8), G: uint8(y * 16), B: 160, A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
