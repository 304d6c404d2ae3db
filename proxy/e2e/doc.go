// Package e2e holds Mailwire's end-to-end tests: the real server, the real
// page in a real Chromium, real mail servers on loopback.
package e2e
