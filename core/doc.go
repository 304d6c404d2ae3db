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
//	smtpwire  SMTP wire grammar: commands and replies as raw units (RFC 5321)
//	session   session drivers that turn a connection into a stream of Events
package core
