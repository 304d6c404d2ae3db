package pop3

// cmdUser names the mailbox for a following PASS (RFC 1939 section 7).
// The reply does not say whether the user exists, so that USER cannot be
// used to probe for accounts.
func cmdUser(c *conn, cmd Command) error {
	if !c.authAllowed() {
		c.failedAuth("Plaintext authentication disallowed on non-secure connections: use STLS first (RFC 2595)")
		return nil
	}
	if len(cmd.Args) != 1 {
		return c.reject("USER takes exactly one argument: USER name")
	}
	c.user = cmd.Args[0]
	c.ok("Send PASS")
	return nil
}
