// Package pop3 explains POP3 sessions (RFC 1939 and its extensions: CAPA
// and response codes, RFC 2449; STLS, RFC 2595; AUTH, RFC 5034): every
// command and response split by pop3wire becomes an explain.Step.
//
// A client state machine follows the session through the AUTHORIZATION,
// TRANSACTION and UPDATE states (RFC 1939 §3): it lists the commands valid
// now, warns about one sent out of sequence (and lets it through), and
// records what was learned: capabilities, the maildrop's message count and
// size, the scan listing and unique ids, the messages marked deleted.
// PASS arguments and AUTH credentials are masked.
//
// A Dissector is not safe for concurrent use.
package pop3
