package policy

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// A rules file holds one directive per line; "#" starts a comment.
//
//	port 465 587 993 995 143 110   # replaces the default ports
//	allow-port-25                   # also port 25 (SMTP relay)
//	allow-host .example.edu imap.example.org
//	deny-host smtp.example.edu
//	allow 127.0.0.1:1143            # named exception (lab server)
//
// Directives may repeat; their values add up.

// Diagnostic is one problem found in a rules or token file.
type Diagnostic struct {
	Line int
	Msg  string
}

func (d Diagnostic) String() string { return fmt.Sprintf("line %d: %s", d.Line, d.Msg) }

// ParseRules reads a rules file. It keeps every directive it understands
// and lists the rest as diagnostics; callers should refuse to start on any.
func ParseRules(src string) (Rules, []Diagnostic) {
	var r Rules
	var diags []Diagnostic
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := func(format string, a ...any) { diags = append(diags, Diagnostic{n, fmt.Sprintf(format, a...)}) }
		dir, args := f[0], f[1:]
		if dir != "allow-port-25" && len(args) == 0 {
			bad("%s needs at least one value", dir)
			continue
		}
		switch dir {
		case "port", "ports":
			for _, a := range args {
				for _, v := range strings.Split(a, ",") {
					if v == "" {
						continue
					}
					p, err := strconv.Atoi(v)
					if err != nil || p < 1 || p > 65535 {
						bad("bad port %q", v)
						continue
					}
					r.Ports = append(r.Ports, p)
				}
			}
		case "allow-port-25":
			if len(args) > 0 {
				bad("allow-port-25 takes no value")
			}
			r.AllowPort25 = true
		case "allow-host", "deny-host":
			for _, a := range args {
				if _, err := patterns([]string{a}); err != nil {
					bad("bad host pattern %q", a)
					continue
				}
				if dir == "allow-host" {
					r.AllowHosts = append(r.AllowHosts, a)
				} else {
					r.DenyHosts = append(r.DenyHosts, a)
				}
			}
		case "allow":
			for _, a := range args {
				host, port, err := net.SplitHostPort(a)
				p, perr := strconv.Atoi(port)
				if _, herr := NormalizeHost(host); err != nil || perr != nil || herr != nil || p < 1 || p > 65535 {
					bad("bad host:port %q", a)
					continue
				}
				r.Exceptions = append(r.Exceptions, a)
			}
		default:
			bad("unknown directive %q", dir)
		}
	}
	if !r.AllowPort25 {
		for _, p := range r.Ports {
			if p == RelayPort {
				diags = append(diags, Diagnostic{0, "port 25 is listed but not enabled: add allow-port-25 to make the tunnel an SMTP relay on purpose"})
				break
			}
		}
	}
	return r, diags
}

// Merge returns r with o's values added: lists are joined, port 25 is
// allowed when either allows it.
func (r Rules) Merge(o Rules) Rules {
	if o.Ports != nil {
		r.Ports = append(append([]int{}, r.Ports...), o.Ports...)
	}
	r.AllowPort25 = r.AllowPort25 || o.AllowPort25
	r.AllowHosts = append(append([]string{}, r.AllowHosts...), o.AllowHosts...)
	r.DenyHosts = append(append([]string{}, r.DenyHosts...), o.DenyHosts...)
	r.Exceptions = append(append([]string{}, r.Exceptions...), o.Exceptions...)
	return r
}
