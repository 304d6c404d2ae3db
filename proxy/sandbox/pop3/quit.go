package pop3

// cmdQuit ends the session. In the TRANSACTION state it first enters the
// UPDATE state and removes the messages marked as deleted (RFC 1939
// section 6); if that fails the reply is -ERR and nothing is lost.
func cmdQuit(c *conn, cmd Command) error {
	host := c.srv.Hostname
	if host == "" {
		host = "localhost"
	}
	if c.state != StateTransaction {
		c.ok("%s POP3 server signing off", host)
		return errQuit
	}
	c.state = StateUpdate
	var idx []int
	for i, d := range c.dele {
		if d {
			idx = append(idx, i)
		}
	}
	if len(idx) > 0 {
		if err := c.drop.Delete(idx); err != nil {
			c.srv.logger().Warn("pop3: update", "err", err)
			c.err(codeSysTemp, "Some deleted messages not removed")
			return errQuit
		}
	}
	left := len(c.msgs) - len(idx)
	c.ok("%s POP3 server signing off (%d message%s left)", host, left, plural(left))
	return errQuit
}
