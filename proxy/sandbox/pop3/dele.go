package pop3

// cmdDele marks a message as deleted; it is removed only in the UPDATE
// state, after QUIT (RFC 1939 section 5).
func cmdDele(c *conn, cmd Command) error {
	if len(cmd.Args) != 1 {
		return c.reject("DELE takes exactly one argument: a message number")
	}
	i, ok := c.message(cmd.Args[0])
	if !ok {
		return nil
	}
	c.dele[i] = true
	c.ok("Message %d deleted", i+1)
	return nil
}
