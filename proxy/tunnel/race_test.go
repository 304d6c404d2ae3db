//go:build race

package tunnel

// raceEnabled scales the soak down: the race detector makes each byte
// several times dearer.
const raceEnabled = true
