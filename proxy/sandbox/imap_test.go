package sandbox

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// imapLogin connects with STARTTLS (go-imap's own client) and logs in.
func imapLogin(t *testing.T, sb *Sandbox, user string, h *imapclient.UnilateralDataHandler) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialStartTLS(addr(t, sb, "imap", "none"), &imapclient.Options{TLSConfig: clientTLS(t, sb), UnilateralDataHandler: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user+"@sandbox.test", user+"-password").Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func imapCode(err error) imap.ResponseCode {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie.Code
	}
	return ""
}

func TestIMAPSeededMailbox(t *testing.T) {
	sb := start(t)
	c := imapLogin(t, sb, "alice", nil)
	for _, cp := range []imap.Cap{imap.CapIMAP4rev2, imap.CapIdle, imap.CapMove, imap.CapUIDPlus, imap.CapSpecialUse, imap.CapListStatus, imap.CapNamespace, imap.CapUnselect, imap.CapLiteralPlus} {
		if !c.Caps().Has(cp) {
			t.Errorf("capability %s missing", cp)
		}
	}
	boxes, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true, ReturnStatus: &imap.StatusOptions{NumMessages: true}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range boxes {
		var attrs []string
		for _, a := range b.Attrs {
			attrs = append(attrs, string(a))
		}
		got[b.Mailbox] = strings.Join(attrs, " ")
		if b.Status == nil || b.Status.NumMessages == nil {
			t.Errorf("LIST RETURN (STATUS) missing for %s", b.Mailbox)
		}
	}
	want := map[string]string{"INBOX": `\HasNoChildren`, "Sent": `\HasNoChildren \Sent`, "Drafts": `\HasNoChildren \Drafts`, "Trash": `\HasNoChildren \Trash`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("LIST %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}

	sel, err := c.Select("inbox", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages != 4 || sel.UIDValidity == 0 || sel.UIDNext != 5 {
		t.Fatalf("SELECT INBOX = %+v", sel)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1, 2, 3, 4), &imap.FetchOptions{Envelope: true, Flags: true, BodyStructure: &imap.FetchItemBodyStructure{}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 4 {
		t.Fatalf("FETCH returned %d messages", len(msgs))
	}
	if mt := msgs[1].BodyStructure.MediaType(); mt != "multipart/alternative" {
		t.Errorf("message 2 is %s", mt)
	}
	if mp, ok := msgs[2].BodyStructure.(*imap.BodyStructureMultiPart); !ok || len(mp.Children) != 2 || mp.Children[1].MediaType() != "image/png" {
		t.Errorf("message 3 structure = %#v", msgs[2].BodyStructure)
	}
	if s := msgs[3].Envelope.Subject; s != "Café at 5? ☕ お茶をどうぞ" {
		t.Errorf("non-ASCII subject decodes to %q", s)
	}
	if n := msgs[3].Envelope.From[0].Name; n != "Zoë Ångström" {
		t.Errorf("non-ASCII From name decodes to %q", n)
	}
	// SEARCH answers with sequence numbers, not UIDs.
	res, err := c.Search(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if got := res.AllSeqNums(); !slices.Equal(got, []uint32{2, 3, 4}) {
		t.Errorf("SEARCH UNSEEN = %v, want [2 3 4]", got)
	}
	res, err = c.Search(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "lab notes"}}}, nil).Wait()
	if err != nil || !slices.Equal(res.AllSeqNums(), []uint32{2}) {
		t.Errorf("SEARCH SUBJECT = %v, %v", res, err)
	}
	res, err = c.Search(&imap.SearchCriteria{Body: []string{"dot-stuffing"}}, nil).Wait()
	if err != nil || !slices.Equal(res.AllSeqNums(), []uint32{2}) {
		t.Errorf("SEARCH BODY = %v, %v", res, err)
	}

	// A FETCH of BODY[] (not PEEK) sets \Seen and says so.
	fm, err := c.Fetch(imap.SeqSetNum(2), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(fm[0].Flags, imap.FlagSeen) {
		t.Errorf("FETCH BODY[] flags = %v, want \\Seen", fm[0].Flags)
	}
	if body := fm[0].FindBodySection(&imap.FetchItemBodySection{}); string(body) != string(sb.Store().Messages("alice")[1].Body) {
		t.Error("BODY[] differs from the stored bytes")
	}
}

func TestIMAPIdleSeesOtherProtocols(t *testing.T) {
	sb := start(t)
	exists := make(chan uint32, 10)
	expunged := make(chan uint32, 10)
	flags := make(chan []imap.Flag, 10)
	c := imapLogin(t, sb, "bob", &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
		Expunge: func(seq uint32) { expunged <- seq },
		Fetch: func(m *imapclient.FetchMessageData) {
			for item := m.Next(); item != nil; item = m.Next() {
				if f, ok := item.(imapclient.FetchItemDataFlags); ok {
					flags <- f.Flags
				}
			}
		},
	})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	wait := func(ch any, what string) any {
		t.Helper()
		switch ch := ch.(type) {
		case chan uint32:
			select {
			case v := <-ch:
				return v
			case <-time.After(10 * time.Second):
			}
		case chan []imap.Flag:
			select {
			case v := <-ch:
				return v
			case <-time.After(10 * time.Second):
			}
		}
		t.Fatalf("no %s while idling", what)
		return nil
	}
	// SMTP delivery shows up as EXISTS.
	if err := sendPlain(addr(t, sb, "smtp", "none"), "alice@sandbox.test", []string{"bob@sandbox.test"}, "Subject: ping\r\n\r\nping\r\n"); err != nil {
		t.Fatal(err)
	}
	if n := wait(exists, "EXISTS"); n != uint32(5) {
		t.Fatalf("EXISTS %v, want 5", n)
	}
	// Another IMAP session's STORE shows up as FETCH FLAGS.
	other := imapLogin(t, sb, "bob", nil)
	other.Select("INBOX", nil).Wait()
	if err := other.Store(imap.SeqSetNum(5), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if f := wait(flags, "FETCH FLAGS").([]imap.Flag); !slices.Contains(f, imap.FlagFlagged) {
		t.Fatalf("flags %v", f)
	}
	// POP3 DELE + QUIT shows up as EXPUNGE.
	w := dial(t, addr(t, sb, "pop3", "none"))
	for _, step := range [][2]string{{"", "+OK"}, {"USER bob", "+OK"}, {"PASS bob-password", "+OK"}, {"DELE 1", "+OK"}, {"QUIT", "+OK"}} {
		if step[0] != "" {
			w.send(step[0] + "\r\n")
		}
		if l := w.line(); !strings.HasPrefix(l, step[1]) {
			t.Fatalf("%s: %q", step[0], l)
		}
	}
	if seq := wait(expunged, "EXPUNGE"); seq != uint32(1) {
		t.Fatalf("EXPUNGE %v, want 1", seq)
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Store().Messages("bob")); n != 4 {
		t.Fatalf("bob has %d messages, want 4", n)
	}
}

func TestIMAPChangeCommands(t *testing.T) {
	sb := start(t)
	c := imapLogin(t, sb, "alice", nil)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	// APPEND answers APPENDUID with the next UID (RFC 4315).
	msg := "From: alice@sandbox.test\r\nSubject: appended\r\n\r\nappended\r\n"
	ap := c.Append("INBOX", int64(len(msg)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen, "$Label1"}})
	ap.Write([]byte(msg))
	ap.Close()
	ad, err := ap.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if ad.UID != sel.UIDNext || ad.UIDValidity != sel.UIDValidity {
		t.Fatalf("APPENDUID %+v, SELECT said UIDNEXT %d UIDVALIDITY %d", ad, sel.UIDNext, sel.UIDValidity)
	}
	if err := c.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	// UID MOVE answers COPYUID and expunges.
	md, err := c.Move(imap.UIDSetNum(ad.UID), "Trash").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if md.UIDValidity == 0 || md.SourceUIDs.String() != imap.UIDSetNum(ad.UID).String() {
		t.Fatalf("MOVE data %+v", md)
	}
	st, err := c.Status("Trash", &imap.StatusOptions{NumMessages: true, UIDNext: true}).Wait()
	if err != nil || *st.NumMessages != 1 {
		t.Fatalf("STATUS Trash = %+v, %v", st, err)
	}
	if n := c.Mailbox().NumMessages; n != 4 {
		t.Fatalf("INBOX has %d messages after MOVE, want 4", n)
	}
	trash := sb.Store().FolderMessages("alice", "Trash")
	if len(trash) != 1 || string(trash[0].Body) != msg || !slices.Contains(trash[0].Flags, "$Label1") {
		t.Fatalf("Trash = %+v", trash)
	}

	// COPY, then \Deleted and EXPUNGE in the copy's folder.
	if _, err := c.Copy(imap.SeqSetNum(1), "Drafts").Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("Drafts", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	seqs, err := c.Expunge().Collect()
	if err != nil || !slices.Equal(seqs, []uint32{2}) {
		t.Fatalf("EXPUNGE = %v, %v", seqs, err)
	}

	// Folders: hierarchy, special use, rename, delete.
	if err := c.Create("Projects/2026", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Archive", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrArchive}}).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Everything", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrAll}}).Wait(); imapCode(err) != "USEATTR" {
		t.Fatalf("CREATE \\All: %v, want NO [USEATTR]", err)
	}
	if err := c.Create("Sent", nil).Wait(); imapCode(err) != imap.ResponseCodeAlreadyExists {
		t.Fatalf("CREATE Sent: %v", err)
	}
	l, _ := c.List("", "%", nil).Collect()
	attrs := map[string][]imap.MailboxAttr{}
	for _, d := range l {
		attrs[d.Mailbox] = d.Attrs
	}
	if !slices.Contains(attrs["Projects"], imap.MailboxAttrHasChildren) || !slices.Contains(attrs["Archive"], imap.MailboxAttrArchive) || attrs["Projects/2026"] != nil {
		t.Fatalf("LIST %% = %v", attrs)
	}
	if err := c.Rename("Projects", "Old/Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("Old/Projects").Wait(); imapCode(err) != imap.ResponseCodeHasChildren {
		t.Fatalf("DELETE with children: %v", err)
	}
	for _, n := range []string{"Old/Projects/2026", "Old/Projects"} {
		if err := c.Delete(n).Wait(); err != nil {
			t.Fatalf("DELETE %s: %v", n, err)
		}
	}
	if err := c.Delete("INBOX").Wait(); err == nil {
		t.Fatal("DELETE INBOX succeeded")
	}

	// Errors with response codes.
	if _, err := c.Select("Nope", nil).Wait(); imapCode(err) != imap.ResponseCodeNonExistent {
		t.Fatalf("SELECT Nope: %v", err)
	}
	ap = c.Append("Nope", 3, nil)
	ap.Write([]byte("x\r\n"))
	ap.Close()
	if _, err := ap.Wait(); imapCode(err) != imap.ResponseCodeTryCreate {
		t.Fatalf("APPEND to a missing folder: %v, want NO [TRYCREATE]", err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); imapCode(err) != "READ-ONLY" {
		t.Fatalf("STORE after EXAMINE: %v, want NO [READ-ONLY]", err)
	}
	if _, err := c.UIDExpunge(imap.UIDSetNum(1)).Collect(); imapCode(err) != "READ-ONLY" {
		t.Fatalf("UID EXPUNGE after EXAMINE: %v, want NO [READ-ONLY]", err)
	}
	if err := c.UnselectAndExpunge().Wait(); err != nil { // CLOSE after EXAMINE: OK, nothing removed
		t.Fatalf("CLOSE after EXAMINE: %v", err)
	}
}
