package transcript

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mailwire/mailwire/core/session"
)

// Usage is the one-line summary of "mailwire dissect".
const Usage = "explain a recorded C:/S: session unit by unit"

// RunCLI runs "mailwire dissect [--proto smtp|imap|pop3] [--json] FILE".
// FILE "-" reads standard input. It returns the exit code: 0, 1 when the
// input cannot be read or dissected, 2 for bad usage.
func RunCLI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dissect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	protoFlag := fs.String("proto", "", "protocol: smtp, imap or pop3 (default: guessed from the transcript)")
	jsonOut := fs.Bool("json", false, "print the units as JSON, as the page gets them")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire dissect [--proto smtp|imap|pop3] [--json] FILE")
		fmt.Fprintln(stderr, "\nFILE holds one line of the exchange per line, \"C: \" for the client and \"S: \" for the server,\nas in the RFCs' examples; \"-\" reads standard input.")
		fs.PrintDefaults()
	}
	// flags may come before or after FILE
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	var in io.Reader = stdin
	if name := files[0]; name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "mailwire dissect: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	recs, probs, err := Parse(in)
	if err != nil {
		fmt.Fprintf(stderr, "mailwire dissect: %v\n", err)
		return 1
	}
	if len(recs) == 0 {
		fmt.Fprintln(stderr, "mailwire dissect: no C: or S: lines in the input")
		return 1
	}
	var proto session.Proto
	if *protoFlag != "" {
		if proto, err = session.ParseProto(*protoFlag); err != nil {
			fmt.Fprintf(stderr, "mailwire dissect: %v\n", err)
			return 2
		}
	} else {
		var ok bool
		if proto, ok = Detect(recs); !ok {
			fmt.Fprintln(stderr, "mailwire dissect: cannot tell the protocol; use --proto smtp|imap|pop3")
			return 2
		}
	}
	evs, err := Dissect(proto, recs)
	if err != nil {
		fmt.Fprintf(stderr, "mailwire dissect: %v\n", err)
		return 1
	}
	for _, p := range probs {
		fmt.Fprintf(stderr, "mailwire dissect: %s\n", p)
	}
	if *jsonOut {
		if err := WriteJSON(stdout, evs); err != nil {
			fmt.Fprintf(stderr, "mailwire dissect: %v\n", err)
			return 1
		}
		return 0
	}
	WriteText(stdout, proto, evs)
	return 0
}

// WriteJSON writes events as a JSON array, one event per line.
func WriteJSON(w io.Writer, evs []session.Event) error {
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	for i, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("transcript: %w", err)
		}
		sep := ",\n"
		if i == len(evs)-1 {
			sep = "\n"
		}
		if _, err := w.Write(append(b, sep...)); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]\n")
	return err
}

// WriteText writes events for people: raw bytes quoted with CR LF
// visible, the parsed form, the explanation with its RFC, details,
// problems and warnings.
func WriteText(w io.Writer, proto session.Proto, evs []session.Event) {
	fmt.Fprintf(w, "%s session, %d units\n", strings.ToUpper(string(proto)), len(evs))
	for _, e := range evs {
		dir := map[session.Dir]string{session.DirClient: "C", session.DirServer: "S", session.DirLocal: "-"}[e.Dir]
		fmt.Fprintf(w, "\n#%d %s %s", e.Seq, dir, e.Kind)
		if e.State != "" {
			fmt.Fprintf(w, "  [state: %s]", e.State)
		}
		fmt.Fprintf(w, "\n  %s\n", e.Summary)
		if len(e.Raw) > 0 {
			raw := e.Raw
			more := ""
			if len(raw) > 600 {
				raw, more = raw[:600], fmt.Sprintf(" … (%d bytes in all)", len(e.Raw))
			}
			fmt.Fprintf(w, "  raw: %s%s\n", strconv.Quote(string(raw)), more)
			if e.Masked {
				fmt.Fprintln(w, "       (a password is masked in what is shown)")
			}
		}
		if e.Explain != "" {
			fmt.Fprintf(w, "  %s", e.Explain)
			if e.RFC != "" {
				fmt.Fprintf(w, " [%s]", e.RFC)
			}
			fmt.Fprintln(w)
		}
		for _, d := range e.Details {
			fmt.Fprintf(w, "    - %s", d.Name)
			if d.Value != "" {
				fmt.Fprintf(w, " %s", d.Value)
			}
			if d.Explain != "" {
				fmt.Fprintf(w, ": %s", d.Explain)
			}
			if d.RFC != "" {
				fmt.Fprintf(w, " [%s]", d.RFC)
			}
			fmt.Fprintln(w)
		}
		for _, p := range e.Problems {
			fmt.Fprintf(w, "  ! %s\n", p)
		}
		for _, x := range e.Warnings {
			fmt.Fprintf(w, "  ⚠ %s\n", x)
		}
	}
}
