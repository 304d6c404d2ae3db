package smtp

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/smtpwire"
)

var cmdBDAT = command{
	rfc: "RFC 3030 §2",
	explain: func(args string) cmdInfo {
		f := strings.Fields(args)
		i := cmdInfo{summary: "BDAT " + args}
		if len(f) > 0 {
			i.text = fmt.Sprintf("BDAT sends the next %s octets of the message as they are, with no dot-stuffing and no end line: the size says where the chunk ends.", f[0])
		}
		if len(f) > 1 && strings.EqualFold(f[1], "LAST") {
			i.text += " LAST marks the final chunk: the message is complete after it."
		}
		return i
	},
	reply: func(rep smtpwire.Reply, args string) string {
		if rep.Code == 250 && strings.Contains(strings.ToUpper(args), "LAST") {
			return "250: the last chunk is in and the whole message is accepted."
		}
		if rep.Code == 250 {
			return "250: the chunk is received; the next BDAT may follow."
		}
		return ""
	},
}

func explainChunk(u smtpwire.Unit) cmdInfo {
	i := cmdInfo{summary: fmt.Sprintf("chunk: %d octets", len(u.Raw)),
		text: "The octets of a BDAT chunk, exactly as many as BDAT announced: no dot-stuffing, no end line (RFC 3030 §2)."}
	if u.Last {
		i.text += " This is the last chunk."
	}
	return i
}
