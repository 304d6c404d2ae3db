package pop3

// cmdRset unmarks every message marked as deleted (RFC 1939 section 5).
func cmdRset(c *conn, cmd Command) error {
	if len(cmd.Args) != 0 {
		return c.reject("RSET takes no arguments")
	}
	clear(c.dele)
	n, size := c.count()
	c.ok("Maildrop has %d message%s (%d octets)", n, plural(n), size)
	return nil
}
