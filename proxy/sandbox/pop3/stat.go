package pop3

// cmdStat gives the number of messages and their total size, deleted ones
// excluded (RFC 1939 section 5).
func cmdStat(c *conn, cmd Command) error {
	if len(cmd.Args) != 0 {
		return c.reject("STAT takes no arguments")
	}
	n, size := c.count()
	c.ok("%d %d", n, size)
	return nil
}
