package tunnel

import (
	"fmt"

	"github.com/gorilla/websocket"
)

// Close codes the tunnel sends (RFC 6455 §7.4). The page shows the reason
// text that comes with them.
const (
	CloseTarget      = websocket.CloseNormalClosure   // 1000: the mail server closed the connection
	CloseGoingAway   = websocket.CloseGoingAway       // 1001: the proxy is shutting down
	CloseUnsupported = websocket.CloseUnsupportedData // 1003: a text message; the tunnel carries bytes
	ClosePolicy      = websocket.ClosePolicyViolation // 1008: target blocked, token missing or unknown
	CloseTryAgain    = websocket.CloseTryAgainLater   // 1013: too many tunnels now; try again later
	CloseDial        = 4001                           // the mail server could not be reached
	CloseTimeout     = 4002                           // idle too long, or the page stopped answering pings
	CloseLimit       = 4003                           // session time or bytes used up
)

// closeReason says why a tunnel was refused or ended: a close code and the
// text the page shows, and a short key for metrics labels.
type closeReason struct {
	code int
	key  string
	text string
	// sendClose is false when the page already closed: gorilla/websocket
	// has answered its close frame.
	sendClose bool
}

func reason(code int, key, format string, a ...any) *closeReason {
	return &closeReason{code: code, key: key, text: fmt.Sprintf(format, a...), sendClose: true}
}

// Fixed reasons. Refusals are decided before anything is dialled.
var (
	reasonShutdown     = reason(CloseGoingAway, "shutdown", "shutdown: the server is stopping")
	reasonBadRequest   = reason(ClosePolicy, "bad_request", "bad request: host and port (1-65535) are required")
	reasonTokenMissing = reason(ClosePolicy, "token_missing", "auth: this server needs a token")
	reasonTokenUnknown = reason(ClosePolicy, "token_unknown", "auth: unknown token")
	reasonTokenRevoked = reason(ClosePolicy, "token_revoked", "auth: token revoked")
	reasonForwarded    = reason(ClosePolicy, "forwarded", "blocked: request came through a proxy; shared use needs tokens")
	reasonText         = reason(CloseUnsupported, "text_message", "bad request: the tunnel carries binary messages only")
	reasonPingTimeout  = reason(CloseTimeout, "ping_timeout", "timeout: the page stopped answering pings")
	reasonTargetClosed = reason(CloseTarget, "target_closed", "the server closed the connection")
	reasonPageClosed   = &closeReason{code: websocket.CloseNormalClosure, key: "page_closed", text: "the page closed the tunnel"}
)
