package pop3

// cmdUidl gives the unique-id listing of one message or of all that are
// not deleted (RFC 1939 section 7): an id that stays the same for the
// message across sessions.
func cmdUidl(c *conn, cmd Command) error {
	return listing(c, cmd, func(i int) string { return c.msgs[i].UID })
}
