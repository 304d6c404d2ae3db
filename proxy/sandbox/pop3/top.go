package pop3

// cmdTop sends a message's header and the first n lines of its body (RFC
// 1939 section 7).
func cmdTop(c *conn, cmd Command) error {
	if len(cmd.Args) != 2 {
		return c.reject("TOP takes two arguments: a message number and a line count")
	}
	i, ok := c.message(cmd.Args[0])
	if !ok {
		return nil
	}
	n, ok := parseCount(cmd.Args[1])
	if !ok {
		return c.reject("The line count must be a non-negative number")
	}
	return c.sendMessage(i, "Top of message follows", n)
}
