package tunnel

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mailwire/mailwire/proxy/tunnel/policy"
)

// A token file holds one token per line, with an optional label (a
// student's or a class's name) and options; "#" starts a comment:
//
//	# token                     label        options
//	q8Xf3kV9cJm2Lr7TzW4bN6hY    alice
//	Hk2m9PzX4wQ7vB3nR8sT5yLd    class-2026a  max=40
//
// Tokens are 16 to 256 characters from A-Z a-z 0-9 . _ ~ - (characters
// that survive both a URL query and a Sec-WebSocket-Protocol entry).
// max=N sets how many tunnels the token may hold open at once (a class
// token shared by many students needs more than Limits.PerToken).

const (
	minTokenLen = 16
	maxTokenLen = 256
	// tokenCheckEvery is how often the token file's modification time and
	// size are looked at; a change reloads it.
	tokenCheckEvery = time.Second
	// TokenProtocolPrefix marks a Sec-WebSocket-Protocol entry carrying a
	// token ("token.q8Xf3kV9cJm2Lr7TzW4bN6hY"), for pages that keep tokens
	// out of URLs.
	TokenProtocolPrefix = "token."
)

type tokenEntry struct {
	sum   [32]byte // SHA-256 of the token; the token itself is not kept
	id    string   // hash prefix, the only form that reaches logs
	label string
	max   int
}

func (e *tokenEntry) limit(def int) int {
	if e.max > 0 {
		return e.max
	}
	return def
}

type tokenSet struct {
	list  []*tokenEntry
	bySum map[[32]byte]*tokenEntry
}

// Tokens is the set of tokens that open tunnels in shared mode. When read
// from a file, the file is re-read when its modification time or size
// changes, so tokens can be added or revoked without a restart; a file
// that cannot be read keeps the previous set. Safe for concurrent use.
type Tokens struct {
	path    string
	log     *slog.Logger
	set     atomic.Pointer[tokenSet]
	checked atomic.Int64 // when the file was last looked at, unix nanoseconds
	mu      sync.Mutex   // serializes reloads
	mtime   time.Time
	size    int64
}

// NewTokens returns a fixed set of tokens (no file).
func NewTokens(tokens ...string) (*Tokens, error) {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString(t + "\n")
	}
	set, diags := parseTokens(b.String())
	if len(diags) > 0 {
		return nil, fmt.Errorf("tunnel: tokens: %s", diags[0])
	}
	t := &Tokens{}
	t.set.Store(set)
	return t, nil
}

// LoadTokens reads the token file at path. Lines it cannot use are
// returned as diagnostics; the file must hold at least one valid token.
func LoadTokens(path string, log *slog.Logger) (*Tokens, []policy.Diagnostic, error) {
	if log == nil {
		log = discard
	}
	t := &Tokens{path: path, log: log}
	diags, err := t.reload(true)
	if err != nil {
		return nil, diags, err
	}
	if t.Len() == 0 {
		return nil, diags, fmt.Errorf("tunnel: %s holds no valid token", path)
	}
	return t, diags, nil
}

// Len returns the number of tokens.
func (t *Tokens) Len() int {
	t.maybeReload()
	return len(t.set.Load().list)
}

// maybeReload looks at the file at most once per tokenCheckEvery.
func (t *Tokens) maybeReload() {
	if t.path == "" {
		return
	}
	now := time.Now().UnixNano()
	last := t.checked.Load()
	if now-last < int64(tokenCheckEvery) || !t.checked.CompareAndSwap(last, now) {
		return
	}
	if diags, err := t.reload(false); err != nil {
		t.log.Error("token file not reloaded; keeping the previous tokens", "file", t.path, "err", err)
	} else {
		for _, d := range diags {
			t.log.Warn("token file: line skipped", "file", t.path, "problem", d.String())
		}
	}
}

// reload re-reads the file if it changed (or always, when forced).
func (t *Tokens) reload(force bool) ([]policy.Diagnostic, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fi, err := os.Stat(t.path)
	if err != nil {
		return nil, fmt.Errorf("tunnel: tokens: %w", err)
	}
	if !force && fi.ModTime().Equal(t.mtime) && fi.Size() == t.size {
		return nil, nil
	}
	data, err := os.ReadFile(t.path)
	if err != nil {
		return nil, fmt.Errorf("tunnel: tokens: %w", err)
	}
	set, diags := parseTokens(string(data))
	t.mtime, t.size = fi.ModTime(), fi.Size()
	old := t.set.Swap(set)
	if !force && old != nil {
		t.log.Info("token file reloaded", "file", t.path, "tokens", len(set.list), "was", len(old.list))
	}
	return diags, nil
}

// lookup finds tok. Every stored hash is compared, in constant time, with
// the hash of tok, so the time taken says nothing about how close a guess
// came.
func (t *Tokens) lookup(tok string) *tokenEntry {
	t.maybeReload()
	sum := sha256.Sum256([]byte(tok))
	var found *tokenEntry
	for _, e := range t.set.Load().list {
		if subtle.ConstantTimeCompare(sum[:], e.sum[:]) == 1 {
			found = e
		}
	}
	return found
}

// valid reports whether the token with hash sum is still in the set.
func (t *Tokens) valid(sum [32]byte) bool {
	return t.set.Load().bySum[sum] != nil
}

// tokenID is the form of a token that may be logged: a prefix of its hash.
func tokenID(sum [32]byte) string { return hex.EncodeToString(sum[:4]) }

func validToken(s string) bool {
	if len(s) < minTokenLen || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '~' || c == '-') {
			return false
		}
	}
	return true
}

// parseTokens reads a token file, keeping every good line.
func parseTokens(src string) (*tokenSet, []policy.Diagnostic) {
	set := &tokenSet{bySum: map[[32]byte]*tokenEntry{}}
	var diags []policy.Diagnostic
	for i, line := range strings.Split(src, "\n") {
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := func(msg string) { diags = append(diags, policy.Diagnostic{Line: i + 1, Msg: msg}) }
		if !validToken(f[0]) {
			bad(fmt.Sprintf("a token must be %d to %d characters from A-Z a-z 0-9 . _ ~ -", minTokenLen, maxTokenLen))
			continue
		}
		e := &tokenEntry{sum: sha256.Sum256([]byte(f[0]))}
		e.id = tokenID(e.sum)
		ok := true
		for _, opt := range f[1:] {
			if v, found := strings.CutPrefix(opt, "max="); found {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					bad(fmt.Sprintf("bad option %q: max needs a positive number", opt))
					ok = false
				}
				e.max = n
			} else if e.label == "" && !strings.Contains(opt, "=") {
				e.label = opt
			} else {
				bad(fmt.Sprintf("unknown option %q", opt))
				ok = false
			}
		}
		if !ok {
			continue
		}
		if set.bySum[e.sum] != nil {
			bad("duplicate token (token " + e.id + ")")
			continue
		}
		set.list = append(set.list, e)
		set.bySum[e.sum] = e
	}
	return set, diags
}

// errNoToken is returned by tokenFrom when the request carries no token.
var errNoToken = errors.New("tunnel: no token")

// tokenFrom returns the token in the query ("token=") or in a
// Sec-WebSocket-Protocol entry ("token.<token>").
func tokenFrom(query, protocols []string) (string, error) {
	if len(query) > 0 && query[0] != "" {
		return query[0], nil
	}
	for _, h := range protocols {
		for _, p := range strings.Split(h, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), TokenProtocolPrefix); ok {
				return v, nil
			}
		}
	}
	return "", errNoToken
}
