// Package explain turns the protocol units of the wire packages
// (smtpwire, imapwire, pop3wire) into Steps: what each unit is, its parsed
// form, what it means, which RFC and section say so, and what the client
// state machine learned from it.
//
// The protocols live in subpackages (smtp, imap, pop3), each with a
// Dissector that is fed both directions of a session in wire order and a
// client state machine that knows which commands are valid now and flags
// those sent out of sequence. sasl decodes SASL exchanges.
//
// Secrets: a Step never holds a password. Raw is the display form of the
// wire bytes: passwords in LOGIN, PASS, AUTH PLAIN and AUTH LOGIN (and the
// tokens of XOAUTH2 and OAUTHBEARER) are replaced by "********", re-encoded
// where the wire form was base64, and Masked is set. Every Step is also
// scrubbed of secrets the Dissector was told about or found.
//
// A Dissector is not safe for concurrent use.
package explain
