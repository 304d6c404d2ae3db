package pop3

// cmdNoop does nothing but answer (RFC 1939 section 5).
func cmdNoop(c *conn, cmd Command) error {
	if len(cmd.Args) != 0 {
		return c.reject("NOOP takes no arguments")
	}
	c.ok("")
	return nil
}
