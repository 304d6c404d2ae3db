package pop3

import "fmt"

// cmdRetr sends a whole message, byte-stuffed, as a multi-line response
// (RFC 1939 section 5).
func cmdRetr(c *conn, cmd Command) error {
	if len(cmd.Args) != 1 {
		return c.reject("RETR takes exactly one argument: a message number")
	}
	i, ok := c.message(cmd.Args[0])
	if !ok {
		return nil
	}
	return c.sendMessage(i, fmt.Sprintf("%d octets", c.msgs[i].Size), -1)
}
