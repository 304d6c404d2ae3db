package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
)

// mailboxDelim is the hierarchy delimiter announced in LIST.
const mailboxDelim = '/'

// maxMailboxName bounds a folder name, in bytes; deeper or longer names are
// refused rather than risk odd file names.
const maxMailboxName = 200

// validMailboxName checks a name a client wants to create.
func validMailboxName(name string) error {
	if name == "" || len(name) > maxMailboxName || !utf8.ValidString(name) {
		return errBadName
	}
	if strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return errBadName
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '*' || r == '%' {
			return errBadName
		}
	}
	return nil
}

// createMailbox makes a folder and any missing parents (RFC 9051 section
// 6.3.4). Special-use attributes come from CREATE-SPECIAL-USE (RFC 6154
// section 3).
func (s *Store) createMailbox(user, name string, special []imap.MailboxAttr) error {
	name = canonicalName(strings.TrimSuffix(name, string(mailboxDelim)))
	if err := validMailboxName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[user]
	if a.boxes[name] != nil {
		return ErrMailboxExists
	}
	parts := strings.Split(name, string(mailboxDelim))
	for i := 1; i < len(parts); i++ {
		parent := strings.Join(parts[:i], string(mailboxDelim))
		if a.boxes[parent] == nil {
			if _, err := s.createMailboxLocked(a, parent, nil); err != nil {
				return err
			}
		}
	}
	_, err := s.createMailboxLocked(a, name, special)
	return err
}

// deleteMailbox removes a folder and its messages. INBOX cannot be deleted
// and a folder with children is refused, as RFC 9051 section 6.3.5 allows.
func (s *Store) deleteMailbox(user, name string) error {
	name = canonicalName(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[user]
	mb := a.boxes[name]
	if mb == nil {
		return ErrNoMailbox
	}
	if name == "INBOX" {
		return fmt.Errorf("%w: INBOX cannot be deleted", errBadName)
	}
	if hasChildren(a, name) {
		return errHasChildren
	}
	s.expungeLocked(a, mb, func(*message) bool { return true })
	return s.deleteMailboxLocked(a, mb)
}

var errHasChildren = fmt.Errorf("%w: it has child folders", errBadName)

func hasChildren(a *account, name string) bool {
	prefix := name + string(mailboxDelim)
	for n := range a.boxes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// renameMailbox renames a folder and its children. Renaming INBOX moves
// its messages to the new folder and leaves INBOX empty (RFC 9051 section
// 6.3.6).
func (s *Store) renameMailbox(user, from, to string) error {
	from = canonicalName(from)
	to = canonicalName(strings.TrimSuffix(to, string(mailboxDelim)))
	if err := validMailboxName(to); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[user]
	src := a.boxes[from]
	if src == nil {
		return ErrNoMailbox
	}
	if a.boxes[to] != nil {
		return ErrMailboxExists
	}
	if to == from || strings.HasPrefix(to, from+string(mailboxDelim)) {
		return fmt.Errorf("%w: cannot rename a folder into itself", errBadName)
	}
	if from == "INBOX" {
		dst, err := s.createMailboxLocked(a, to, nil)
		if err != nil {
			return err
		}
		for _, m := range src.msgs {
			if _, err := s.appendLocked(a, dst, m.body, m.flags, m.date); err != nil {
				return err
			}
		}
		moved := map[*message]bool{}
		for _, m := range src.msgs {
			moved[m] = true
		}
		s.expungeLocked(a, src, func(m *message) bool { return moved[m] })
		return nil
	}
	// Parents of the new name, then the folder and its children.
	parts := strings.Split(to, string(mailboxDelim))
	for i := 1; i < len(parts); i++ {
		parent := strings.Join(parts[:i], string(mailboxDelim))
		if a.boxes[parent] == nil {
			if _, err := s.createMailboxLocked(a, parent, nil); err != nil {
				return err
			}
		}
	}
	var names []string
	for n := range a.boxes {
		if n == from || strings.HasPrefix(n, from+string(mailboxDelim)) {
			names = append(names, n)
		}
	}
	slices.Sort(names) // parents before children, so directories exist
	for _, n := range names {
		newName := to + strings.TrimPrefix(n, from)
		if a.boxes[newName] != nil {
			return ErrMailboxExists
		}
	}
	for _, n := range names {
		mb := a.boxes[n]
		newName := to + strings.TrimPrefix(n, from)
		if s.disk != nil {
			if err := s.disk.renameFolder(a.name, n, newName); err != nil {
				return err
			}
		}
		delete(a.boxes, n)
		mb.name = newName
		a.boxes[newName] = mb
	}
	return nil
}

// setSubscribed changes a folder's subscription (RFC 9051 section 6.3.7).
func (s *Store) setSubscribed(user, name string, on bool) error {
	name = canonicalName(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[user]
	mb := a.boxes[name]
	if mb == nil {
		return ErrNoMailbox
	}
	mb.subscribed = on
	if s.disk != nil {
		return s.disk.writeMeta(a.name, mb)
	}
	return nil
}
