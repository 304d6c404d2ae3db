package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// TestPersistence: with Dir set, mailboxes, UIDs, UIDVALIDITY, flags,
// folders, POP3 UIDLs and the CA survive a restart, in Maildir layout.
func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }

	sb := New(Config{Host: "127.0.0.1", Dir: dir})
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	ca := string(sb.CAPEM())
	msg := "Subject: keep me\r\n\r\nstill here after a restart\r\n"
	if err := sendPlain(addr(t, sb, "smtp", "none"), "bob@sandbox.test", []string{"alice@sandbox.test"}, msg); err != nil {
		t.Fatal(err)
	}
	c := imapLogin(t, sb, "alice", nil)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(5), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagAnswered, imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Class/Week 1.notes", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Copy(imap.SeqSetNum(5), "Class/Week 1.notes").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Unsubscribe("Trash").Wait(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait()
	var pop1 pyMailbox
	python(t, sb, &pop1, "pop3", "--port", port(t, sb, "Sandbox POP3"))
	sb.Close()

	// The Maildir layout: INBOX in cur/new, folders as .Name directories.
	news, _ := filepath.Glob(filepath.Join(dir, "mail", "alice", "new", "*"))
	curs, _ := filepath.Glob(filepath.Join(dir, "mail", "alice", "cur", "*:2,FR"))
	if len(curs) != 1 || len(news) != 2 { // seeds 2 and 3 are untouched; 1 and 4 have flags
		t.Fatalf("Maildir files: new %v, cur with FR %v", news, curs)
	}
	if _, err := os.Stat(filepath.Join(dir, "mail", "alice", ".Class.Week 1%2Enotes", "cur")); err != nil {
		t.Fatalf("folder directory: %v", err)
	}

	sb2 := start(t, withDir)
	if string(sb2.CAPEM()) != ca {
		t.Error("the CA changed across a restart")
	}
	c = imapLogin(t, sb2, "alice", nil)
	sel2, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel2.UIDValidity != sel.UIDValidity || sel2.UIDNext != 6 || sel2.NumMessages != 5 {
		t.Fatalf("after restart SELECT = %+v, before %+v", sel2, sel)
	}
	m, err := c.Fetch(imap.UIDSetNum(5), &imap.FetchOptions{Flags: true, UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(m) != 1 {
		t.Fatalf("UID FETCH 5: %v %v", m, err)
	}
	if string(m[0].FindBodySection(&imap.FetchItemBodySection{Peek: true})) != msg || !slices.Contains(m[0].Flags, imap.FlagFlagged) || !slices.Contains(m[0].Flags, imap.FlagAnswered) {
		t.Fatalf("after restart: flags %v body %q", m[0].Flags, m[0].FindBodySection(&imap.FetchItemBodySection{Peek: true}))
	}
	l, _ := c.List("", "*", &imap.ListOptions{ReturnSubscribed: true}).Collect()
	var names []string
	for _, d := range l {
		names = append(names, d.Mailbox)
		if d.Mailbox == "Trash" && slices.Contains(d.Attrs, imap.MailboxAttrSubscribed) {
			t.Error("Trash is subscribed again after a restart")
		}
	}
	if !slices.Contains(names, "Class/Week 1.notes") {
		t.Fatalf("folders after restart: %v", names)
	}
	if got := sb2.Store().FolderMessages("alice", "Class/Week 1.notes"); len(got) != 1 || string(got[0].Body) != msg {
		t.Fatalf("copied message after restart: %+v", got)
	}
	var pop2 pyMailbox
	python(t, sb2, &pop2, "pop3", "--port", port(t, sb2, "Sandbox POP3"))
	if !slices.EqualFunc(pop1.Messages, pop2.Messages, func(a, b pyMessage) bool { return a.UIDL == b.UIDL && a.SHA256 == b.SHA256 }) {
		t.Fatalf("UIDLs changed across a restart:\n%v\n%v", pop1.Messages, pop2.Messages)
	}

	// A file dropped into new/ by hand gets the next UID.
	drop := filepath.Join(dir, "mail", "bob", "new", "1700000000.handmade.host")
	os.WriteFile(drop, []byte("Subject: by hand\r\n\r\nhi\r\n"), 0o600)
	sb2.Close()
	sb3 := start(t, withDir)
	got := sb3.Store().Messages("bob")
	if last := got[len(got)-1]; !strings.Contains(string(last.Body), "by hand") || last.UID != 5 {
		t.Fatalf("hand-dropped message: %+v", last)
	}
	// Reset on disk: back to the seeds, user folders gone.
	if err := sb3.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := len(sb3.Store().Messages("alice")); n != 4 {
		t.Fatalf("after reset alice has %d messages", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "mail", "alice", ".Class.Week 1%2Enotes")); !os.IsNotExist(err) {
		t.Fatalf("user folder still on disk after reset: %v", err)
	}
}
