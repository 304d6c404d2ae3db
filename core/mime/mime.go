package mime

import (
	"strings"
)

// Default limits. They bound the work done on hostile input; exceeding one
// is reported as a Diagnostic, never as an error.
const (
	// DefaultMaxDepth bounds the nesting of multipart and message parts.
	// Thunderbird caps MIME nesting at 50; deeper input is kept as an
	// unparsed leaf.
	DefaultMaxDepth = 50

	// DefaultMaxParts bounds the number of nodes in a tree, so a message
	// made of millions of empty parts cannot exhaust memory.
	DefaultMaxParts = 10000

	// DefaultMaxHeaderBytes bounds one header block. Beyond it fields are
	// no longer split out (the bytes stay in the header range). Postfix's
	// header_size_limit is 100 KiB; real messages with long trace headers
	// stay well below 1 MiB.
	DefaultMaxHeaderBytes = 1 << 20
)

// An Option changes how Parse works.
type Option func(*config)

type config struct {
	maxDepth       int
	maxParts       int
	maxHeaderBytes int
}

// MaxDepth sets the nesting limit (DefaultMaxDepth when n <= 0).
func MaxDepth(n int) Option { return func(c *config) { c.maxDepth = n } }

// MaxParts sets the node limit (DefaultMaxParts when n <= 0).
func MaxParts(n int) Option { return func(c *config) { c.maxParts = n } }

// MaxHeaderBytes sets the header block limit (DefaultMaxHeaderBytes when n <= 0).
func MaxHeaderBytes(n int) Option { return func(c *config) { c.maxHeaderBytes = n } }

// A Message is the result of Parse: the tree of parts over the input bytes.
type Message struct {
	Root  *Part  // the top-level entity, path ""
	Input []byte // the bytes given to Parse, not copied
	Parts int    // number of nodes in the tree
}

// A Range is the half-open byte range [Start, End) in a Part's source: the
// input given to Parse, or, inside an encoded message/rfc822 part, that
// part's decoded body (see Part.Source).
type Range struct {
	Start, End int
}

// Len is End-Start.
func (r Range) Len() int { return r.End - r.Start }

// Ranges locate a part's pieces in its source. A missing piece has Start ==
// End == -1 (see Range.Valid).
type Ranges struct {
	Part       Range   // the whole entity: header, separator and body
	MboxFrom   Range   // a leading mbox "From " line (root only)
	Header     Range   // the header fields, without the blank separator line
	Body       Range   // the body after the separator
	Boundaries []Range // each boundary delimiter line, line end included
	Preamble   Range   // multipart: before the first delimiter
	Epilogue   Range   // multipart: after the close delimiter
}

var noRange = Range{-1, -1}

// Valid reports whether the range locates something.
func (r Range) Valid() bool { return r.Start >= 0 && r.End >= r.Start }

// A Part is one node of the tree: a message, a multipart container or a leaf.
type Part struct {
	// Path names the node: "" for the root, "1", "2" for its children,
	// "2.1" for the first child of "2". An enclosed message (the only
	// child of a message/rfc822 part "2") is "2.1".
	Path string

	Header Header

	ContentType       string // lower case type/subtype, defaulted per RFC 2045 §5.2
	Params            Params // Content-Type parameters in input order, names lower case, values decoded
	Disposition       string // lower case, "" when absent
	DispositionParams Params
	Filename          string // Content-Disposition filename, else Content-Type name
	TransferEncoding  string // normalized: 7bit, 8bit, binary, quoted-printable, base64, x-uuencode, or the unknown value
	Charset           string // for text parts: the charset used to produce Text

	// Message is set on nodes that are messages: the root and the enclosed
	// message of a message/rfc822 or message/global part.
	Message bool

	// Source is the part whose decoded body holds this part's bytes when
	// the part sits inside an encoded message/rfc822 (base64 or
	// quoted-printable); nil when Ranges and diagnostic offsets refer to
	// the input.
	Source *Part

	Ranges Ranges

	// Body is the body after transfer decoding. For 7bit, 8bit and binary
	// it shares memory with the input.
	Body []byte

	// Text is the body converted to UTF-8 for text/* parts (nil for others).
	// It shares memory with Body when no conversion was needed.
	Text []byte

	Children    []*Part
	Attachments []*Attachment // uuencoded files found in this part
	Diagnostics []Diagnostic
	Received    []Hop // on message nodes: the Received chain, oldest hop first

	depth int
}

// A Param is one parameter of Content-Type or Content-Disposition, after
// RFC 2231 continuations are joined and values decoded.
type Param struct {
	Name  string // lower case
	Value string
}

// Params are the parameters of a field, in input order, each name once.
type Params []Param

// Get returns the value of the parameter named name (lower case), or "".
func (ps Params) Get(name string) string {
	if i := ps.index(name); i >= 0 {
		return ps[i].Value
	}
	return ""
}

func (ps Params) index(name string) int {
	for i := range ps {
		if ps[i].Name == name {
			return i
		}
	}
	return -1
}

// An Attachment is a file found inside a part rather than as a MIME child:
// a uuencoded block in a text part or an x-uuencode body.
type Attachment struct {
	Filename string
	Mode     string // the octal mode of the "begin" line
	Data     []byte
	// Range locates the block, from "begin" to "end", in the part's
	// source, or in the part's decoded Body when InBody is set (a
	// uuencoded block inside a quoted-printable or base64 text part).
	Range       Range
	InBody      bool
	Diagnostics []Diagnostic
}

// IsMultipart reports whether the part is a multipart container.
func (p *Part) IsMultipart() bool { return strings.HasPrefix(p.ContentType, "multipart/") }

// Walk calls fn for p and each of its descendants, depth first, in order.
// It stops descending into a node when fn returns false.
func (p *Part) Walk(fn func(*Part) bool) {
	if !fn(p) {
		return
	}
	for _, c := range p.Children {
		c.Walk(fn)
	}
}

// Find returns the node with the given path, or nil.
func (m *Message) Find(path string) *Part {
	var found *Part
	m.Root.Walk(func(p *Part) bool {
		if found != nil {
			return false
		}
		if p.Path == path {
			found = p
			return false
		}
		return path == "" || p.Path == "" || strings.HasPrefix(path, p.Path+".")
	})
	return found
}

// Diagnostics returns every diagnostic of the tree, in tree order, with the
// part each belongs to.
func (m *Message) Diagnostics() []PartDiagnostic {
	var out []PartDiagnostic
	m.Root.Walk(func(p *Part) bool {
		for _, d := range p.Diagnostics {
			out = append(out, PartDiagnostic{p, d})
		}
		for _, a := range p.Attachments {
			for _, d := range a.Diagnostics {
				out = append(out, PartDiagnostic{p, d})
			}
		}
		return true
	})
	return out
}

// A PartDiagnostic is a Diagnostic with the part it was found in.
type PartDiagnostic struct {
	Part *Part
	Diagnostic
}

// Source returns the bytes the part's ranges index: the input, or the
// decoded body of p.Source.
func (m *Message) Source(p *Part) []byte {
	if p.Source != nil {
		return p.Source.Body
	}
	return m.Input
}

// Raw returns the bytes of r in the source of p.
func (m *Message) Raw(p *Part, r Range) []byte {
	src := m.Source(p)
	if !r.Valid() || r.End > len(src) {
		return nil
	}
	return src[r.Start:r.End]
}
