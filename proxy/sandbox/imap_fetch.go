package sandbox

import (
	"bufio"
	"bytes"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-message/textproto"
)

// Fetch answers FETCH and UID FETCH (RFC 9051 section 6.4.5). The state
// needed is copied under the store lock; the responses, which may carry
// megabytes, are written after it is released.
func (s *imapSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	markSeen := false
	for _, bs := range options.BodySection {
		markSeen = markSeen || !bs.Peek
	}
	for _, bs := range options.BinarySection {
		markSeen = markSeen || !bs.Peek
	}
	type item struct {
		seq     uint32
		m       *message
		flags   []imap.Flag
		changed bool
	}
	var items []item
	st := s.store
	st.mu.Lock()
	v := s.sel
	markSeen = markSeen && !v.readOnly
	for _, i := range v.resolve(numSet) {
		m := v.mb.msgs[i]
		it := item{seq: v.clientSeq(i), m: m}
		if markSeen && !hasFlag(m.flags, imap.FlagSeen) {
			// Fetching a body sets \Seen (RFC 9051 section 6.4.5); the
			// new flags go into this response and to other sessions.
			if err := st.setFlagsLocked(v.acct, v.mb, m, append(append([]imap.Flag{}, m.flags...), imap.FlagSeen)); err == nil {
				v.mb.tracker.QueueMessageFlags(uint32(i+1), m.uid, m.flags, v.tracker)
				v.mb.notifyLocked()
				it.changed = true
			}
		}
		it.flags = append([]imap.Flag{}, m.flags...)
		items = append(items, it)
	}
	st.mu.Unlock()

	for _, it := range items {
		m := it.m
		rw := w.CreateMessage(it.seq)
		if options.UID {
			rw.WriteUID(m.uid)
		}
		if options.Flags || it.changed {
			rw.WriteFlags(it.flags)
		}
		if options.InternalDate {
			rw.WriteInternalDate(m.date)
		}
		if options.RFC822Size {
			rw.WriteRFC822Size(int64(len(m.body)))
		}
		if options.Envelope {
			rw.WriteEnvelope(envelope(m.body))
		}
		if options.BodyStructure != nil {
			rw.WriteBodyStructure(imapserver.ExtractBodyStructure(bytes.NewReader(m.body)))
		}
		for _, bs := range options.BodySection {
			b := bodySection(m.body, bs)
			if err := writeLiteral(rw.WriteBodySection(bs, int64(len(b))), b); err != nil {
				rw.Close() // releases the connection's writer
				return err
			}
		}
		for _, bs := range options.BinarySection {
			b := imapserver.ExtractBinarySection(bytes.NewReader(m.body), bs)
			if err := writeLiteral(rw.WriteBinarySection(bs, int64(len(b))), b); err != nil {
				rw.Close()
				return err
			}
		}
		for _, bs := range options.BinarySectionSize {
			rw.WriteBinarySectionSize(bs, imapserver.ExtractBinarySectionSize(bytes.NewReader(m.body), bs))
		}
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}

func writeLiteral(wc io.WriteCloser, b []byte) error {
	_, err := wc.Write(b)
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}

// envelope parses the header for FETCH ENVELOPE.
func envelope(body []byte) *imap.Envelope {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body)))
	if err != nil {
		return nil
	}
	return imapserver.ExtractEnvelope(h)
}

// bodySection extracts BODY[section]. The whole message, its header and
// its text are cut from the stored bytes directly, so that BODY[] is
// byte-for-byte what SMTP received; deeper sections go through go-imap's
// MIME walker.
func bodySection(body []byte, bs *imap.FetchItemBodySection) []byte {
	if len(bs.Part) == 0 && len(bs.HeaderFields) == 0 && len(bs.HeaderFieldsNot) == 0 {
		end := headerEnd(body)
		switch bs.Specifier {
		case imap.PartSpecifierNone:
			return partial(body, bs.Partial)
		case imap.PartSpecifierHeader:
			return partial(body[:end], bs.Partial)
		case imap.PartSpecifierText:
			return partial(body[end:], bs.Partial)
		}
	}
	return imapserver.ExtractBodySection(bytes.NewReader(body), bs)
}

// headerEnd is the offset just past the empty line that ends the header
// (RFC 5322 section 2.1), or len(body) if there is none.
func headerEnd(body []byte) int {
	if bytes.HasPrefix(body, []byte("\r\n")) {
		return 2
	}
	if bytes.HasPrefix(body, []byte("\n")) {
		return 1
	}
	if i := bytes.Index(body, []byte("\r\n\r\n")); i >= 0 {
		if j := bytes.Index(body[:i], []byte("\n\n")); j >= 0 {
			return j + 2
		}
		return i + 4
	}
	if j := bytes.Index(body, []byte("\n\n")); j >= 0 {
		return j + 2
	}
	return len(body)
}

func partial(b []byte, p *imap.SectionPartial) []byte {
	if p == nil {
		return b
	}
	if p.Offset >= int64(len(b)) || p.Offset < 0 {
		return nil
	}
	end := p.Offset + p.Size
	if end > int64(len(b)) || p.Size < 0 {
		end = int64(len(b))
	}
	return b[p.Offset:end]
}
