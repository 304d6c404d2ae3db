package pop3

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/emersion/go-sasl"
)

// cmdAuth runs a SASL exchange (RFC 5034). Only PLAIN (RFC 4616) is
// offered; AUTH without arguments lists the mechanisms, as many servers do
// for clients older than CAPA.
func cmdAuth(c *conn, cmd Command) error {
	if len(cmd.Args) == 0 {
		c.ok("Supported SASL mechanisms follow")
		c.bw.WriteString("PLAIN\r\n.\r\n")
		return nil
	}
	if !c.authAllowed() {
		c.failedAuth("Authentication disallowed on non-secure connections: use STLS first (RFC 2595)")
		return nil
	}
	if len(cmd.Args) > 2 {
		return c.reject("AUTH takes a mechanism and an optional initial response")
	}
	if !strings.EqualFold(cmd.Args[0], sasl.Plain) {
		return c.reject("Unsupported SASL mechanism " + cmd.Args[0] + "; this server offers PLAIN")
	}
	var user, pass string
	srv := sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return errors.New("authorization identity differs from the user name")
		}
		user, pass = username, password
		return nil
	})
	var resp []byte
	if len(cmd.Args) == 2 {
		var err error
		if resp, err = decodeSASL(cmd.Args[1]); err != nil {
			return c.reject("Invalid base64 in the initial response")
		}
	}
	for {
		challenge, done, err := srv.Next(resp)
		if err != nil {
			c.failedAuth("Authentication failed: %s", strings.TrimPrefix(err.Error(), "sasl: "))
			return nil
		}
		if done {
			break
		}
		c.bw.WriteString("+ " + base64.StdEncoding.EncodeToString(challenge) + "\r\n")
		if err := c.flush(); err != nil {
			return err
		}
		line, err := readLine(c.br, maxSASLLine)
		if err != nil {
			return err
		}
		if string(line) == "*" {
			return c.reject("Authentication cancelled")
		}
		if resp, err = decodeSASL(string(line)); err != nil {
			return c.reject("Invalid base64 in the SASL response")
		}
	}
	return c.login(user, pass)
}

// decodeSASL decodes a base64 SASL response; "=" is an empty response
// (RFC 5034 section 4).
func decodeSASL(s string) ([]byte, error) {
	if s == "=" {
		return []byte{}, nil
	}
	return base64.StdEncoding.DecodeString(s)
}
