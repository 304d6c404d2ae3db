package sandbox

import (
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// Store answers STORE and UID STORE (RFC 9051 section 6.4.6).
func (s *imapSession) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, _ *imap.StoreOptions) error {
	if s.sel.readOnly {
		return errReadOnly
	}
	_, byUID := numSet.(imap.UIDSet)
	type result struct {
		seq   uint32
		uid   imap.UID
		flags []imap.Flag
	}
	var out []result
	st := s.store
	st.mu.Lock()
	v := s.sel
	for _, i := range v.resolve(numSet) {
		m := v.mb.msgs[i]
		next := applyStore(m.flags, flags)
		if !slices.Equal(canonicalFlags(next), m.flags) {
			if err := st.setFlagsLocked(v.acct, v.mb, m, next); err != nil {
				st.mu.Unlock()
				return imapError(err)
			}
			v.mb.tracker.QueueMessageFlags(uint32(i+1), m.uid, m.flags, v.tracker)
			v.mb.notifyLocked()
		}
		out = append(out, result{v.clientSeq(i), m.uid, append([]imap.Flag{}, m.flags...)})
	}
	st.mu.Unlock()
	if flags.Silent {
		return nil
	}
	for _, r := range out {
		rw := w.CreateMessage(r.seq)
		if byUID {
			rw.WriteUID(r.uid)
		}
		rw.WriteFlags(r.flags)
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}

// applyStore computes FLAGS, +FLAGS or -FLAGS.
func applyStore(cur []imap.Flag, op *imap.StoreFlags) []imap.Flag {
	switch op.Op {
	case imap.StoreFlagsSet:
		return slices.Clone(op.Flags)
	case imap.StoreFlagsAdd:
		return append(slices.Clone(cur), op.Flags...)
	case imap.StoreFlagsDel:
		return slices.DeleteFunc(slices.Clone(cur), func(f imap.Flag) bool {
			return slices.ContainsFunc(op.Flags, func(d imap.Flag) bool { return strings.EqualFold(string(d), string(f)) })
		})
	}
	return cur
}

// Expunge removes the messages flagged \Deleted, or only those among uids
// for UID EXPUNGE (RFC 4315 section 2.1). The EXPUNGE responses reach this
// session through the tracker, like everyone else's, when go-imap polls
// after the command.
//
// In a mailbox opened with EXAMINE nothing is removed. go-imap calls this
// for CLOSE too, which RFC 9051 section 6.4.2 says must then succeed
// quietly, and EXPUNGE cannot be told apart from it; UID EXPUNGE gets NO
// [READ-ONLY].
func (s *imapSession) Expunge(_ *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	if s.sel.readOnly {
		if uids != nil {
			return errReadOnly
		}
		return nil
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	v := s.sel
	st.expungeLocked(v.acct, v.mb, func(m *message) bool {
		return hasFlag(m.flags, imap.FlagDeleted) && (uids == nil || uids.Contains(m.uid))
	})
	return nil
}

// Copy answers COPY and UID COPY with COPYUID (RFC 4315 section 3).
func (s *imapSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	data, _, err := s.copyLocked(numSet, dest)
	return data, err
}

// copyLocked appends the named messages to dest and returns COPYUID data
// (nil when nothing matched) and the source messages.
func (s *imapSession) copyLocked(numSet imap.NumSet, dest string) (*imap.CopyData, []*message, error) {
	st := s.store
	v := s.sel
	dst := v.acct.boxes[canonicalName(dest)]
	if dst == nil {
		return nil, nil, tryCreate
	}
	idx := v.resolve(numSet)
	if len(idx) == 0 {
		return nil, nil, nil
	}
	var size int64
	var src []*message
	for _, i := range idx {
		size += int64(len(v.mb.msgs[i].body))
		src = append(src, v.mb.msgs[i])
	}
	if v.acct.used+size > st.limits.QuotaBytes {
		return nil, nil, imapError(ErrOverQuota)
	}
	if st.total+size > st.limits.MaxStoreBytes {
		return nil, nil, imapError(ErrStoreFull)
	}
	data := &imap.CopyData{UIDValidity: dst.uidValidity}
	for _, m := range src {
		c, err := st.appendLocked(v.acct, dst, m.body, m.flags, m.date)
		if err != nil {
			return nil, nil, imapError(err)
		}
		data.SourceUIDs.AddNum(m.uid)
		data.DestUIDs.AddNum(c.uid)
	}
	return data, src, nil
}

// Move answers MOVE and UID MOVE (RFC 6851): copy, then expunge the
// originals. COPYUID goes out first; the EXPUNGEs follow with the poll
// after the command.
func (s *imapSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if s.sel.readOnly {
		return errReadOnly
	}
	st := s.store
	st.mu.Lock()
	v := s.sel
	if v.acct.boxes[canonicalName(dest)] == v.mb {
		st.mu.Unlock()
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "Source and destination are the same mailbox"}
	}
	data, src, err := s.copyLocked(numSet, dest)
	if err == nil && len(src) > 0 {
		moved := map[*message]bool{}
		for _, m := range src {
			moved[m] = true
		}
		st.expungeLocked(v.acct, v.mb, func(m *message) bool { return moved[m] })
	}
	st.mu.Unlock()
	if err != nil || data == nil {
		return err
	}
	return w.WriteCopyData(data)
}
