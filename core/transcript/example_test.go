package transcript_test

import (
	"fmt"
	"strings"

	"github.com/mailwire/mailwire/core/transcript"
)

func Example() {
	recs, _, _ := transcript.Parse(strings.NewReader(`
S: +OK POP3 server ready
C: USER alice
S: +OK
C: PASS alice-pass
S: +OK maildrop has 1 message
C: LIST
S: +OK 1 messages
S: 1 120
S: .
`))
	proto, _ := transcript.Detect(recs)
	evs, _ := transcript.Dissect(proto, recs)
	for _, e := range evs {
		fmt.Printf("%s %s %q -> %s\n", e.Dir, e.Kind, e.Raw, e.State)
	}
	// Output:
	// s greeting "+OK POP3 server ready\r\n" -> authorization
	// c command "USER alice\r\n" -> authorization
	// s response "+OK\r\n" -> authorization-user
	// c command "PASS ********\r\n" -> authorization-user
	// s response "+OK maildrop has 1 message\r\n" -> transaction
	// c command "LIST\r\n" -> transaction
	// s response "+OK 1 messages\r\n1 120\r\n.\r\n" -> transaction
}
