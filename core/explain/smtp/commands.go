package smtp

import (
	"github.com/mailwire/mailwire/core/explain"
	"github.com/mailwire/mailwire/core/smtpwire"
)

// command explains one SMTP command.
type command struct {
	rfc string
	// explain says what the command with these arguments asks for.
	explain func(args string) cmdInfo
	// reply says what a reply means for this command; nil uses the
	// generic meaning of the code.
	reply func(rep smtpwire.Reply, args string) string
}

type cmdInfo struct {
	summary  string
	text     string
	details  []explain.Detail
	problems []string
}

// commands maps verbs to their explanations; one file per command.
var commands = map[string]*command{
	"EHLO":     &cmdEHLO,
	"HELO":     &cmdHELO,
	"MAIL":     &cmdMAIL,
	"RCPT":     &cmdRCPT,
	"DATA":     &cmdDATA,
	"BDAT":     &cmdBDAT,
	"RSET":     &cmdRSET,
	"VRFY":     &cmdVRFY,
	"EXPN":     &cmdEXPN,
	"HELP":     &cmdHELP,
	"NOOP":     &cmdNOOP,
	"QUIT":     &cmdQUIT,
	"STARTTLS": &cmdSTARTTLS,
	"AUTH":     &cmdAUTH,
	"ETRN":     &cmdETRN,
}

// Commands returns the verbs this package explains.
func Commands() []string {
	v := make([]string, 0, len(commands))
	for k := range commands {
		v = append(v, k)
	}
	return v
}
