// Package core is the root of Mailwire's protocol engine. The engine lives in
// its subpackages; this package holds nothing but this documentation.
//
// Everything under core works on bytes, io.Reader, io.Writer and net.Conn. It
// is built natively and for GOOS=js GOARCH=wasm, where it runs inside a Web
// Worker. It never imports syscall/js or net/http: the browser bridge lives in
// wasm/ and the HTTP server in proxy/.
//
// Subpackages:
//
//	smtpwire    SMTP wire grammar: commands, replies, DATA, BDAT, AUTH as raw units (RFC 5321)
//	imapwire    IMAP wire grammar: commands, responses, literals, values (RFC 9051, RFC 3501)
//	pop3wire    POP3 wire grammar: commands, single- and multi-line responses (RFC 1939)
//	explain     meaning: one Step per unit, explained, and the client state machines
//	            (explain/smtp, explain/imap, explain/pop3; explain/sasl decodes SASL)
//	session     the session driver that turns a connection into a stream of Events
//	transcript  recorded C:/S: sessions explained ("mailwire dissect")
package core
