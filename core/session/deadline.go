package session

import "time"

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads and
// writes on a net.Conn return at once.
var aLongTimeAgo = time.Unix(1, 0)
