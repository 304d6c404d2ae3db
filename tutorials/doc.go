// Package tutorials holds Mailwire's lessons as Markdown. Each lesson's
// sessions, fenced as ```mailwire-session proto=smtp, are run against the
// sandbox by this package's tests, so a lesson cannot drift from what the
// server really answers.
//
// In a session block, "C: text" is a line the client sends (CR LF is added)
// and "S: code" is the reply expected next: its code must start with the
// given digits ("250", or "5" for any permanent failure).
package tutorials
