package pop3

import (
	"crypto/tls"
	"time"
)

// cmdStls upgrades the connection to TLS (RFC 2595 section 4). Whatever the
// client sent after STLS in the clear is discarded, so that no plaintext
// command can be injected into the TLS session.
func cmdStls(c *conn, cmd Command) error {
	if len(cmd.Args) != 0 {
		return c.reject("STLS takes no arguments")
	}
	if c.srv.TLSConfig == nil {
		return c.reject("STLS is not available on this server")
	}
	if c.isTLS {
		return c.reject("Already using TLS")
	}
	c.ok("Begin TLS negotiation now")
	if err := c.flush(); err != nil {
		return err
	}
	tc := tls.Server(c.nc, c.srv.TLSConfig)
	tc.SetDeadline(time.Now().Add(handshakeTimeout))
	if err := tc.Handshake(); err != nil {
		return err
	}
	tc.SetDeadline(time.Time{})
	c.setIO(tc)
	c.isTLS = true
	c.user = "" // RFC 2595: forget what was learned before TLS
	return nil
}
