package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailwire/mailwire/proxy/sandbox/pop3"
)

// maildir persists the store in the Maildir layout (one file per message
// in cur/ or new/, written through tmp/; folders as Maildir++ ".Name"
// subdirectories), under DIR/mail/USER/. Beside the standard layout each
// folder has a small "mailwire-folder" file with its UIDVALIDITY, next
// UID, special use and subscription, and each file name carries its UID
// as ",U=n" so that UIDs (and POP3 UIDLs) survive a restart.
//
// Flags are kept in the file name's info part (":2,FRS", from the Maildir
// specification); keywords live in memory only. Writes are not fsynced:
// the sandbox survives a restart, not a power cut.
type maildir struct {
	root string
	seq  atomic.Uint64
}

const folderMeta = "mailwire-folder"

func (d *maildir) userRoot(user string) string { return filepath.Join(d.root, user) }

func (d *maildir) folderDir(user, name string) string {
	if name == "INBOX" {
		return d.userRoot(user)
	}
	return filepath.Join(d.userRoot(user), "."+encodeFolder(name))
}

func (d *maildir) createFolder(user string, mb *mailbox) error {
	dir := d.folderDir(user, mb.name)
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("sandbox: maildir: %w", err)
		}
	}
	return d.writeMeta(user, mb)
}

func (d *maildir) removeFolder(user, name string) error {
	if name == "INBOX" {
		return nil
	}
	if err := os.RemoveAll(d.folderDir(user, name)); err != nil {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	return nil
}

func (d *maildir) renameFolder(user, from, to string) error {
	if err := os.Rename(d.folderDir(user, from), d.folderDir(user, to)); err != nil {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	return nil
}

func (d *maildir) writeMeta(user string, mb *mailbox) error {
	var b strings.Builder
	fmt.Fprintf(&b, "uidvalidity %d\nuidnext %d\nsubscribed %t\n", mb.uidValidity, mb.uidNext, mb.subscribed)
	for _, a := range mb.special {
		fmt.Fprintf(&b, "special %s\n", a)
	}
	return writeFileAtomic(filepath.Join(d.folderDir(user, mb.name), folderMeta), []byte(b.String()))
}

// writeMessage writes m through tmp/ into new/ (or cur/ when it has
// flags), then records the next UID.
func (d *maildir) writeMessage(user string, mb *mailbox, m *message) error {
	dir := d.folderDir(user, mb.name)
	base := fmt.Sprintf("%d.M%dP%dQ%d.mailwire,U=%d,S=%d", m.date.Unix(), m.date.Nanosecond()/1000, os.Getpid(), d.seq.Add(1), m.uid, len(m.body))
	tmp := filepath.Join(dir, "tmp", base)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	_, err = f.Write(m.body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chtimes(tmp, m.date, m.date)
	}
	rel := messagePath(base, m.flags)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, rel))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	m.file = rel
	next := *mb
	next.uidNext = m.uid + 1
	if err := d.writeMeta(user, &next); err != nil {
		os.Remove(filepath.Join(dir, rel))
		return err
	}
	return nil
}

func (d *maildir) removeMessage(user string, mb *mailbox, m *message) error {
	err := os.Remove(filepath.Join(d.folderDir(user, mb.name), m.file))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	return nil
}

func (d *maildir) setFlags(user string, mb *mailbox, m *message, flags []imap.Flag) error {
	base, _, _ := strings.Cut(filepath.Base(m.file), ":")
	rel := filepath.Join("cur", base+":2,"+flagLetters(flags))
	if rel == m.file {
		return nil
	}
	dir := d.folderDir(user, mb.name)
	if err := os.Rename(filepath.Join(dir, m.file), filepath.Join(dir, rel)); err != nil {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	m.file = rel
	return nil
}

// messagePath is where a message with these flags lives: new/ for a
// message no one has touched, cur/ with an info part otherwise.
func messagePath(base string, flags []imap.Flag) string {
	if len(flags) == 0 {
		return filepath.Join("new", base)
	}
	return filepath.Join("cur", base+":2,"+flagLetters(flags))
}

// Maildir info letters, in ASCII order as the specification asks.
var maildirFlags = []struct {
	letter byte
	flag   imap.Flag
}{
	{'D', imap.FlagDraft}, {'F', imap.FlagFlagged}, {'R', imap.FlagAnswered}, {'S', imap.FlagSeen}, {'T', imap.FlagDeleted},
}

func flagLetters(flags []imap.Flag) string {
	var b []byte
	for _, mf := range maildirFlags {
		if hasFlag(flags, mf.flag) {
			b = append(b, mf.letter)
		}
	}
	return string(b)
}

func lettersFlags(info string) []imap.Flag {
	var out []imap.Flag
	for _, mf := range maildirFlags {
		if strings.IndexByte(info, mf.letter) >= 0 {
			out = append(out, mf.flag)
		}
	}
	return out
}

// loadUser reads a user's folders. found is false when the user has no
// Maildir yet.
func (d *maildir) loadUser(user string, newValidity func() uint32) (boxes map[string]*mailbox, found bool, err error) {
	root := d.userRoot(user)
	if _, err := os.Stat(filepath.Join(root, "cur")); errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	boxes = map[string]*mailbox{}
	mb, err := d.loadFolder(user, "INBOX", newValidity)
	if err != nil {
		return nil, true, err
	}
	boxes["INBOX"] = mb
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, true, fmt.Errorf("sandbox: maildir: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".") || e.Name() == "." || e.Name() == ".." {
			continue
		}
		name, ok := decodeFolder(e.Name()[1:])
		if !ok || validMailboxName(name) != nil {
			continue
		}
		name = canonicalName(name)
		if boxes[name] != nil {
			continue
		}
		mb, err := d.loadFolder(user, name, newValidity)
		if err != nil {
			return nil, true, err
		}
		boxes[name] = mb
	}
	return boxes, true, nil
}

func (d *maildir) loadFolder(user, name string, newValidity func() uint32) (*mailbox, error) {
	dir := d.folderDir(user, name)
	mb := &mailbox{name: name, uidNext: 1, subscribed: true}
	if b, err := os.ReadFile(filepath.Join(dir, folderMeta)); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), " ")
			switch k {
			case "uidvalidity":
				n, _ := strconv.ParseUint(v, 10, 32)
				mb.uidValidity = uint32(n)
			case "uidnext":
				n, _ := strconv.ParseUint(v, 10, 32)
				mb.uidNext = imap.UID(max(n, 1))
			case "subscribed":
				mb.subscribed = v == "true"
			case "special":
				mb.special = append(mb.special, imap.MailboxAttr(v))
			}
		}
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: maildir: %w", err)
		}
	}
	// Files left in tmp/ are deliveries that never finished.
	if tmps, err := os.ReadDir(filepath.Join(dir, "tmp")); err == nil {
		for _, e := range tmps {
			os.Remove(filepath.Join(dir, "tmp", e.Name()))
		}
	}
	var known, unknown []*message
	seen := map[imap.UID]bool{}
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return nil, fmt.Errorf("sandbox: maildir: %w", err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			rel := filepath.Join(sub, e.Name())
			body, err := os.ReadFile(filepath.Join(dir, rel))
			if err != nil {
				return nil, fmt.Errorf("sandbox: maildir: %w", err)
			}
			date := time.Now()
			if info, err := e.Info(); err == nil {
				date = info.ModTime()
			}
			base, info, _ := strings.Cut(e.Name(), ":")
			m := &message{body: body, date: date, file: rel, pop3Size: pop3.WireSize(body)}
			if flags, ok := strings.CutPrefix(info, "2,"); ok {
				m.flags = canonicalFlags(lettersFlags(flags))
			}
			if uid := uidFromName(base); uid != 0 && !seen[uid] {
				m.uid = uid
				seen[uid] = true
				known = append(known, m)
			} else {
				unknown = append(unknown, m)
			}
		}
	}
	slices.SortFunc(known, func(a, b *message) int { return int(a.uid) - int(b.uid) })
	if n := len(known); n > 0 && known[n-1].uid >= mb.uidNext {
		mb.uidNext = known[n-1].uid + 1
	}
	if mb.uidValidity == 0 {
		mb.uidValidity = newValidity()
	}
	// Files dropped in by hand get the next UIDs, oldest first, and a name
	// that records them.
	slices.SortFunc(unknown, func(a, b *message) int { return a.date.Compare(b.date) })
	for _, m := range unknown {
		m.uid = mb.uidNext
		mb.uidNext++
		base, info, hasInfo := strings.Cut(filepath.Base(m.file), ":")
		base = fmt.Sprintf("%s,U=%d", base, m.uid)
		if hasInfo {
			base += ":" + info
		}
		rel := filepath.Join(filepath.Dir(m.file), base)
		if err := os.Rename(filepath.Join(dir, m.file), filepath.Join(dir, rel)); err != nil {
			return nil, fmt.Errorf("sandbox: maildir: %w", err)
		}
		m.file = rel
		known = append(known, m)
	}
	mb.msgs = known
	mb.tracker = imapserver.NewMailboxTracker(uint32(len(known)))
	if err := d.writeMeta(user, mb); err != nil {
		return nil, err
	}
	return mb, nil
}

// uidFromName reads the ",U=n" field of a Maildir base name.
func uidFromName(base string) imap.UID {
	for _, f := range strings.Split(base, ",")[1:] {
		if v, ok := strings.CutPrefix(f, "U="); ok {
			n, err := strconv.ParseUint(v, 10, 32)
			if err == nil {
				return imap.UID(n)
			}
		}
	}
	return 0
}

// encodeFolder turns a mailbox name into a Maildir++ directory name: the
// hierarchy delimiter "/" becomes ".", and bytes that are not safe in a
// file name (".", "%", "/", controls) are written %XX.
func encodeFolder(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			b.WriteByte('.')
		case c == '.' || c == '%' || c < 0x20 || c == 0x7f || c == '\\' || c == ':':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func decodeFolder(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '.':
			b.WriteByte('/')
		case '%':
			if i+2 >= len(s) {
				return "", false
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			b.WriteByte(byte(n))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sandbox: maildir: %w", err)
	}
	return nil
}
