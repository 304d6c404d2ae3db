// Package sandbox is Mailwire's built-in mail server: a safe default target
// for students, on loopback, with demo users and no relaying anywhere.
//
// SMTP is served by github.com/emersion/go-smtp over an in-memory store.
//
// A Sandbox is safe for concurrent use once started.
package sandbox
