package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// HTTP paths the Mailwire server mounts for the sandbox.
const (
	CAPath    = "/api/sandbox/ca.pem"
	ResetPath = "/api/sandbox/reset"
)

// ClientInfo is what the page needs to know about the sandbox; it is part
// of /api/config. Passwords are not in it.
type ClientInfo struct {
	Domain string       `json:"domain"`
	Users  []ClientUser `json:"users"`
	// CAURL serves CAPEM; the page adds the CA to the roots its TLS stack
	// trusts for sandbox targets.
	CAURL string `json:"caURL"`
	CAPEM string `json:"caPEM"`
	// TrustNote says, for the page to show, why this chain differs from
	// a public server's.
	TrustNote string `json:"trustNote"`
}

// trustNote explains the sandbox's certificate chain to a student.
const trustNote = "The sandbox's certificate is signed by a certificate authority that this Mailwire server " +
	"made for itself at its first start, not by one of the public roots your browser and operating system " +
	"already trust. A public server proves its name with a chain ending at such a root (RFC 5280); here the " +
	"page fetched the sandbox CA from its own server and trusts it for sandbox connections only. The CA is " +
	"name-constrained (RFC 5280 section 4.2.1.10) to localhost, loopback addresses and the sandbox's domain, " +
	"so it cannot vouch for any other site."

// ClientUser is a demo account's login and address.
type ClientUser struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// ClientInfo describes the running sandbox for the page.
func (s *Sandbox) ClientInfo() ClientInfo {
	ci := ClientInfo{Domain: s.cfg.Domain, CAURL: CAPath, CAPEM: string(s.tls.caPEM), TrustNote: trustNote, Users: []ClientUser{}}
	for _, n := range s.store.Users() {
		ci.Users = append(ci.Users, ClientUser{Name: n, Address: n + "@" + s.cfg.Domain})
	}
	return ci
}

// CAHandler serves the CA certificate (GET CAPath).
func (s *Sandbox) CAHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `inline; filename="mailwire-sandbox-ca.pem"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(s.tls.caPEM)
	})
}

// ResetHandler serves POST ResetPath: empty the mailboxes and reseed.
//
// Deny by default. A request is allowed when it carries
// "Authorization: Bearer TOKEN" with Config.ResetToken, or when it
// comes from a loopback address, names a loopback host (against DNS
// rebinding) and, if it has an Origin, that origin is the same host (against
// other web pages posting to it).
func (s *Sandbox) ResetHandler() http.Handler {
	token := s.cfg.ResetToken
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "use POST", http.StatusMethodNotAllowed)
			return
		}
		if !resetAllowed(r, token) {
			http.Error(w, "forbidden: reset is allowed from loopback or with the reset token", http.StatusForbidden)
			return
		}
		if err := s.Reset(); err != nil {
			s.log.Error("sandbox reset failed", "err", err)
			http.Error(w, "reset failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "users": s.store.Users()})
	})
}

func resetAllowed(r *http.Request, token string) bool {
	if token != "" {
		if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !isLoopback(host) {
		return false
	}
	if !isLoopback(hostOnly(r.Host)) {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}
