// Package browsertest starts Mailwire's real server in-process and a real
// headless Chromium (Debian's chromium) driven by chromedp, for end-to-end
// tests of the page. A missing browser or an unbuilt page fails the test
// with the command that fixes it: browser tests never skip silently.
package browsertest
