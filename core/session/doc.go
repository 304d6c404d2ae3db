// Package session drives a mail protocol session over any net.Conn and
// reports every step as an Event: the direction, the time, the exact raw
// bytes, the parsed unit and an explanation with its RFC.
//
// The same code runs natively over TCP and, in the browser, over a net.Conn
// backed by a WebSocket tunnel (see wasm/). Events are delivered to an emit
// function in the order they happen on the wire, from the goroutine that
// drives the session; emit must not block for long.
//
// A session value is driven by one goroutine at a time.
package session
