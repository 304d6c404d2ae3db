package sandbox

import (
	"strings"
	"sync"
	"time"
)

// User is a sandbox account.
type User struct {
	Name     string
	Password string
}

// DemoUsers are the accounts every sandbox starts with.
func DemoUsers(domain string) []User {
	return []User{{Name: "alice", Password: "alice-password"}, {Name: "bob", Password: "bob-password"}}
}

// Message is one stored message.
type Message struct {
	Body     []byte
	Received time.Time
}

// Store holds every user's mailbox in memory.
type Store struct {
	mu     sync.Mutex
	domain string
	users  map[string]User
	boxes  map[string][]Message
}

// NewStore returns an empty store for the given users.
func NewStore(domain string, users []User) *Store {
	s := &Store{domain: domain, users: map[string]User{}, boxes: map[string][]Message{}}
	for _, u := range users {
		s.users[u.Name] = u
	}
	return s
}

// Domain is the mail domain the store accepts mail for.
func (s *Store) Domain() string { return s.domain }

// UserFor maps an address or login ("alice" or "alice@sandbox.test") to its
// user.
func (s *Store) UserFor(addr string) (string, bool) {
	name, domain, hasAt := strings.Cut(addr, "@")
	if hasAt && !strings.EqualFold(domain, s.domain) {
		return "", false
	}
	name = strings.ToLower(name)
	_, ok := s.users[name]
	return name, ok
}

// Deliver appends a message to user's mailbox.
func (s *Store) Deliver(user string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.boxes[user] = append(s.boxes[user], Message{Body: body, Received: time.Now()})
}

// Messages returns a copy of the user's mailbox.
func (s *Store) Messages(user string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.boxes[user]...)
}
