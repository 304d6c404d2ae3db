package sandbox

import (
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// view is one session's selected mailbox. Its tracker queues what other
// sessions changed until the next poll, and maps between the server's
// sequence numbers and the ones this client knows.
type view struct {
	acct      *account
	mb        *mailbox
	tracker   *imapserver.SessionTracker
	readOnly  bool
	searchRes imap.UIDSet // saved by SEARCH RETURN (SAVE), used as "$"
}

// Select opens a mailbox (RFC 9051 sections 6.3.2 and 6.3.3 for EXAMINE).
func (s *imapSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	s.unselect()
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	a := s.store.users[s.user]
	mb := a.boxes[canonicalName(name)]
	if mb == nil {
		return nil, imapError(ErrNoMailbox)
	}
	s.sel = &view{acct: a, mb: mb, tracker: mb.tracker.NewSession(), readOnly: options.ReadOnly}
	flags := slices.Clone(systemFlags)
	var firstUnseen uint32
	for i, m := range mb.msgs {
		for _, f := range m.flags {
			if !hasFlag(flags, f) {
				flags = append(flags, f)
			}
		}
		if firstUnseen == 0 && !hasFlag(m.flags, imap.FlagSeen) {
			firstUnseen = uint32(i + 1)
		}
	}
	perm := slices.Clone(flags)
	if s.store.disk == nil {
		// In memory any keyword lasts as long as the message. On disk
		// only the system flags fit in a Maildir file name.
		perm = append(perm, imap.FlagWildcard)
	} else {
		perm = slices.Clone(systemFlags)
	}
	return &imap.SelectData{
		Flags:             flags,
		PermanentFlags:    perm,
		NumMessages:       uint32(len(mb.msgs)),
		FirstUnseenSeqNum: firstUnseen,
		UIDNext:           mb.uidNext,
		UIDValidity:       mb.uidValidity,
	}, nil
}

func (s *imapSession) Unselect() error {
	s.unselect()
	return nil
}

func (s *imapSession) unselect() {
	if s.sel != nil {
		s.sel.tracker.Close()
		s.sel = nil
	}
}

// Poll sends what changed since the last command (EXISTS, EXPUNGE, FETCH
// FLAGS). go-imap calls it after each command, without EXPUNGE after
// FETCH, STORE and SEARCH (RFC 9051 section 7.5.1).
func (s *imapSession) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if s.sel == nil {
		return nil
	}
	return s.sel.tracker.Poll(w, allowExpunge)
}

// Idle streams changes until DONE (RFC 2177). It registers for wake-ups
// before its first poll, so a change made while IDLE was starting is not
// left waiting for the next one; all polls run in this goroutine, so the
// updates go out in order.
func (s *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	v := s.sel
	if v == nil {
		<-stop
		return nil
	}
	wake := make(chan struct{}, 1)
	s.store.mu.Lock()
	if v.mb.watchers == nil {
		v.mb.watchers = map[chan struct{}]bool{}
	}
	v.mb.watchers[wake] = true
	s.store.mu.Unlock()
	defer func() {
		s.store.mu.Lock()
		delete(v.mb.watchers, wake)
		s.store.mu.Unlock()
	}()
	for {
		if err := v.tracker.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-wake:
		case <-stop:
			return nil
		}
	}
}

// clientSeq is the sequence number the client knows message i (0-based)
// by, or 0 if it has not been told of the message yet. Store.mu held.
func (v *view) clientSeq(i int) uint32 {
	return v.tracker.EncodeSeqNum(uint32(i + 1))
}

// resolve returns the indexes of the messages a sequence set or UID set
// names, in mailbox order, skipping messages the client has not been told
// about. "*" is the last message the client knows; "$" is the saved
// search result (RFC 5182). Store.mu held.
func (v *view) resolve(numSet imap.NumSet) []int {
	if imap.IsSearchRes(numSet) {
		numSet = v.searchRes
	}
	msgs := v.mb.msgs
	var idx []int
	switch set := numSet.(type) {
	case imap.SeqSet:
		set = v.staticSeq(set)
		for i := range msgs {
			if cs := v.clientSeq(i); cs != 0 && set.Contains(cs) {
				idx = append(idx, i)
			}
		}
	case imap.UIDSet:
		set = v.staticUID(set)
		for i, m := range msgs {
			if set.Contains(m.uid) && v.clientSeq(i) != 0 {
				idx = append(idx, i)
			}
		}
	}
	return idx
}

func (v *view) maxClientSeq() uint32 {
	for i := len(v.mb.msgs) - 1; i >= 0; i-- {
		if cs := v.clientSeq(i); cs != 0 {
			return cs
		}
	}
	return 0
}

func (v *view) staticSeq(set imap.SeqSet) imap.SeqSet {
	set = slices.Clone(set)
	max := v.maxClientSeq()
	for i := range set {
		staticRange(&set[i].Start, &set[i].Stop, max)
	}
	return set
}

func (v *view) staticUID(set imap.UIDSet) imap.UIDSet {
	set = slices.Clone(set)
	max := uint32(v.mb.uidNext) - 1
	if n := len(v.mb.msgs); n > 0 {
		max = uint32(v.mb.msgs[n-1].uid)
	}
	for i := range set {
		staticRange((*uint32)(&set[i].Start), (*uint32)(&set[i].Stop), max)
	}
	return set
}

// staticRange replaces "*" (stored as 0) by max; "n:*" with n above max
// still includes max (RFC 9051 section 9, seq-range).
func staticRange(start, stop *uint32, max uint32) {
	dyn := false
	if *start == 0 {
		*start, dyn = max, true
	}
	if *stop == 0 {
		*stop, dyn = max, true
	}
	if dyn && *start > *stop {
		*start, *stop = *stop, *start
	}
}
