package pop3

// cmdPass completes USER/PASS authentication (RFC 1939 section 7). The
// argument is the rest of the line, spaces included.
func cmdPass(c *conn, cmd Command) error {
	if !c.authAllowed() {
		c.failedAuth("Plaintext authentication disallowed on non-secure connections: use STLS first (RFC 2595)")
		return nil
	}
	if c.user == "" {
		return c.reject("PASS must follow a successful USER")
	}
	if cmd.Rest == "" {
		return c.reject("PASS takes the password as its argument")
	}
	user := c.user
	c.user = ""
	return c.login(user, cmd.Rest)
}
