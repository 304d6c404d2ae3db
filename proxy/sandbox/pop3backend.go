package sandbox

import (
	"bytes"
	"fmt"
	"io"

	"github.com/mailwire/mailwire/proxy/sandbox/pop3"
)

// pop3Backend serves each user's INBOX as the POP3 maildrop.
type pop3Backend struct{ store *Store }

func (b pop3Backend) Login(username, password string) (pop3.Maildrop, error) {
	st := b.store
	name, ok := st.Authenticate(username, password)
	if !ok {
		return nil, pop3.ErrAuthFailed
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	a := st.users[name]
	if a.pop3Locked {
		return nil, pop3.ErrInUse
	}
	a.pop3Locked = true
	mb := st.inboxLocked(a)
	d := &maildrop{store: st, acct: a, mb: mb, msgs: append([]*message(nil), mb.msgs...)}
	for _, m := range d.msgs {
		// UIDVALIDITY and UID together never repeat: a stable UIDL (RFC
		// 1939 section 7), the same scheme Dovecot uses.
		d.info = append(d.info, pop3.MessageInfo{Size: m.pop3Size, UID: fmt.Sprintf("%08x%08x", mb.uidValidity, uint32(m.uid))})
	}
	return d, nil
}

// maildrop is a POP3 session's snapshot of an INBOX. Messages that arrive
// during the session are not in it (RFC 1939 numbers messages once); ones
// IMAP expunges meanwhile can still be read, as their bytes never change.
type maildrop struct {
	store *Store
	acct  *account
	mb    *mailbox
	msgs  []*message
	info  []pop3.MessageInfo
}

func (d *maildrop) Messages() []pop3.MessageInfo { return d.info }

func (d *maildrop) Open(i int) (io.Reader, error) { return bytes.NewReader(d.msgs[i].body), nil }

func (d *maildrop) Delete(idx []int) error {
	del := map[*message]bool{}
	for _, i := range idx {
		del[d.msgs[i]] = true
	}
	d.store.mu.Lock()
	defer d.store.mu.Unlock()
	d.store.expungeLocked(d.acct, d.mb, func(m *message) bool { return del[m] })
	for _, m := range d.mb.msgs {
		if del[m] {
			return fmt.Errorf("sandbox: pop3: message %d could not be removed", m.uid)
		}
	}
	return nil
}

func (d *maildrop) Close() error {
	d.store.mu.Lock()
	d.acct.pop3Locked = false
	d.store.mu.Unlock()
	return nil
}
