// Package mime parses Internet messages into a tree of MIME parts, byte
// exact and explained, and never gives up on a broken message.
//
// # Overview
//
// Parse takes any bytes and returns a *Message whose Root is a *Part. Every
// node, containers included, carries its header fields (raw range, unfolded
// value, decoded text), media type and parameters, disposition and
// filename, transfer encoding, the byte ranges of its header, body,
// boundary lines, preamble and epilogue, its decoded body and, for text,
// that body in UTF-8. message/rfc822 and message/global parts have exactly
// one child, the enclosed message, parsed as well (also when base64 or
// quoted-printable encoded: its offsets then index the decoded body, see
// Part.Source). uuencoded files in text parts and x-uuencode bodies are
// listed as the part's Attachments. Problems are Diagnostics: values with a
// severity, a stable code, a byte range and the RFC section that applies.
//
// WriteTree prints the tree for a terminal; Message.AppendJSON (and
// MarshalJSON) give the model the browser and `mailwire mime --json` use,
// described in json.go. SplitMbox finds the messages of an mbox file,
// LookupField says what a header field means and which RFC defines it, and
// RunCLI is the `mailwire mime` command. Package mimetest generates the
// large messages the benchmarks use.
//
// # Standards
//
// RFC 5322 (message format), RFC 2045 (MIME fields, transfer encodings),
// RFC 2046 (media types, multipart, message/rfc822), RFC 2047 (encoded
// words), RFC 2231 (parameter continuations and charsets), RFC 2183
// (Content-Disposition), RFC 6532 (UTF-8 headers, message/global),
// RFC 5321 §4.4 (Received), RFC 4155 (mbox).
//
// # Tolerance
//
// Where a message departs from the standards the parser does what the best
// tolerant parsers (Python's email, enmime, mime4j) do and says so: an mbox
// "From " line, indented or blank first lines, no blank line after the
// header, 8-bit header bytes, folded, padded, mismatched or missing
// boundaries, a missing close delimiter, sloppy parameters, misspelled
// transfer encodings, bad base64, unknown charsets, bare LF or CR line
// ends. Limits on nesting depth, part count and header size (MaxDepth,
// MaxParts, MaxHeaderBytes) are reported the same way.
//
// # Building on go-message
//
// Charset conversion uses github.com/emersion/go-message/charset, imported
// in charset.go only (it adds about 1 MiB to the WASM binary); RFC 2047
// words are decoded by the standard library's mime.WordDecoder with that
// charset reader, base64 by encoding/base64. go-message's streaming readers
// are not used for structure: they do not report byte offsets and stop at
// the first malformed boundary, and the explorer needs both.
//
// # Concurrency
//
// Parse may be called from several goroutines at once. A Message is not
// modified after Parse returns and may be read concurrently. It shares
// memory with the input: do not modify the input while using the result.
package mime
