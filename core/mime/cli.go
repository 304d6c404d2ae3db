package mime

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

// RunCLI implements `mailwire mime [--json] [-n N] FILE|-`: it parses the
// message in FILE (or stdin for "-") and prints its tree, or with --json the
// model the browser gets. It returns the exit status: 0 whatever the
// message holds (diagnostics are output, not failure), 1 when the file
// cannot be read, 2 for bad usage.
func RunCLI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mime", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the JSON model instead of the tree")
	msgN := fs.Int("n", 1, "in an mbox file, the message to show (1 is the first)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mailwire mime [--json] [-n N] FILE|-")
		fmt.Fprintln(stderr, "Parses a raw message (.eml, or one message of an .mbox) and prints its MIME tree.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	name := fs.Arg(0)
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailwire mime: %v\n", err)
		return 1
	}
	msgs := SplitMbox(data)
	if *msgN < 1 || *msgN > len(msgs) {
		fmt.Fprintf(stderr, "mailwire mime: -n %d: the input holds %d message(s)\n", *msgN, len(msgs))
		return 2
	}
	if len(msgs) > 1 {
		fmt.Fprintf(stderr, "mbox with %d messages; showing message %d (bytes %d-%d; choose with -n)\n",
			len(msgs), *msgN, msgs[*msgN-1].Start, msgs[*msgN-1].End)
	}
	r := msgs[*msgN-1]
	m := Parse(data[r.Start:r.End])
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			fmt.Fprintf(stderr, "mailwire mime: %v\n", err)
			return 1
		}
		return 0
	}
	if err := WriteTree(stdout, m); err != nil {
		fmt.Fprintf(stderr, "mailwire mime: %v\n", err)
		return 1
	}
	return 0
}
