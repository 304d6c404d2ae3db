package mime

import (
	"fmt"
	"unicode/utf8"
)

// Severity grades a Diagnostic.
type Severity int

const (
	// SeverityInfo notes something legal but worth knowing, or a SHOULD
	// that is not followed.
	SeverityInfo Severity = iota
	// SeverityWarning marks a violation of a MUST that the parser worked
	// around without losing data.
	SeverityWarning
	// SeverityError marks damage: the parser had to guess, and the tree
	// or a decoded body may not be what the sender meant.
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// A Diagnostic is a problem found in the input. Offset and Len locate it in
// the source of the part that carries it (see Part.Source).
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Offset   int      `json:"offset"`
	Len      int      `json:"len"`
	RFC      string   `json:"rfc,omitempty"` // e.g. "RFC 2046 §5.1.1"
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s %s: %s @%d", d.Severity, d.Code, d.Message, d.Offset)
	if d.Len > 0 {
		s += fmt.Sprintf("+%d", d.Len)
	}
	if d.RFC != "" {
		s += " (" + d.RFC + ")"
	}
	return s
}

// Diagnostic codes. They are stable identifiers: tests and the browser key
// on them, messages may change.
const (
	// parse problems
	CodeMboxFrom           = "mbox-from-line"
	CodeLeadingBlank       = "leading-blank-lines"
	CodeLeadingWhitespace  = "header-leading-whitespace"
	CodeNoSeparator        = "header-no-blank-line"
	CodeHeaderContinuation = "header-bad-continuation"
	CodeHeaderBadName      = "header-bad-field-name"
	CodeHeaderSpaceColon   = "header-space-before-colon"
	CodeHeader8bit         = "header-8bit"
	CodeHeaderTooBig       = "header-too-big"
	CodeHeaderEmpty        = "header-empty-field-body"
	CodeEncodedWord        = "header-encoded-word"
	CodeTypeSyntax         = "content-type-syntax"
	CodeParamSyntax        = "param-syntax"
	CodeParamDuplicate     = "param-duplicate"
	CodeParam2231          = "param-rfc2231"
	CodeEncodingUnknown    = "cte-unknown"
	CodeEncodingMisspelled = "cte-misspelled"
	CodeEncodingComposite  = "cte-composite"
	CodeBase64             = "base64-invalid"
	CodeQuotedPrintable    = "qp-invalid"
	CodeUUEncode           = "uuencode-invalid"
	CodeCharsetUnknown     = "charset-unknown"
	CodeCharsetInvalid     = "charset-invalid-bytes"
	CodeBoundaryMissing    = "boundary-missing"
	CodeBoundaryNotFound   = "boundary-not-found"
	CodeBoundaryMismatch   = "boundary-mismatch"
	CodeBoundaryLong       = "boundary-too-long"
	CodeBoundaryChars      = "boundary-bad-chars"
	CodeBoundaryInPart     = "boundary-inside-part"
	CodeBoundaryJunk       = "boundary-trailing-text"
	CodeCloseMissing       = "boundary-close-missing"
	CodeAfterClose         = "boundary-after-close"
	CodeMultipartEmpty     = "multipart-no-parts"
	CodeDepthLimit         = "limit-depth"
	CodePartLimit          = "limit-parts"
	CodeMessageEmpty       = "message-empty"
	CodeTooManyDiagnostics = "diagnostics-truncated"

	// lint
	CodeNoFrom          = "lint-no-from"
	CodeNoDate          = "lint-no-date"
	CodeNoMessageID     = "lint-no-message-id"
	CodeNoSender        = "lint-multiple-from-no-sender"
	CodeDuplicateField  = "lint-duplicate-field"
	CodeNoMIMEVersion   = "lint-no-mime-version"
	CodeMIMEVersion     = "lint-mime-version"
	CodeBadDate         = "lint-bad-date"
	CodeBadAddress      = "lint-bad-address"
	CodeBadMessageID    = "lint-bad-message-id"
	CodeLongLine        = "lint-line-too-long"
	CodeBareLF          = "lint-bare-lf"
	CodeBareCR          = "lint-bare-cr"
	CodeLFOnly          = "lint-lf-line-ends"
	Code8bitIn7bit      = "lint-8bit-in-7bit"
	CodeNUL             = "lint-nul"
	CodeNoCharset       = "lint-8bit-text-no-charset"
	CodeDispositionType = "lint-disposition-type"
	CodeReceivedSyntax  = "lint-received"
)

// maxDiagnostics bounds the diagnostics kept per part: hostile input can
// repeat one mistake a million times, and the first ones say it all.
const maxDiagnostics = 100

// diags collects diagnostics for one part.
type diags struct {
	list    []Diagnostic
	dropped int
}

// maxQuoted bounds the input quoted in a message.
const maxQuoted = 80

func (ds *diags) add(sev Severity, code string, off, n int, rfc, format string, args ...any) {
	if len(ds.list) >= maxDiagnostics {
		ds.dropped++
		return
	}
	msg := format
	if len(args) > 0 {
		for i, a := range args {
			if s, ok := a.(string); ok && len(s) > maxQuoted {
				args[i] = clip(s)
			}
		}
		msg = fmt.Sprintf(format, args...)
	}
	if n < 0 {
		n = 0
	}
	ds.list = append(ds.list, Diagnostic{Severity: sev, Code: code, Message: msg, Offset: off, Len: n, RFC: rfc})
}

// done returns the diagnostics, with a note when some were dropped.
func (ds *diags) done() []Diagnostic {
	if ds.dropped > 0 {
		ds.list = append(ds.list, Diagnostic{Severity: SeverityInfo, Code: CodeTooManyDiagnostics,
			Message: fmt.Sprintf("%d more diagnostics on this part not listed", ds.dropped)})
		ds.dropped = 0
	}
	return ds.list
}

// clip shortens s to about maxQuoted bytes without splitting a UTF-8 sequence.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	i := maxQuoted
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
