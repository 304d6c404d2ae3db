package mime

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goldenCorpus is a representative selection of the shared corpus: the
// torture tests, every tolerance case the issue lists, nested and encoded
// messages, uuencode, digests, Received chains, legacy charsets.
var goldenCorpus = []string{
	"flanker/torture.eml",
	"postal-mime/mimetorture.eml",
	"flanker/enclosed-global.eml",
	"flanker/dashed-boundaries.eml",
	"flanker/missing-final-boundary.eml",
	"flanker/multi-received-headers.eml",
	"mailparser/base64encodedroot.eml",
	"enmime/low-quality/bad-header-start.raw",
	"enmime/low-quality/bad-header-wrap.raw",
	"enmime/low-quality/malformed-base64-attach.raw",
	"enmime/low-quality/unk-charset-part.raw",
	"enmime/parts/missing-closing-param-quote.raw",
	"enmime/parts/unquoted-ctype-param-special.raw",
	"enmime/mail/mime-bad-content-transfer-encoding.raw",
	"mime-tools/mimetools-testmsgs/multi-digest.msg",
	"mime-tools/mimetools-testmsgs/uu-junk.msg",
	"mikel-mail/error_emails/content_transfer_encoding_x_uuencode.eml",
	"mikel-mail/multi_charset/japanese_iso_2022.eml",
	"mikel-mail/rfc6532/utf8_headers.eml",
	"mikel-mail/attachment_emails/attachment_message_rfc822.eml",
	"mime4j/testmsgs/multipartdigestnestedemptyparts.msg",
	"spamscope-mail-parser/mail_malformed_1",
	"zbateson-mmp/m1005.txt",
	"zbateson-mmp/m0001.txt",
}

// TestGolden compares the JSON model of each selected message, and of the
// hand-written inputs in testdata/golden/*.eml, with its .json golden file.
// UPDATE_GOLDEN=1 rewrites the golden files; review them as a diff.
func TestGolden(t *testing.T) {
	update := os.Getenv("UPDATE_GOLDEN") != ""
	type item struct{ in, golden string }
	var items []item
	local, _ := filepath.Glob("testdata/golden/*.eml")
	for _, f := range local {
		items = append(items, item{f, strings.TrimSuffix(f, ".eml") + ".json"})
	}
	haveCorpus := true
	if _, err := os.Stat(corpusDir); err != nil {
		haveCorpus = false
		t.Logf("corpus not found at %s: corpus goldens skipped", corpusDir)
	}
	if haveCorpus {
		for _, f := range goldenCorpus {
			items = append(items, item{filepath.Join(corpusDir, f), filepath.Join("testdata/golden/corpus", f+".json")})
		}
	}
	if len(items) == 0 {
		t.Skip("no golden inputs")
	}
	for _, it := range items {
		in, err := os.ReadFile(it.in)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		got, err := json.MarshalIndent(Parse(in), "", " ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		if update {
			os.MkdirAll(filepath.Dir(it.golden), 0o755)
			if err := os.WriteFile(it.golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(it.golden)
		if err != nil {
			t.Errorf("%v (run with UPDATE_GOLDEN=1)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: JSON differs from %s (run with UPDATE_GOLDEN=1 and review the diff)\n%s", it.in, it.golden, firstDiff(want, got))
		}
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}
