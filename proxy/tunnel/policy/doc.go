// Package policy decides which mail servers Mailwire's tunnel may reach.
//
// Two checks run for every tunnel, and both must pass:
//
//   - Targets checks the name the page asked for: the destination port
//     against a port allowlist (465, 587, 993, 995, 143 and 110 by
//     default; 25 only when explicitly enabled, so the tunnel is no spam
//     relay) and the host against optional allow and deny lists of exact
//     names and suffixes.
//   - Classify checks every IP address the name resolves to, and Control
//     checks it again on the socket about to connect (net.Dialer.Control),
//     so a DNS answer that changes between check and dial (DNS rebinding)
//     cannot reach loopback, private networks (RFC 1918, RFC 4193),
//     link-local addresses and the cloud metadata service (RFC 3927,
//     169.254.169.254), shared address space (RFC 6598), multicast,
//     broadcast or reserved ranges (RFC 6890), including the same
//     addresses written as IPv4-mapped (RFC 4291 §2.5.5.2), NAT64
//     (RFC 6052) or 6to4 (RFC 3056) IPv6 addresses.
//
// Named exceptions (Targets.Allow) let the operator's own loopback
// services through: the built-in sandbox and lab servers given with
// --allow host:port. An exception bypasses the checks for exactly that
// host and port and nothing else.
//
// Dialer puts the two together: it resolves through a Resolver (a test can
// substitute its own), refuses before connecting when any answer is
// blocked, and connects only to the checked addresses.
//
// Concurrency: Targets, Dialer and the functions here are safe for
// concurrent use; Targets.Allow may run while tunnels are being checked.
package policy
