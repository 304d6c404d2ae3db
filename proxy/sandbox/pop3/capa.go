package pop3

// cmdCapa lists the server's capabilities (RFC 2449 section 5), valid in
// both the AUTHORIZATION and TRANSACTION states.
func cmdCapa(c *conn, cmd Command) error {
	if len(cmd.Args) != 0 {
		return c.reject("CAPA takes no arguments")
	}
	caps := []string{"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"}
	if c.state == StateAuthorization {
		if c.authAllowed() {
			caps = append(caps, "USER", "SASL PLAIN")
		}
		if c.srv.TLSConfig != nil && !c.isTLS {
			caps = append(caps, "STLS")
		}
	}
	if c.srv.Implementation != "" {
		caps = append(caps, "IMPLEMENTATION "+c.srv.Implementation)
	}
	c.ok("Capability list follows")
	for _, s := range caps {
		c.bw.WriteString(s + "\r\n")
	}
	c.bw.WriteString(".\r\n")
	return nil
}
