package sandbox

import (
	"errors"

	"github.com/emersion/go-sasl"
)

// loginServer is the server side of the obsolete but common LOGIN SASL
// mechanism (draft-murchison-sasl-login): the server asks "Username:" and
// "Password:", the client answers each in base64. go-sasl has only its
// client side.
type loginServer struct {
	auth     func(username, password string) error
	step     int
	username string
}

func newLoginServer(auth func(username, password string) error) sasl.Server {
	return &loginServer{auth: auth}
}

var errLoginExchange = errors.New("sasl: unexpected LOGIN exchange")

func (s *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch s.step {
	case 0:
		s.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough // an initial response carries the user name
	case 1:
		s.username = string(response)
		s.step = 2
		return []byte("Password:"), false, nil
	case 2:
		s.step = 3
		return nil, true, s.auth(s.username, string(response))
	}
	return nil, false, errLoginExchange
}
