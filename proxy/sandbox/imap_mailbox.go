package sandbox

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// List answers LIST and LSUB (RFC 9051 section 6.3.9, RFC 5258 for the
// extended forms, RFC 5819 for RETURN (STATUS)).
func (s *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		// LIST "" "": the hierarchy delimiter and root.
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: mailboxDelim})
	}
	s.store.mu.Lock()
	a := s.store.users[s.user]
	names := sortedNames(a)
	var out []imap.ListData
	for _, name := range names {
		mb := a.boxes[name]
		if !slices.ContainsFunc(patterns, func(p string) bool { return matchMailbox(name, ref, p) }) {
			continue
		}
		if options.SelectSubscribed && !mb.subscribed || options.SelectSpecialUse && len(mb.special) == 0 {
			continue
		}
		d := imap.ListData{Mailbox: name, Delim: mailboxDelim}
		if hasChildren(a, name) {
			d.Attrs = append(d.Attrs, imap.MailboxAttrHasChildren)
		} else {
			d.Attrs = append(d.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if mb.subscribed && (options.SelectSubscribed || options.ReturnSubscribed) {
			d.Attrs = append(d.Attrs, imap.MailboxAttrSubscribed)
		}
		// Special-use attributes are shown in every LIST, as RFC 6154
		// section 2 allows, so a plain LIST already teaches them.
		d.Attrs = append(d.Attrs, mb.special...)
		if options.ReturnStatus != nil {
			d.Status = statusLocked(mb, options.ReturnStatus, s.store.limits)
		}
		out = append(out, d)
	}
	s.store.mu.Unlock()
	for i := range out {
		if err := w.WriteList(&out[i]); err != nil {
			return err
		}
	}
	return nil
}

// sortedNames lists a user's folders, INBOX first.
func sortedNames(a *account) []string {
	names := make([]string, 0, len(a.boxes))
	for n := range a.boxes {
		names = append(names, n)
	}
	slices.SortFunc(names, func(x, y string) int {
		switch {
		case x == y:
			return 0
		case x == "INBOX":
			return -1
		case y == "INBOX":
			return 1
		}
		return strings.Compare(x, y)
	})
	return names
}

// matchMailbox applies a LIST reference and pattern (RFC 9051 section
// 6.3.9): "*" matches anything, "%" anything but the delimiter.
func matchMailbox(name, ref, pattern string) bool {
	if !strings.HasPrefix(pattern, string(mailboxDelim)) && ref != "" {
		if !strings.HasSuffix(ref, string(mailboxDelim)) {
			ref += string(mailboxDelim)
		}
		pattern = ref + pattern
	}
	// INBOX is case-insensitive, also as a pattern's first level.
	if len(pattern) >= 5 && strings.EqualFold(pattern[:5], "INBOX") && (len(pattern) == 5 || pattern[5] == mailboxDelim) {
		pattern = "INBOX" + pattern[5:]
	}
	return glob(name, pattern)
}

// glob matches with dynamic programming, so that patterns full of
// wildcards cost O(len(name)*len(pattern)), not exponential time.
func glob(name, pattern string) bool {
	prev := make([]bool, len(name)+1)
	cur := make([]bool, len(name)+1)
	prev[0] = true
	for j := 0; j < len(pattern); j++ {
		p := pattern[j]
		cur[0] = prev[0] && (p == '*' || p == '%')
		for i := 1; i <= len(name); i++ {
			c := name[i-1]
			switch p {
			case '*':
				cur[i] = prev[i] || cur[i-1]
			case '%':
				cur[i] = prev[i] || cur[i-1] && c != mailboxDelim
			default:
				cur[i] = prev[i-1] && c == p
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(name)]
}

// Status answers STATUS (RFC 9051 section 6.3.11).
func (s *imapSession) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	mb := s.store.users[s.user].boxes[canonicalName(name)]
	if mb == nil {
		return nil, imapError(ErrNoMailbox)
	}
	return statusLocked(mb, options, s.store.limits), nil
}

func statusLocked(mb *mailbox, o *imap.StatusOptions, l Limits) *imap.StatusData {
	d := &imap.StatusData{Mailbox: mb.name}
	var unseen, deleted uint32
	var size int64
	for _, m := range mb.msgs {
		if !hasFlag(m.flags, imap.FlagSeen) {
			unseen++
		}
		if hasFlag(m.flags, imap.FlagDeleted) {
			deleted++
		}
		size += int64(len(m.body))
	}
	n := uint32(len(mb.msgs))
	zero := uint32(0)
	limit := uint32(l.MaxMessageBytes)
	if o.NumMessages {
		d.NumMessages = &n
	}
	if o.UIDNext {
		d.UIDNext = mb.uidNext
	}
	if o.UIDValidity {
		d.UIDValidity = mb.uidValidity
	}
	if o.NumUnseen {
		d.NumUnseen = &unseen
	}
	if o.NumDeleted {
		d.NumDeleted = &deleted
	}
	if o.Size {
		d.Size = &size
	}
	if o.NumRecent {
		d.NumRecent = &zero // \Recent is not kept (it is gone in IMAP4rev2)
	}
	if o.AppendLimit {
		d.AppendLimit = &limit
	}
	return d
}

// creatableUses are the special uses CREATE may ask for; \All and
// \Flagged name virtual folders the sandbox does not make.
var creatableUses = []imap.MailboxAttr{imap.MailboxAttrArchive, imap.MailboxAttrDrafts, imap.MailboxAttrJunk, imap.MailboxAttrSent, imap.MailboxAttrTrash}

func (s *imapSession) Create(name string, options *imap.CreateOptions) error {
	var special []imap.MailboxAttr
	if options != nil {
		for _, u := range options.SpecialUse {
			i := slices.IndexFunc(creatableUses, func(c imap.MailboxAttr) bool { return strings.EqualFold(string(c), string(u)) })
			if i < 0 {
				return &imap.Error{Type: imap.StatusResponseTypeNo, Code: "USEATTR", Text: "The sandbox cannot create a " + string(u) + " folder (RFC 6154 section 3)"}
			}
			special = append(special, creatableUses[i])
		}
	}
	return imapError(s.store.createMailbox(s.user, name, special))
}

func (s *imapSession) Delete(name string) error {
	return imapError(s.store.deleteMailbox(s.user, name))
}

func (s *imapSession) Rename(from, to string, _ *imap.RenameOptions) error {
	return imapError(s.store.renameMailbox(s.user, from, to))
}

func (s *imapSession) Subscribe(name string) error {
	return imapError(s.store.setSubscribed(s.user, name, true))
}

func (s *imapSession) Unsubscribe(name string) error {
	return imapError(s.store.setSubscribed(s.user, name, false))
}

// Append stores a message sent with APPEND (RFC 9051 section 6.3.12) and
// answers with APPENDUID (RFC 4315).
func (s *imapSession) Append(name string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if r.Size() > s.store.limits.MaxMessageBytes {
		return nil, imapError(ErrTooBig)
	}
	body := make([]byte, r.Size())
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	a := s.store.users[s.user]
	mb := a.boxes[canonicalName(name)]
	if mb == nil {
		return nil, tryCreate
	}
	if err := s.store.checkRoomLocked(a, int64(len(body))); err != nil {
		return nil, imapError(err)
	}
	date := options.Time
	if date.IsZero() {
		date = s.store.now()
	}
	m, err := s.store.appendLocked(a, mb, body, options.Flags, date.Truncate(time.Second))
	if err != nil {
		return nil, imapError(err)
	}
	return &imap.AppendData{UIDValidity: mb.uidValidity, UID: m.uid}, nil
}
