package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/mailwire/mailwire/core/mime/mimetest"
	"github.com/mailwire/mailwire/proxy/internal/browsertest"
)

// The MIME explorer's browser flows: paste, select, see the bytes; open and
// drop files; download a part; HTML with remote references loads nothing.

// testMessage is a multipart message: an HTML body with a cid: image and
// remote references (to remote, when set), and a base64 attachment.
type testMessage struct {
	raw        string
	attachment []byte // data.bin, decoded
}

func makeMessage(remote string) testMessage {
	r := rand.New(rand.NewPCG(3, 4))
	att := make([]byte, 300)
	for i := range att {
		att[i] = byte(r.Uint32())
	}
	img := image.NewRGBA(image.Rect(0, 0, 60, 60))
	for y := 0; y < 60; y++ {
		for x := 0; x < 60; x++ {
			img.Set(x, y, color.RGBA{220, 20, 20, 255})
		}
	}
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, img)
	html := `<html><body style="margin:0"><img id="logo" src="cid:logo@example.com" width="60" height="60">`
	if remote != "" {
		html += `<img src="` + remote + `/pixel.png"><div style="background:url(` + remote + `/bg.png)">x</div>` +
			`<img srcset="` + remote + `/2x.png 2x"><link rel="stylesheet" href="` + remote + `/style.css">`
	}
	html += "</body></html>"
	msg := "Received: from mx.example.org (mx.example.org [192.0.2.2])\r\n" +
		"\tby mail.example.net with ESMTPS id 4AB12; Mon, 2 Jan 2006 15:05:00 -0700\r\n" +
		"Received: from [192.0.2.9] by mx.example.org with ESMTPSA id x7; Mon, 2 Jan 2006 15:04:09 -0700\r\n" +
		"From: =?iso-8859-1?q?J=FCrgen?= <j@example.com>\r\n" +
		"To: Bob <bob@example.net>\r\n" +
		"Subject: Explorer test\r\n" +
		"Date: Mon, 2 Jan 2006 15:04:05 -0700\r\n" +
		"Message-ID: <explorer@example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
		"\r\n" +
		"This is a multipart message.\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/related; boundary=\"rel\"\r\n" +
		"\r\n" +
		"--rel\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"\r\n" +
		html + "\r\n" +
		"--rel\r\n" +
		"Content-Type: image/png\r\n" +
		"Content-ID: <logo@example.com>\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		wrap76(base64.StdEncoding.EncodeToString(pngBuf.Bytes())) +
		"--rel--\r\n" +
		"--outer\r\n" +
		"Content-Type: application/octet-stream; name=\"data.bin\"\r\n" +
		"Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		wrap76(base64.StdEncoding.EncodeToString(att)) +
		"--outer--\r\n"
	return testMessage{raw: msg, attachment: att}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

// openExplorer loads the page and switches to the message explorer.
func openExplorer(t *testing.T) *browsertest.Env {
	t.Helper()
	env := browsertest.Start(t, browsertest.Options{})
	env.WaitReady(t)
	if err := chromedp.Do(env.Ctx,
		chromedp.Click(chromedp.ID("nav-message")),
		chromedp.WaitVisible(chromedp.ID("mime-file"), chromedp.NodeReady),
	); err != nil {
		t.Fatalf("explorer: %v\npage: %s", err, env.Text(t, "body"))
	}
	return env
}

// paste puts msg into the paste box and presses Explore; it waits for the tree.
func paste(t *testing.T, env *browsertest.Env, msg string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const ta = document.querySelector("#mime-paste");
		ta.value = %s;
		ta.dispatchEvent(new Event("input", {bubbles: true}));
	})()`, jsString(msg))
	if err := chromedp.Do(env.Ctx,
		// With a message open the paste box is behind "Paste a message…".
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#mime-paste") || document.querySelector("#mime-paste-toggle").click()`),
		chromedp.WaitVisible(chromedp.ID("mime-paste")),
		chromedp.Evaluate[chromedp.Void](js),
		chromedp.Poll[chromedp.Void](`!document.querySelector("#mime-explore").disabled`),
		chromedp.Click(chromedp.ID("mime-explore")),
		chromedp.WaitVisible(chromedp.CSS(`#mime-tree .tree-row[data-path=""]`)),
		// The new message is in once its root is selected and nothing is
		// busy; the tree of a message open before stays visible until then.
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-tree .tree-row.selected")?.dataset.path === "" && !document.querySelector("#mime-busy")`),
	); err != nil {
		t.Fatalf("paste: %v\npage: %s", err, env.Text(t, "body"))
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func selectPart(t *testing.T, env *browsertest.Env, path string) {
	t.Helper()
	if err := chromedp.Do(env.Ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#mime-tree .tree-row[data-path=%q]`, path))),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector("#mime-tree .tree-row.selected")?.dataset.path === %q`, path)),
	); err != nil {
		t.Fatalf("select %q: %v", path, err)
	}
}

func awaitPromise(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }

// rendered returns the raw view's pieces in the DOM: offset, length, highlighted.
type piece struct {
	O, N int
	Part bool
}

func rawPieces(t *testing.T, env *browsertest.Env) []piece {
	t.Helper()
	ps, err := chromedp.Run(env.Ctx, chromedp.Evaluate[[]piece](`[...document.querySelectorAll("#mime-raw [data-o]")].map(e => ({O: +e.dataset.o, N: +e.dataset.n, Part: e.classList.contains("hl-part")}))`))
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestMIMEPasteSelectHighlight pastes a multipart message, selects a part
// in the tree and expects exactly its bytes highlighted in the raw view;
// then clicks a byte in the raw view and expects its part selected.
func TestMIMEPasteSelectHighlight(t *testing.T) {
	env := openExplorer(t)
	m := makeMessage("")
	paste(t, env, m.raw)

	tree := env.Text(t, "#mime-tree")
	for _, want := range []string{"multipart/mixed", "multipart/related", "text/html", "image/png", "data.bin", "base64"} {
		if !strings.Contains(tree, want) {
			t.Errorf("tree lacks %q: %s", want, tree)
		}
	}
	// The root's details: decoded From, the Received timeline oldest first.
	details := env.Text(t, "#mime-details")
	for _, want := range []string{"Jürgen <j@example.com>", "RFC 5322 §3.6.2", "mx.example.org", "mail.example.net", "+51 s"} {
		if !strings.Contains(details, want) {
			t.Errorf("root details lack %q:\n%s", want, details)
		}
	}

	selectPart(t, env, "2")
	start := strings.Index(m.raw, "Content-Type: application/octet-stream")
	end := strings.Index(m.raw, "\r\n--outer--")
	if err := chromedp.Do(env.Ctx, chromedp.Poll[chromedp.Void](`document.querySelector("#mime-raw .hl-part") !== null`)); err != nil {
		t.Fatal(err)
	}
	ps := rawPieces(t, env)
	lo, hi := 1<<30, 0
	for _, p := range ps {
		lo, hi = min(lo, p.O), max(hi, p.O+p.N)
		in := p.O >= start && p.O+p.N <= end
		if p.Part != in {
			t.Errorf("piece @%d+%d highlighted=%v, want %v (part 2 is %d-%d)", p.O, p.N, p.Part, in, start, end)
		}
	}
	if lo > start || hi < end {
		t.Errorf("raw view shows %d-%d, not the whole of part 2 (%d-%d)", lo, hi, start, end)
	}
	// The raw view scrolled to the part: its first byte is inside the view.
	inView, err := chromedp.Run(env.Ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const e = document.querySelector('#mime-raw [data-o="%d"]');
		const v = document.querySelector("#mime-raw").getBoundingClientRect();
		const r = e && e.getBoundingClientRect();
		return !!r && r.top >= v.top && r.bottom <= v.bottom;
	})()`, start)))
	if err != nil || !inView {
		t.Errorf("the first byte of part 2 (%d) is not in view in the raw view (%v)", start, err)
	}
	if got := env.Text(t, "#mime-details h2"); !strings.Contains(got, "application/octet-stream") || !strings.Contains(got, "data.bin") {
		t.Errorf("details title %q", got)
	}
	env.Screenshot(t, "mime-select-part")

	// A click on a byte of the HTML part's Content-Type field selects that
	// part and points out the field.
	target := strings.Index(m.raw, "Content-Type: text/html") + 5
	clickByte(t, env, target)
	if err := chromedp.Do(env.Ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-tree .tree-row.selected")?.dataset.path === "1.1"`, chromedp.WithPollingTimeout(5*time.Second)),
	); err != nil {
		sel := env.Text(t, "#mime-tree .tree-row.selected")
		t.Fatalf("clicking byte %d did not select part 1.1 (selected: %q): %v", target, sel, err)
	}
	if got := env.Text(t, "#mime-headers .field.active .field-name"); got != "Content-Type" {
		t.Errorf("active field %q, want Content-Type", got)
	}
	// A click on a boundary line selects the multipart that owns it.
	clickByte(t, env, strings.Index(m.raw, "--rel--")+2)
	if err := chromedp.Do(env.Ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-tree .tree-row.selected")?.dataset.path === "1"`, chromedp.WithPollingTimeout(5*time.Second)),
	); err != nil {
		t.Errorf("clicking the close delimiter of the related part did not select part 1: %v", err)
	}
}

// clickByte scrolls the raw view to the byte and clicks its character.
func clickByte(t *testing.T, env *browsertest.Env, off int) {
	t.Helper()
	find := fmt.Sprintf(`(() => {
		const e = [...document.querySelectorAll("#mime-raw [data-o]")].find(e => +e.dataset.o <= %[1]d && %[1]d < +e.dataset.o + +e.dataset.n);
		if (!e) {
			// Not rendered: scroll the raw view towards it.
			const el = document.querySelector("#mime-raw");
			const first = +el.querySelector("[data-o]").dataset.o;
			el.scrollTop += (%[1]d < first ? -1 : 1) * el.clientHeight / 2;
			return null;
		}
		e.scrollIntoView({block: "center"});
		const r = e.getBoundingClientRect();
		const w = r.width / (+e.dataset.n);
		const p = {X: r.left + (%[1]d - e.dataset.o + 0.5) * w, Y: r.top + r.height / 2};
		const hit = document.elementFromPoint(p.X, p.Y);
		return hit === e || e.contains(hit) ? p : null;
	})()`, off)
	type pt struct{ X, Y float64 }
	var p *pt
	for i := 0; i < 50 && p == nil; i++ {
		var err error
		if p, err = chromedp.Run(env.Ctx, chromedp.Evaluate[*pt](find)); err != nil {
			t.Fatal(err)
		}
		if p == nil {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if p == nil {
		t.Fatalf("byte %d never appeared in the raw view", off)
	}
	if err := chromedp.Do(env.Ctx, chromedp.MouseClickXY(p.X, p.Y)); err != nil {
		t.Fatal(err)
	}
}

// TestMIMEOpenAndDropFiles opens an mbox through the file input, picks its
// second message, then drops a file built in the page on the explorer.
func TestMIMEOpenAndDropFiles(t *testing.T) {
	env := openExplorer(t)
	mbox := "From alice@example.com Mon Jan  2 15:04:05 2006\n" +
		"From: alice@example.com\nSubject: first of two\n\nhello\n\n" +
		"From bob@example.com Mon Jan  2 15:05:05 2006\n" +
		"From: bob@example.com\nSubject: second of two\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nplain\n--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\n"
	file := filepath.Join(t.TempDir(), "two.mbox")
	if err := os.WriteFile(file, []byte(mbox), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(env.Ctx,
		chromedp.SetUploadFiles(chromedp.ID("mime-file"), []string{file}, chromedp.NodeReady),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#mime-mbox li").length === 2`),
	); err != nil {
		t.Fatalf("open: %v\npage: %s", err, env.Text(t, "body"))
	}
	if s := env.Text(t, "#mime-summary"); !strings.Contains(s, "first of two") || !strings.Contains(s, "two.mbox") || !strings.Contains(s, "message 1 of 2") {
		t.Errorf("summary %q", s)
	}
	if err := chromedp.Do(env.Ctx,
		chromedp.Click(chromedp.CSS(`#mime-mbox button[data-index="1"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-summary")?.textContent.includes("second of two")`),
	); err != nil {
		t.Fatalf("pick message 2: %v\npage: %s", err, env.Text(t, "body"))
	}
	if tree := env.Text(t, "#mime-tree"); !strings.Contains(tree, "multipart/alternative") || !strings.Contains(tree, "text/html") {
		t.Errorf("tree of message 2: %q", tree)
	}

	// A drop with a DataTransfer holding a File, as a browser makes it.
	dropped := "From: carol@example.com\r\nSubject: dropped here\r\n\r\nbody\r\n"
	js := fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%s], "dropped.eml", {type: "message/rfc822"}));
		const v = document.querySelector("#mime-view");
		for (const type of ["dragenter", "dragover", "drop"]) {
			v.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
		}
	})()`, jsString(dropped))
	if err := chromedp.Do(env.Ctx,
		chromedp.Evaluate[chromedp.Void](js),
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-summary")?.textContent.includes("dropped here")`),
	); err != nil {
		t.Fatalf("drop: %v\npage: %s", err, env.Text(t, "body"))
	}
	if s := env.Text(t, "#mime-summary"); !strings.Contains(s, "dropped.eml") {
		t.Errorf("summary after drop %q", s)
	}
	if n, _ := chromedp.Run(env.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("#mime-mbox li").length`)); n != 0 {
		t.Errorf("the mbox list is still shown (%d items) for a single message", n)
	}
	if n, _ := chromedp.Run(env.Ctx, chromedp.Evaluate[int](`document.querySelectorAll(".drop-overlay").length`)); n != 0 {
		t.Error("the drop overlay stayed after the drop")
	}
	env.Screenshot(t, "mime-dropped")
}

// TestMIMEDownloadAttachment downloads the decoded attachment through the
// page's blob: link and compares it with the bytes that were encoded.
func TestMIMEDownloadAttachment(t *testing.T) {
	env := openExplorer(t)
	m := makeMessage("")
	paste(t, env, m.raw)
	selectPart(t, env, "2")
	if err := chromedp.Do(env.Ctx, chromedp.WaitVisible(chromedp.CSS(`#mime-download[href^="blob:"]`))); err != nil {
		t.Fatalf("no download link: %v\n%s", err, env.Text(t, "#mime-details"))
	}
	// The page hashes the part it shows (the model leaves hashes out).
	sum := sha256.Sum256(m.attachment)
	if err := chromedp.Do(env.Ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector("#mime-sha256")?.textContent === %q`, hex.EncodeToString(sum[:])))); err != nil {
		t.Errorf("sha256 shown %q, want %x", env.Text(t, "#mime-sha256"), sum)
	}
	name, err := chromedp.Run(env.Ctx, chromedp.Evaluate[string](`document.querySelector("#mime-download").download`))
	if err != nil || name != "data.bin" {
		t.Errorf("download name %q (%v), want data.bin", name, err)
	}
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(env.Ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(env.Ctx, chromedp.Click(chromedp.ID("mime-download"))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "data.bin")
	var got []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(file); err == nil && len(b) >= len(m.attachment) {
			got = b
			break
		}
	}
	if !bytes.Equal(got, m.attachment) {
		entries, _ := os.ReadDir(dir)
		t.Errorf("downloaded %d bytes, differing from the %d encoded (download folder: %v)", len(got), len(m.attachment), entries)
	}

	// Copy raw bytes puts the part's exact bytes on the clipboard.
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(env.Ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: "granted",
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(env.Ctx,
		chromedp.Click(chromedp.ID("mime-copy-raw")),
		chromedp.WaitVisible(chromedp.CSS(".actions .copied")),
	); err != nil {
		t.Fatal(err)
	}
	clip, err := chromedp.Run(env.Ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, awaitPromise))
	start := strings.Index(m.raw, "Content-Type: application/octet-stream")
	end := strings.Index(m.raw, "\r\n--outer--")
	if err != nil || clip != m.raw[start:end] {
		t.Errorf("clipboard (%v):\n%q\nwant\n%q", err, clip, m.raw[start:end])
	}
}

// TestMIMERemoteContentBlocked shows an HTML part that refers to a server
// on loopback: nothing is fetched until the user allows remote images,
// while the cid: image from the message itself is shown.
func TestMIMERemoteContentBlocked(t *testing.T) {
	var hits atomic.Int32
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	}))
	defer remote.Close()
	env := openExplorer(t)
	m := makeMessage(remote.URL)
	paste(t, env, m.raw)
	selectPart(t, env, "1.1")
	if err := chromedp.Do(env.Ctx,
		chromedp.WaitVisible(chromedp.ID("mime-html")),
		chromedp.WaitVisible(chromedp.ID("mime-allow-remote")),
	); err != nil {
		t.Fatalf("html preview: %v\n%s", err, env.Text(t, "#mime-details"))
	}
	sandbox, err := chromedp.Run(env.Ctx, chromedp.Evaluate[string](`document.querySelector("#mime-html").getAttribute("sandbox")`))
	if err != nil || sandbox != "" {
		t.Errorf("iframe sandbox=%q (%v), want the empty value (no allow-scripts)", sandbox, err)
	}
	if s := env.Text(t, "#mime-remote-blocked"); !strings.Contains(s, "4 remote") {
		t.Errorf("blocked note %q, want 4 remote references", s)
	}
	// Let the frame load and paint, then look at it: the cid: image is red.
	time.Sleep(500 * time.Millisecond)
	shot, err := chromedp.Run(env.Ctx, chromedp.Screenshot(chromedp.ID("mime-html")))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if r, g, _, _ := img.At(b.Min.X+20, b.Min.Y+20).RGBA(); r>>8 < 180 || g>>8 > 80 {
		t.Errorf("the cid: image is not shown: pixel (20,20) of the frame is %v", img.At(b.Min.X+20, b.Min.Y+20))
	}
	env.Screenshot(t, "mime-html-blocked")
	if n := hits.Load(); n != 0 {
		t.Fatalf("the remote server got %d request(s) before the user allowed remote images", n)
	}
	// Control: once allowed, the same frame does fetch (so the block above was the explorer's doing).
	if err := chromedp.Do(env.Ctx, chromedp.Click(chromedp.ID("mime-allow-remote"))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for hits.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if hits.Load() == 0 {
		t.Error("allowing remote images fetched nothing")
	}
	// The permission was for that message: the same HTML opened again is blocked again.
	time.Sleep(300 * time.Millisecond)
	before := hits.Load()
	paste(t, env, m.raw)
	selectPart(t, env, "1.1")
	if err := chromedp.Do(env.Ctx, chromedp.WaitVisible(chromedp.ID("mime-allow-remote"))); err != nil {
		t.Errorf("reopened message: remote images not blocked again: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := hits.Load(); n != before {
		t.Errorf("reopened message fetched %d remote resource(s) without being allowed", n-before)
	}
}

// TestMIMEManyPartsStaysSmall opens a message of over a thousand parts: the
// tree and the raw view keep only the rows in view in the DOM, and the
// keyboard reaches the last part.
func TestMIMEManyPartsStaysSmall(t *testing.T) {
	env := openExplorer(t)
	file := filepath.Join(t.TempDir(), "many.eml")
	if err := os.WriteFile(file, mimetest.ManyParts(1000), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(env.Ctx,
		chromedp.SetUploadFiles(chromedp.ID("mime-file"), []string{file}, chromedp.NodeReady),
		chromedp.WaitVisible(chromedp.CSS(`#mime-tree .tree-row[data-path="1"]`)),
	); err != nil {
		t.Fatalf("open: %v\n%s", err, env.Text(t, "body"))
	}
	if s := env.Text(t, "#mime-summary"); !strings.Contains(s, "1201 parts") {
		t.Errorf("summary %q, want 1201 parts", s)
	}
	count := func(css string) int {
		n, err := chromedp.Run(env.Ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, css)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("#mime-tree .tree-row"); n == 0 || n > 80 {
		t.Errorf("%d tree rows in the DOM, want a window of at most 80", n)
	}
	if n := count("#mime-raw .raw-row"); n == 0 || n > 80 {
		t.Errorf("%d raw rows in the DOM, want a window of at most 80", n)
	}
	// End selects the last node; the tree scrolls to it and the raw view follows.
	if err := chromedp.Do(env.Ctx,
		chromedp.Focus(chromedp.ID("mime-tree")),
		chromedp.KeyEvent(kb.End),
		chromedp.Poll[chromedp.Void](`document.querySelector("#mime-tree .tree-row.selected")?.dataset.path === "1000.2"`),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#mime-raw .hl-header")`),
	); err != nil {
		t.Fatalf("End: %v (selected %q)", err, env.Text(t, "#mime-tree .tree-row.selected"))
	}
	if n := count("#mime-tree .tree-row"); n > 80 {
		t.Errorf("%d tree rows in the DOM after scrolling", n)
	}
	if h := env.Text(t, "#mime-details h2"); !strings.Contains(h, "part 1000.2") || !strings.Contains(h, "text/html") {
		t.Errorf("details of the last part: %q", h)
	}
	env.Screenshot(t, "mime-many-parts")
}

// TestMIMEEncodedEnclosedMessage selects a message enclosed base64-encoded
// in a message/rfc822 part: its offsets index the decoded body, so the raw
// view shows that body with the enclosed message's ranges highlighted.
func TestMIMEEncodedEnclosedMessage(t *testing.T) {
	env := openExplorer(t)
	inner := "From: b@example.com\r\nSubject: inner message\r\n\r\nhello from inside\r\n"
	outer := "From: a@example.com\r\nSubject: outer\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=o\r\n\r\n" +
		"--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--o\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		wrap76(base64.StdEncoding.EncodeToString([]byte(inner))) + "--o--\r\n"
	paste(t, env, outer)
	selectPart(t, env, "2.1")
	if err := chromedp.Do(env.Ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector(".raw-caption")?.textContent.includes("Decoded body of part 2")`),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#mime-raw .hl-header")`),
	); err != nil {
		t.Fatalf("decoded source: %v (caption %q)", err, env.Text(t, ".raw-caption"))
	}
	hl, err := chromedp.Run(env.Ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#mime-raw .hl-header")].map(e => e.textContent).join("")`))
	if err != nil || !strings.Contains(hl, "Subject: inner message") || strings.Contains(hl, "hello") {
		t.Errorf("highlighted header %q (%v)", hl, err)
	}
	if s := env.Text(t, "#mime-details"); !strings.Contains(s, "inner message") {
		t.Errorf("details of 2.1 lack its Subject: %.300s", s)
	}
	// Back to a part of the input: the raw view shows the message again.
	selectPart(t, env, "1")
	if err := chromedp.Do(env.Ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".raw-caption")?.textContent.startsWith("Raw message")`)); err != nil {
		t.Errorf("raw view did not return to the input: %q", env.Text(t, ".raw-caption"))
	}
}
