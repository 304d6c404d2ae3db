package mime

import (
	"encoding/json"
	"io"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must not panic or hang, and
// the tree must hold its invariants (ranges inside the source, paths,
// node count), encode as JSON and print as a tree. Seeds live in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(crlf(alt)))
	f.Add([]byte(crlf(stdHeader + "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA0KDQp5\n")))
	f.Add([]byte(crlf(stdHeader + "\n" + uuBlock)))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opts := range [][]Option{nil, {MaxDepth(3), MaxParts(5), MaxHeaderBytes(64)}} {
			m := Parse(b, opts...)
			checkTree(t, "fuzz", m)
			if _, err := json.Marshal(m); err != nil {
				t.Fatal(err)
			}
			if err := WriteTree(io.Discard, m); err != nil {
				t.Fatal(err)
			}
		}
	})
}
