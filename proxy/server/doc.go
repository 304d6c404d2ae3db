// Package server assembles Mailwire's HTTP server: the embedded web
// application, the WebSocket tunnel, the sandbox mail server and the small
// JSON API the page reads at start-up.
//
// Routes:
//
//	/             the web application (webapp)
//	/tunnel       the websocket-to-TCP tunnel (tunnel)
//	/api/config   JSON: the sandbox's targets, for the connect form
//	/healthz      "ok"
//
// A Server is started once and closed once; its methods are safe for
// concurrent use.
package server
