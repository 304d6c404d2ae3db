package sandbox

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailwire/mailwire/proxy/sandbox/pop3"
)

// Store errors. The protocol front ends turn them into their own codes
// (SMTP 552 5.2.2, IMAP NO [OVERQUOTA], ...).
var (
	ErrOverQuota     = errors.New("sandbox: mailbox over quota")
	ErrStoreFull     = errors.New("sandbox: store full")
	ErrTooBig        = errors.New("sandbox: message too big")
	ErrNoMailbox     = errors.New("sandbox: no such mailbox")
	ErrMailboxExists = errors.New("sandbox: mailbox already exists")
	ErrNoUser        = errors.New("sandbox: no such user")
	errBadName       = errors.New("sandbox: invalid mailbox name")
)

// User is a sandbox account. Name is the login ("alice"); the address is
// Name@domain and logging in with it works too.
type User struct {
	Name     string
	Password string
}

// DemoUsers are the accounts a sandbox has unless told otherwise.
func DemoUsers(domain string) []User {
	return []User{{Name: "alice", Password: "alice-password"}, {Name: "bob", Password: "bob-password"}}
}

// Message is a copy of one stored message, for callers outside the
// protocols (tests, tools).
type Message struct {
	UID      uint32
	Body     []byte
	Flags    []string
	Received time.Time
}

// Limits bound what the store holds. Zero fields take the defaults.
type Limits struct {
	MaxMessageBytes int64 // one message; announced as SIZE and APPENDLIMIT
	QuotaBytes      int64 // all of one user's folders together
	MaxStoreBytes   int64 // everything in the store
}

// Default limits: generous for a class, small enough for a laptop.
const (
	DefaultMaxMessageBytes = 25 << 20
	DefaultQuotaBytes      = 100 << 20
	DefaultMaxStoreBytes   = 512 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if l.QuotaBytes <= 0 {
		l.QuotaBytes = DefaultQuotaBytes
	}
	if l.MaxStoreBytes <= 0 {
		l.MaxStoreBytes = DefaultMaxStoreBytes
	}
	return l
}

// Store holds every user's folders: one set of messages behind SMTP, IMAP
// and POP3. All state is guarded by one mutex; message bodies are
// immutable once stored, so readers use them without the lock.
type Store struct {
	mu       sync.Mutex
	domain   string
	limits   Limits
	users    map[string]*account
	total    int64
	disk     *maildir // nil: memory only
	validity uint32   // last UIDVALIDITY handed out
	now      func() time.Time
}

type account struct {
	name, password string
	boxes          map[string]*mailbox // by canonical name
	used           int64
	pop3Locked     bool
}

// mailbox is one folder. Its tracker tells the IMAP sessions that have it
// selected about changes (EXISTS, EXPUNGE, FETCH FLAGS); every change to
// msgs is reported to it in the same critical section.
type mailbox struct {
	name        string
	special     []imap.MailboxAttr
	subscribed  bool
	uidValidity uint32
	uidNext     imap.UID
	msgs        []*message
	tracker     *imapserver.MailboxTracker
	watchers    map[chan struct{}]bool // IDLE sessions to wake on a change
	gone        bool                   // deleted; sessions that still hold it see it frozen
}

// notifyLocked wakes the sessions idling on mb after a change was queued
// on its tracker.
func (mb *mailbox) notifyLocked() {
	for ch := range mb.watchers {
		select {
		case ch <- struct{}{}:
		default: // already woken
		}
	}
}

type message struct {
	uid      imap.UID
	body     []byte // immutable
	date     time.Time
	flags    []imap.Flag // canonical, sorted; guarded by Store.mu
	file     string      // Maildir base name, "" in memory
	pop3Size int64
}

// NewStore returns an empty in-memory store for the given users.
func NewStore(domain string, users []User) *Store {
	s := newStore(domain, users, Limits{})
	for _, a := range s.users {
		s.ensureDefaultsLocked(a)
	}
	return s
}

func newStore(domain string, users []User, l Limits) *Store {
	s := &Store{domain: domain, limits: l.withDefaults(), users: map[string]*account{}, now: time.Now}
	s.validity = uint32(s.now().Unix())
	for _, u := range users {
		n := strings.ToLower(u.Name)
		s.users[n] = &account{name: n, password: u.Password, boxes: map[string]*mailbox{}}
	}
	return s
}

// Domain is the mail domain the store accepts mail for.
func (s *Store) Domain() string { return s.domain }

// Limits returns the store's limits.
func (s *Store) Limits() Limits { return s.limits }

// Users lists the account names, sorted.
func (s *Store) Users() []string {
	var names []string
	for n := range s.users {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// UserFor maps an address or login ("alice", "alice@sandbox.test") to its
// account name.
func (s *Store) UserFor(addr string) (string, bool) {
	name, domain, hasAt := strings.Cut(addr, "@")
	if hasAt && !strings.EqualFold(domain, s.domain) {
		return "", false
	}
	name = strings.ToLower(name)
	_, ok := s.users[name]
	return name, ok
}

// Authenticate checks a login (name or full address) and password.
func (s *Store) Authenticate(login, password string) (string, bool) {
	name, ok := s.UserFor(login)
	if !ok {
		// Compare anyway so that timing does not tell which users exist.
		subtle.ConstantTimeCompare([]byte(password), []byte("\x00no-such-user"))
		return "", false
	}
	a := s.users[name]
	if subtle.ConstantTimeCompare([]byte(password), []byte(a.password)) != 1 {
		return "", false
	}
	return name, true
}

// Deliver stores one message in the INBOX of every named user, all or
// nothing: a quota or store limit refuses the whole delivery.
func (s *Store) Deliver(users []string, body []byte) error {
	if int64(len(body)) > s.limits.MaxMessageBytes {
		return ErrTooBig
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var accts []*account
	for _, u := range users {
		a := s.users[u]
		if a == nil {
			return fmt.Errorf("%w: %s", ErrNoUser, u)
		}
		if !slices.Contains(accts, a) {
			accts = append(accts, a)
		}
	}
	n := int64(len(body))
	for _, a := range accts {
		if a.used+n > s.limits.QuotaBytes {
			return fmt.Errorf("%w: %s", ErrOverQuota, a.name)
		}
	}
	if s.total+n*int64(len(accts)) > s.limits.MaxStoreBytes {
		return ErrStoreFull
	}
	now := s.now()
	var done []*message
	for _, a := range accts {
		m, err := s.appendLocked(a, s.inboxLocked(a), body, nil, now)
		if err != nil {
			// Undo the recipients already written: nothing half-stored.
			for i, d := range done {
				s.expungeLocked(accts[i], s.inboxLocked(accts[i]), func(m *message) bool { return m == d })
			}
			return err
		}
		done = append(done, m)
	}
	return nil
}

// Messages returns copies of the messages in the user's INBOX.
func (s *Store) Messages(user string) []Message {
	return s.FolderMessages(user, "INBOX")
}

// FolderMessages returns copies of the messages in one of the user's
// folders.
func (s *Store) FolderMessages(user, folder string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[user]
	if a == nil {
		return nil
	}
	mb := a.boxes[canonicalName(folder)]
	if mb == nil {
		return nil
	}
	out := make([]Message, 0, len(mb.msgs))
	for _, m := range mb.msgs {
		var fl []string
		for _, f := range m.flags {
			fl = append(fl, string(f))
		}
		out = append(out, Message{UID: uint32(m.uid), Body: m.body, Flags: fl, Received: m.date})
	}
	return out
}

// Reset empties every folder, removes the ones users created and puts the
// demo messages back. IMAP sessions see the change as EXPUNGE and EXISTS.
func (s *Store) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range s.Users() {
		a := s.users[name]
		for key, mb := range a.boxes {
			s.expungeLocked(a, mb, func(*message) bool { return true })
			if !isDefaultFolder(key) {
				if err := s.deleteMailboxLocked(a, mb); err != nil {
					return err
				}
			}
		}
		if err := s.ensureDefaultsLocked(a); err != nil {
			return err
		}
		if err := s.seedLocked(a); err != nil {
			return err
		}
	}
	return nil
}

// clear drops every message without reseeding (benchmarks).
func (s *Store) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.users {
		for _, mb := range a.boxes {
			s.expungeLocked(a, mb, func(*message) bool { return true })
		}
	}
}

// inboxLocked returns the user's INBOX, creating it if needed.
func (s *Store) inboxLocked(a *account) *mailbox {
	mb := a.boxes["INBOX"]
	if mb == nil {
		mb, _ = s.createMailboxLocked(a, "INBOX", nil)
	}
	return mb
}

// nextValidityLocked hands out a new UIDVALIDITY, always larger than any
// before it, so a deleted and re-created folder never reuses one (RFC 9051
// section 2.3.1.1).
func (s *Store) nextValidityLocked() uint32 {
	now := uint32(s.now().Unix())
	if now > s.validity {
		s.validity = now
	} else {
		s.validity++
	}
	return s.validity
}

// createMailboxLocked adds a folder (persisting it first when on disk).
func (s *Store) createMailboxLocked(a *account, name string, special []imap.MailboxAttr) (*mailbox, error) {
	key := canonicalName(name)
	if a.boxes[key] != nil {
		return nil, ErrMailboxExists
	}
	mb := &mailbox{name: key, special: special, subscribed: true, uidValidity: s.nextValidityLocked(), uidNext: 1, tracker: imapserver.NewMailboxTracker(0)}
	if s.disk != nil {
		if err := s.disk.createFolder(a.name, mb); err != nil {
			return nil, err
		}
	}
	a.boxes[key] = mb
	return mb, nil
}

func (s *Store) deleteMailboxLocked(a *account, mb *mailbox) error {
	if s.disk != nil {
		if err := s.disk.removeFolder(a.name, mb.name); err != nil {
			return err
		}
	}
	for _, m := range mb.msgs {
		a.used -= int64(len(m.body))
		s.total -= int64(len(m.body))
	}
	delete(a.boxes, mb.name)
	mb.gone = true
	return nil
}

// appendLocked adds a message at the end of mb with the next UID.
func (s *Store) appendLocked(a *account, mb *mailbox, body []byte, flags []imap.Flag, date time.Time) (*message, error) {
	if mb.gone {
		return nil, ErrNoMailbox
	}
	m := &message{uid: mb.uidNext, body: body, date: date, flags: canonicalFlags(flags), pop3Size: pop3.WireSize(body)}
	if s.disk != nil {
		if err := s.disk.writeMessage(a.name, mb, m); err != nil {
			return nil, err
		}
	}
	mb.uidNext++
	mb.msgs = append(mb.msgs, m)
	// One EXISTS per message: the tracker's sequence-number mapping
	// expects single steps.
	mb.tracker.QueueNumMessages(uint32(len(mb.msgs)))
	mb.notifyLocked()
	a.used += int64(len(body))
	s.total += int64(len(body))
	return m, nil
}

// checkRoomLocked reports whether n more bytes fit the user's quota and
// the store.
func (s *Store) checkRoomLocked(a *account, n int64) error {
	if n > s.limits.MaxMessageBytes {
		return ErrTooBig
	}
	if a.used+n > s.limits.QuotaBytes {
		return ErrOverQuota
	}
	if s.total+n > s.limits.MaxStoreBytes {
		return ErrStoreFull
	}
	return nil
}

// expungeLocked removes the messages for which drop is true, highest
// sequence number first, and tells the trackers. It returns the UIDs
// removed, in ascending order. A message whose file cannot be removed
// stays.
func (s *Store) expungeLocked(a *account, mb *mailbox, drop func(*message) bool) []imap.UID {
	var uids []imap.UID
	for i := len(mb.msgs) - 1; i >= 0; i-- {
		m := mb.msgs[i]
		if !drop(m) {
			continue
		}
		if s.disk != nil && !mb.gone {
			if err := s.disk.removeMessage(a.name, mb, m); err != nil {
				continue
			}
		}
		mb.msgs = slices.Delete(mb.msgs, i, i+1)
		mb.tracker.QueueExpunge(uint32(i + 1))
		a.used -= int64(len(m.body))
		s.total -= int64(len(m.body))
		uids = append(uids, m.uid)
	}
	if len(uids) > 0 {
		mb.notifyLocked()
	}
	slices.Reverse(uids)
	return uids
}

// setFlagsLocked replaces a message's flags (renaming its file on disk).
func (s *Store) setFlagsLocked(a *account, mb *mailbox, m *message, flags []imap.Flag) error {
	flags = canonicalFlags(flags)
	if slices.Equal(flags, m.flags) {
		return nil
	}
	if s.disk != nil && !mb.gone {
		if err := s.disk.setFlags(a.name, mb, m, flags); err != nil {
			return err
		}
	}
	m.flags = flags
	return nil
}

// Default folders, with their special use (RFC 6154).
var defaultFolders = []struct {
	name    string
	special imap.MailboxAttr
}{
	{"INBOX", ""},
	{"Sent", imap.MailboxAttrSent},
	{"Drafts", imap.MailboxAttrDrafts},
	{"Trash", imap.MailboxAttrTrash},
}

func isDefaultFolder(key string) bool {
	for _, f := range defaultFolders {
		if f.name == key {
			return true
		}
	}
	return false
}

func (s *Store) ensureDefaultsLocked(a *account) error {
	for _, f := range defaultFolders {
		if a.boxes[f.name] != nil {
			continue
		}
		var special []imap.MailboxAttr
		if f.special != "" {
			special = []imap.MailboxAttr{f.special}
		}
		if _, err := s.createMailboxLocked(a, f.name, special); err != nil {
			return err
		}
	}
	return nil
}

// seedLocked puts the demo messages in a's folders.
func (s *Store) seedLocked(a *account) error {
	for _, sm := range seedMessages(a.name, s.domain, s.now()) {
		mb := a.boxes[sm.folder]
		if mb == nil {
			continue
		}
		if _, err := s.appendLocked(a, mb, sm.body, sm.flags, sm.date); err != nil {
			return err
		}
	}
	return nil
}

// canonicalName spells INBOX in upper case, however it was typed, also as
// the first level of a hierarchical name (RFC 9051 section 5.1).
func canonicalName(name string) string {
	if strings.EqualFold(name, "INBOX") {
		return "INBOX"
	}
	if len(name) > 6 && strings.EqualFold(name[:6], "INBOX/") {
		return "INBOX/" + name[6:]
	}
	return name
}

// systemFlags are the flags of RFC 9051 section 2.3.2, in their usual
// spelling.
var systemFlags = []imap.Flag{imap.FlagAnswered, imap.FlagDeleted, imap.FlagDraft, imap.FlagFlagged, imap.FlagSeen}

// canonicalFlags spells system flags the usual way, drops duplicates
// (flags compare case-insensitively) and \Recent (which clients cannot
// set), and sorts.
func canonicalFlags(in []imap.Flag) []imap.Flag {
	var out []imap.Flag
	for _, f := range in {
		if strings.EqualFold(string(f), `\Recent`) {
			continue
		}
		for _, sf := range systemFlags {
			if strings.EqualFold(string(f), string(sf)) {
				f = sf
			}
		}
		if !slices.ContainsFunc(out, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) }) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	return slices.ContainsFunc(flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}
