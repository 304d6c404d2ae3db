package tunnel

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseTokens(t *testing.T) {
	src := `# tokens for class 2026a
q8Xf3kV9cJm2Lr7TzW4bN6hY   alice
Hk2m9PzX4wQ7vB3nR8sT5yLd   class-2026a  max=40   # shared by the class
short                      bob
q8Xf3kV9cJm2Lr7TzW4bN6hY   alice-again
has/slash-0123456789abcdef carol
Zz9Zz9Zz9Zz9Zz9Zz9Zz9Zz9   dave max=0
Yy8Yy8Yy8Yy8Yy8Yy8Yy8Yy8   erin color=blue
`
	set, diags := parseTokens(src)
	if len(set.list) != 2 {
		t.Fatalf("%d tokens, want 2", len(set.list))
	}
	if set.list[0].label != "alice" || set.list[1].label != "class-2026a" || set.list[1].max != 40 || set.list[0].max != 0 {
		t.Errorf("entries = %+v %+v", set.list[0], set.list[1])
	}
	want := []string{"line 4: a token must be", "line 5: duplicate token", "line 6: a token must be", "line 7: bad option", "line 8: unknown option"}
	if len(diags) != len(want) {
		t.Fatalf("diagnostics = %v", diags)
	}
	for i, w := range want {
		if !strings.HasPrefix(diags[i].String(), w) {
			t.Errorf("diagnostic %d = %q, want %q...", i, diags[i], w)
		}
	}
	for _, e := range set.list {
		if strings.Contains(e.id, "q8Xf") || len(e.id) != 8 {
			t.Errorf("token id %q", e.id)
		}
	}
}

func TestTokenLookup(t *testing.T) {
	tokens, err := NewTokens(goodToken, otherToken)
	if err != nil {
		t.Fatal(err)
	}
	for tok, ok := range map[string]bool{goodToken: true, otherToken: true, goodToken[:len(goodToken)-1]: false, "": false, goodToken + " ": false} {
		if got := tokens.lookup(tok) != nil; got != ok {
			t.Errorf("lookup(%q) = %v, want %v", tok, got, ok)
		}
	}
	if _, err := NewTokens("short"); err == nil {
		t.Error("NewTokens accepted a short token")
	}
}

func TestTokenFrom(t *testing.T) {
	for _, tc := range []struct {
		query, protos []string
		want          string
	}{
		{[]string{"abc"}, nil, "abc"},
		{nil, []string{"binary, token.xyz"}, "xyz"},
		{nil, []string{"binary", "token.xyz"}, "xyz"},
		{[]string{"q"}, []string{"token.p"}, "q"},
		{nil, []string{"binary"}, ""},
		{[]string{""}, nil, ""},
	} {
		got, err := tokenFrom(tc.query, tc.protos)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("tokenFrom(%v, %v) = %q, %v", tc.query, tc.protos, got, err)
		}
	}
}

// TestTokenFileReload: a changed token file takes effect without a
// restart; a revoked token's open tunnel is closed; an unreadable file
// keeps the previous tokens.
func TestTokenFileReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	write := func(content string, age time.Duration) {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		mt := time.Now().Add(age)
		os.Chtimes(path, mt, mt)
	}
	write(goodToken+" alice\n", -time.Hour)
	logs := &syncBuffer{}
	tokens, diags, err := LoadTokens(path, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	e := newEnv(t, Config{Tokens: tokens})
	alice := open(t, e.url("mx.example.test", "993", "token", goodToken), nil)
	if err := roundTrip(alice, "x"); err != nil {
		t.Fatal(err)
	}
	write(otherToken+" bob\n", 0)
	waitFor(t, "the reload", func() bool { return tokens.lookup(otherToken) != nil })
	expectClose(t, alice, ClosePolicy, "auth: token revoked")
	expectClose(t, open(t, e.url("mx.example.test", "993", "token", goodToken), nil), ClosePolicy, "auth: unknown token")
	if err := roundTrip(open(t, e.url("mx.example.test", "993", "token", otherToken), nil), "y"); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	time.Sleep(tokenCheckEvery + 100*time.Millisecond)
	if tokens.lookup(otherToken) == nil {
		t.Error("a missing file dropped the tokens")
	}
	if !strings.Contains(logs.String(), "token file not reloaded") {
		t.Error("the failed reload was not logged")
	}
}

func TestLoadTokensErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadTokens(filepath.Join(dir, "missing"), nil); err == nil {
		t.Error("a missing file loaded")
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nobody yet\nshort\n"), 0o600)
	if _, diags, err := LoadTokens(empty, nil); err == nil || len(diags) != 1 {
		t.Errorf("a file without valid tokens: %v, %v", err, diags)
	}
}

// FuzzParseTokens: any file yields tokens and diagnostics, never a panic;
// every kept token is valid and unique.
func FuzzParseTokens(f *testing.F) {
	f.Add("q8Xf3kV9cJm2Lr7TzW4bN6hY alice\n")
	f.Add("Hk2m9PzX4wQ7vB3nR8sT5yLd class max=40 # c\nshort\n")
	f.Add("a\x00b\n\n#\n max=")
	f.Fuzz(func(t *testing.T, src string) {
		set, _ := parseTokens(src)
		if len(set.list) != len(set.bySum) {
			t.Fatalf("%d entries, %d distinct", len(set.list), len(set.bySum))
		}
		for _, e := range set.list {
			if e.max < 0 || len(e.id) != 8 {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
