package sandbox

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Search answers SEARCH and UID SEARCH (RFC 9051 section 6.4.4), with
// ESEARCH results (RFC 4731) and SAVE (RFC 5182). Results are sequence
// numbers as the client knows them, or UIDs for UID SEARCH.
func (s *imapSession) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	v := s.sel
	c := v.staticCriteria(*criteria)
	var data imap.SearchData
	var seqs imap.SeqSet
	var uids imap.UIDSet
	for i, m := range v.mb.msgs {
		seq := v.clientSeq(i)
		if seq == 0 || !matchMessage(m, seq, &c) {
			continue
		}
		uids.AddNum(m.uid)
		num := seq
		if kind == imapserver.NumKindUID {
			num = uint32(m.uid)
		} else {
			seqs.AddNum(seq)
		}
		if data.Min == 0 || num < data.Min {
			data.Min = num
		}
		if num > data.Max {
			data.Max = num
		}
		data.Count++
	}
	if kind == imapserver.NumKindUID {
		data.All = uids
	} else {
		data.All = seqs
	}
	if options.ReturnSave {
		v.searchRes = uids
	}
	return &data, nil
}

// staticCriteria resolves "*" and "$" in the criteria's sets.
func (v *view) staticCriteria(c imap.SearchCriteria) imap.SearchCriteria {
	var seqs []imap.SeqSet
	var uids []imap.UIDSet
	for _, set := range c.SeqNum {
		if imap.IsSearchRes(set) {
			uids = append(uids, v.searchRes)
			continue
		}
		seqs = append(seqs, v.staticSeq(set))
	}
	for _, set := range c.UID {
		if imap.IsSearchRes(set) {
			uids = append(uids, v.searchRes)
			continue
		}
		uids = append(uids, v.staticUID(set))
	}
	c.SeqNum, c.UID = seqs, uids
	not := make([]imap.SearchCriteria, len(c.Not))
	for i := range c.Not {
		not[i] = v.staticCriteria(c.Not[i])
	}
	c.Not = not
	or := make([][2]imap.SearchCriteria, len(c.Or))
	for i := range c.Or {
		or[i] = [2]imap.SearchCriteria{v.staticCriteria(c.Or[i][0]), v.staticCriteria(c.Or[i][1])}
	}
	c.Or = or
	return c
}

// matchMessage evaluates search criteria (adapted from go-imap's
// imapmemserver).
func matchMessage(m *message, seq uint32, c *imap.SearchCriteria) bool {
	for _, set := range c.SeqNum {
		if !set.Contains(seq) {
			return false
		}
	}
	for _, set := range c.UID {
		if !set.Contains(m.uid) {
			return false
		}
	}
	if !matchDate(m.date, c.Since, c.Before) {
		return false
	}
	for _, f := range c.Flag {
		if !hasFlag(m.flags, f) {
			return false
		}
	}
	for _, f := range c.NotFlag {
		if hasFlag(m.flags, f) {
			return false
		}
	}
	size := int64(len(m.body))
	if c.Larger != 0 && size <= c.Larger || c.Smaller != 0 && size >= c.Smaller {
		return false
	}
	if len(c.Header) > 0 || !c.SentSince.IsZero() || !c.SentBefore.IsZero() {
		e, _ := gomessage.Read(bytes.NewReader(m.body))
		if e == nil {
			return false
		}
		h := mail.Header{Header: e.Header}
		for _, hc := range c.Header {
			if !matchFields(h.FieldsByKey(hc.Key), hc.Value) {
				return false
			}
		}
		if !c.SentSince.IsZero() || !c.SentBefore.IsZero() {
			t, err := h.Date()
			if err != nil || !matchDate(t, c.SentSince, c.SentBefore) {
				return false
			}
		}
	}
	for _, text := range c.Text {
		if !matchEntity(m.body, text, true) {
			return false
		}
	}
	for _, text := range c.Body {
		if !matchEntity(m.body, text, false) {
			return false
		}
	}
	for i := range c.Not {
		if matchMessage(m, seq, &c.Not[i]) {
			return false
		}
	}
	for i := range c.Or {
		if !matchMessage(m, seq, &c.Or[i][0]) && !matchMessage(m, seq, &c.Or[i][1]) {
			return false
		}
	}
	return true
}

// matchDate compares dates only, ignoring time and zone (RFC 9051 section
// 6.4.4, SINCE and BEFORE).
func matchDate(t, since, before time.Time) bool {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if !since.IsZero() && t.Before(since) {
		return false
	}
	if !before.IsZero() && !t.Before(before) {
		return false
	}
	return true
}

func matchFields(fields gomessage.HeaderFields, pattern string) bool {
	if pattern == "" {
		return fields.Len() > 0
	}
	pattern = strings.ToLower(pattern)
	for fields.Next() {
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		if strings.Contains(strings.ToLower(v), pattern) {
			return true
		}
	}
	return false
}

// matchEntity searches the decoded text parts, and the header too for TEXT.
func matchEntity(body []byte, pattern string, header bool) bool {
	e, _ := gomessage.Read(bytes.NewReader(body))
	if e == nil {
		return false
	}
	return matchPart(e, strings.ToLower(pattern), header, 0)
}

// maxSearchDepth bounds MIME nesting while searching, so a hostile
// message cannot exhaust the stack.
const maxSearchDepth = 20

func matchPart(e *gomessage.Entity, pattern string, header bool, depth int) bool {
	if pattern == "" {
		return true
	}
	if header && matchFields(e.Header.Fields(), pattern) {
		return true
	}
	if depth > maxSearchDepth {
		return false
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err != nil {
				return false
			}
			if matchPart(p, pattern, header, depth+1) {
				return true
			}
		}
	}
	t, _, _ := e.Header.ContentType()
	if t != "" && !strings.HasPrefix(t, "text/") && !strings.HasPrefix(t, "message/") {
		return false
	}
	b, err := io.ReadAll(e.Body)
	if err != nil && len(b) == 0 {
		return false
	}
	return bytes.Contains(bytes.ToLower(b), []byte(pattern))
}
