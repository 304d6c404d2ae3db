package pop3

import "strconv"

// cmdList gives the size of one message or a scan listing of all that are
// not deleted (RFC 1939 section 5).
func cmdList(c *conn, cmd Command) error {
	return listing(c, cmd, func(i int) string { return strconv.FormatInt(c.msgs[i].Size, 10) })
}

// listing is the shared shape of LIST and UIDL: with an argument a single
// line, without one a multi-line response.
func listing(c *conn, cmd Command, value func(i int) string) error {
	switch len(cmd.Args) {
	case 0:
		n, size := c.count()
		c.ok("%d message%s (%d octets)", n, plural(n), size)
		for i := range c.msgs {
			if !c.dele[i] {
				c.bw.WriteString(strconv.Itoa(i+1) + " " + value(i) + "\r\n")
			}
		}
		c.bw.WriteString(".\r\n")
	case 1:
		i, ok := c.message(cmd.Args[0])
		if !ok {
			return nil
		}
		c.ok("%d %s", i+1, value(i))
	default:
		return c.reject(cmd.Name + " takes at most one argument: a message number")
	}
	return nil
}
