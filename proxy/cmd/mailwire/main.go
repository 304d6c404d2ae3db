// Command mailwire is Mailwire's server and command-line tool.
//
//	mailwire serve [flags]    serve the web app, the tunnel and the sandbox
//
// Run "mailwire help" for the list of commands.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mailwire/mailwire/core/mime"
	"github.com/mailwire/mailwire/core/transcript"
)

// command is one subcommand: run gets the arguments after its name.
type command struct {
	name, summary string
	run           func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = []command{
	{"serve", "serve the web app, the tunnel and the sandbox mail server", runServe},
	{"mime", "print the MIME tree of a message file (--json: the model the browser gets)", mime.RunCLI},
	{"dissect", "explain a recorded C:/S: SMTP, IMAP or POP3 session (--json: the units the page gets)", transcript.RunCLI},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mailwire: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: mailwire COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}
