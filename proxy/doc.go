// Package proxy is the root of Mailwire's server side. Its subpackages are
// the websocket-to-TCP tunnel (tunnel), the embedded sandbox mail server
// (sandbox), the embedded web application (webapp) and the HTTP server that
// ties them together (server). The command is cmd/mailwire.
package proxy
