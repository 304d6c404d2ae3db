package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mailwire/mailwire/core/mime"
)

// The MIME explorer's files, kept on the Go side of the worker so that a
// large message is copied into WebAssembly memory once and its decoded
// bodies never cross into JavaScript unless the page asks for one.
// Nothing here uses syscall/js: mime_js.go converts values and calls these.

// mimeDocs holds the opened files by the page's document id.
type mimeDocs struct {
	mu sync.Mutex
	m  map[int]*mimeDoc
}

// A mimeDoc is one opened file: a message or an mbox of several.
type mimeDoc struct {
	data  []byte       // the file, owned (copied from JavaScript)
	msgs  []mime.Range // the messages in data (one unless an mbox)
	index int          // which message msg is; -1 before the first parse
	msg   *mime.Message
}

// A parseResult is the JSON model of one message and what it cost.
type parseResult struct {
	JSON    []byte
	ParseMs float64 // mime.Parse
	ModelMs float64 // building the JSON model
}

func newMIMEDocs() *mimeDocs { return &mimeDocs{m: map[int]*mimeDoc{}} }

// load stores data (which the caller hands over) as document id, replacing
// any document of that id, and returns the messages it holds.
func (d *mimeDocs) load(id int, data []byte) []mime.Range {
	msgs := mime.SplitMbox(data)
	d.mu.Lock()
	d.m[id] = &mimeDoc{data: data, msgs: msgs, index: -1}
	d.mu.Unlock()
	return msgs
}

func (d *mimeDocs) get(id int) (*mimeDoc, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc := d.m[id]
	if doc == nil {
		return nil, fmt.Errorf("wasm: no document %d", id)
	}
	return doc, nil
}

// message returns message index of document id, parsing it unless it is
// the one parsed last (a document keeps one parsed message at a time).
func (d *mimeDocs) message(id, index int) (*mime.Message, time.Duration, error) {
	doc, err := d.get(id)
	if err != nil {
		return nil, 0, err
	}
	if index < 0 || index >= len(doc.msgs) {
		return nil, 0, fmt.Errorf("wasm: document %d has no message %d (it has %d)", id, index, len(doc.msgs))
	}
	if doc.index == index {
		return doc.msg, 0, nil
	}
	r := doc.msgs[index]
	t0 := time.Now()
	m := mime.Parse(doc.data[r.Start:r.End])
	el := time.Since(t0)
	doc.msg, doc.index = m, index
	return m, el, nil
}

// parse parses message index of document id and returns its JSON model
// (see core/mime's json.go) without hashes; offsets are relative to the
// message's start.
func (d *mimeDocs) parse(id, index int) (parseResult, error) {
	doc, err := d.get(id)
	if err != nil {
		return parseResult{}, err
	}
	doc.index = -1 // parse afresh: the figures are the parse's
	m, parseTime, err := d.message(id, index)
	if err != nil {
		return parseResult{}, err
	}
	t0 := time.Now()
	// Without the sha256 of every body: in WASM hashing costs more than the
	// parse on large messages; the page hashes the part it shows.
	js := m.AppendJSON(nil, false)
	return parseResult{JSON: js, ParseMs: ms(parseTime), ModelMs: ms(time.Since(t0))}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Body kinds the page asks for.
const (
	bodyDecoded    = "body"   // the body after transfer decoding
	bodyText       = "text"   // a text part's body in UTF-8
	bodyAttachment = "att:"   // "att:N": the Nth uuencoded file found in the part
	bodyRaw        = "raw"    // the part's own bytes (header and body) in its source
	bodySource     = "source" // the bytes the part's ranges index
)

// body returns bytes of the part at path in message index of document id.
// The slice shares memory with the document: copy it before it is kept.
func (d *mimeDocs) body(id, index int, path, kind string) ([]byte, error) {
	m, _, err := d.message(id, index)
	if err != nil {
		return nil, err
	}
	p := m.Find(path)
	if p == nil {
		return nil, fmt.Errorf("wasm: no part %q", path)
	}
	switch {
	case kind == bodyDecoded:
		return p.Body, nil
	case kind == bodyText:
		if p.Text == nil {
			return nil, fmt.Errorf("wasm: part %q (%s) has no text", path, p.ContentType)
		}
		return p.Text, nil
	case kind == bodyRaw:
		return m.Raw(p, p.Ranges.Part), nil
	case kind == bodySource:
		return m.Source(p), nil
	case strings.HasPrefix(kind, bodyAttachment):
		n, err := strconv.Atoi(strings.TrimPrefix(kind, bodyAttachment))
		if err != nil || n < 0 || n >= len(p.Attachments) {
			return nil, fmt.Errorf("wasm: part %q has no attachment %q", path, kind)
		}
		return p.Attachments[n].Data, nil
	}
	return nil, fmt.Errorf("wasm: unknown body kind %q", kind)
}

// close forgets document id.
func (d *mimeDocs) close(id int) {
	d.mu.Lock()
	delete(d.m, id)
	d.mu.Unlock()
}

// rangesJSON encodes ranges as [[start,end],...].
func rangesJSON(rs []mime.Range) string {
	var b strings.Builder
	b.Grow(len(rs)*16 + 2)
	b.WriteByte('[')
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(r.Start))
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(r.End))
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}
