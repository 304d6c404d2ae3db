package mime

import (
	"fmt"
	"testing"
)

// checkTree verifies the invariants every tree must hold, whatever the input.
func checkTree(t testing.TB, name string, m *Message) {
	t.Helper()
	if m == nil || m.Root == nil {
		t.Fatalf("%s: no tree", name)
	}
	count := 0
	var walk func(p *Part, parent *Part)
	walk = func(p *Part, parent *Part) {
		count++
		src := m.Source(p)
		in := func(what string, r Range) {
			if !r.Valid() || r.End > len(src) {
				t.Errorf("%s: %q: %s range %v outside source of %d bytes", name, p.Path, what, r, len(src))
			}
		}
		r := p.Ranges
		in("part", r.Part)
		in("header", r.Header)
		in("body", r.Body)
		if r.Header.Start < r.Part.Start || r.Body.End > r.Part.End || r.Header.End > r.Body.Start {
			t.Errorf("%s: %q: ranges out of order: %+v", name, p.Path, r)
		}
		for _, f := range p.Header {
			in("field "+f.Name, f.Range)
		}
		for _, b := range r.Boundaries {
			in("boundary", b)
		}
		if r.Preamble.Start != -1 {
			in("preamble", r.Preamble)
		}
		if r.Epilogue.Start != -1 {
			in("epilogue", r.Epilogue)
		}
		for _, d := range p.Diagnostics {
			if d.Offset < 0 || d.Len < 0 || d.Offset+d.Len > len(src) {
				t.Errorf("%s: %q: diagnostic %v outside source of %d bytes", name, p.Path, d, len(src))
			}
		}
		if isEnclosedType(p.ContentType) && len(p.Children) != 1 && p.depth < DefaultMaxDepth {
			t.Errorf("%s: %q: %s with %d children", name, p.Path, p.ContentType, len(p.Children))
		}
		for i, c := range p.Children {
			want := fmt.Sprint(i + 1)
			if p.Path != "" {
				want = p.Path + "." + want
			}
			if c.Path != want {
				t.Errorf("%s: child %d of %q has path %q", name, i, p.Path, c.Path)
			}
			walk(c, p)
		}
	}
	walk(m.Root, nil)
	if count != m.Parts {
		t.Errorf("%s: Parts = %d, tree has %d nodes", name, m.Parts, count)
	}
}
