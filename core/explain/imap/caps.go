package imap

import "strings"

// capabilities explains capability names (RFC 9051 §7.2.2 and the IANA
// registry of IMAP capabilities).
var capabilities = map[string]struct{ text, rfc string }{
	"IMAP4REV1":          {"the server speaks IMAP4rev1", "RFC 3501"},
	"IMAP4REV2":          {"the server speaks IMAP4rev2", "RFC 9051"},
	"STARTTLS":           {"the connection can be upgraded to TLS with STARTTLS", "RFC 9051 §6.2.1"},
	"LOGINDISABLED":      {"LOGIN is refused on this connection (usually until STARTTLS)", "RFC 9051 §6.2.3"},
	"SASL-IR":            {"AUTHENTICATE may carry the initial SASL response, saving a round trip", "RFC 4959"},
	"LOGIN-REFERRALS":    {"the server may refer the client to another server at login", "RFC 2221"},
	"ID":                 {"client and server may exchange their software names with ID", "RFC 2971"},
	"ENABLE":             {"extensions that change the protocol are switched on with ENABLE", "RFC 5161"},
	"IDLE":               {"IDLE: the server pushes new-mail updates while the client waits", "RFC 2177"},
	"LITERAL+":           {"non-synchronizing literals {n+}: the client need not wait for \"+\"", "RFC 7888"},
	"LITERAL-":           {"non-synchronizing literals {n+} up to 4096 octets", "RFC 7888"},
	"SORT":               {"the SORT command: search results sorted on the server", "RFC 5256"},
	"SORT=DISPLAY":       {"SORT by display names", "RFC 5957"},
	"THREAD":             {"the THREAD command with the algorithms named after =", "RFC 5256"},
	"MULTIAPPEND":        {"APPEND of several messages in one command", "RFC 3502"},
	"URL-PARTIAL":        {"URLs pointing at parts of messages, with URLAUTH", "RFC 5550"},
	"CATENATE":           {"APPEND built from pieces of existing messages", "RFC 4469"},
	"UNSELECT":           {"UNSELECT closes the mailbox without expunging", "RFC 3691"},
	"CHILDREN":           {"LIST marks mailboxes \\HasChildren or \\HasNoChildren", "RFC 3348"},
	"NAMESPACE":          {"the NAMESPACE command: personal, other users' and shared folders", "RFC 2342"},
	"UIDPLUS":            {"APPENDUID and COPYUID response codes and UID EXPUNGE", "RFC 4315"},
	"LIST-EXTENDED":      {"LIST with selection and return options", "RFC 5258"},
	"I18NLEVEL=1":        {"searching and sorting with internationalized comparators", "RFC 5255"},
	"CONDSTORE":          {"modification sequences (MODSEQ) for fast resynchronization", "RFC 7162 §3.1"},
	"QRESYNC":            {"quick resynchronization: changes and expunges since a MODSEQ", "RFC 7162 §3.2"},
	"ESEARCH":            {"extended SEARCH results (MIN, MAX, COUNT, ALL)", "RFC 4731"},
	"ESORT":              {"extended SORT results", "RFC 5267"},
	"SEARCHRES":          {"the result of a SEARCH can be reused as $", "RFC 5182"},
	"WITHIN":             {"SEARCH criteria YOUNGER and OLDER", "RFC 5032"},
	"CONTEXT=SEARCH":     {"search results the server keeps up to date", "RFC 5267"},
	"CONTEXT=SORT":       {"sort results the server keeps up to date", "RFC 5267"},
	"LIST-STATUS":        {"LIST can return STATUS data for each mailbox", "RFC 5819"},
	"BINARY":             {"FETCH BINARY: parts decoded by the server", "RFC 3516"},
	"MOVE":               {"MOVE moves messages atomically (copy + expunge)", "RFC 6851"},
	"SNIPPET=FUZZY":      {"FETCH of a short preview of the message text", "RFC 8970"},
	"PREVIEW=FUZZY":      {"FETCH PREVIEW: a short preview of the message text (draft name)", "RFC 8970"},
	"PREVIEW":            {"FETCH PREVIEW: a short preview of the message text", "RFC 8970"},
	"STATUS=SIZE":        {"STATUS can return the mailbox size", "RFC 8438"},
	"SAVEDATE":           {"FETCH SAVEDATE: when the message was saved in this mailbox", "RFC 8514"},
	"NOTIFY":             {"NOTIFY: updates about other mailboxes too", "RFC 5465"},
	"SPECIAL-USE":        {"mailboxes marked \\Sent, \\Drafts, \\Trash, \\Junk, ...", "RFC 6154"},
	"CREATE-SPECIAL-USE": {"CREATE can mark a mailbox's special use", "RFC 6154"},
	"QUOTA":              {"quota commands: GETQUOTA, GETQUOTAROOT", "RFC 9208"},
	"COMPRESS=DEFLATE":   {"the connection can be compressed with DEFLATE", "RFC 4978"},
	"APPENDLIMIT":        {"the largest message APPEND accepts", "RFC 7889"},
	"OBJECTID":           {"stable EMAILID and THREADID for messages", "RFC 8474"},
	"UTF8=ACCEPT":        {"UTF-8 in mailbox names and headers once enabled", "RFC 6855"},
	"UTF8=ONLY":          {"the server requires UTF8=ACCEPT", "RFC 6855"},
	"METADATA":           {"annotations on mailboxes and the server", "RFC 5464"},
	"METADATA-SERVER":    {"annotations on the server only", "RFC 5464"},
	"URLAUTH":            {"authorized URLs for message parts", "RFC 4467"},
	"X-GM-EXT-1":         {"Gmail's private extensions (labels, thread ids)", "Google"},
	"XLIST":              {"Gmail's old LIST with special folders (replaced by SPECIAL-USE)", "Google"},
}

// describeCapability explains one capability.
func describeCapability(name string) (string, string) {
	u := strings.ToUpper(name)
	if c, ok := capabilities[u]; ok {
		return c.text, c.rfc
	}
	switch {
	case strings.HasPrefix(u, "AUTH="):
		return "AUTHENTICATE with the SASL mechanism " + name[5:], "RFC 9051 §6.2.2"
	case strings.HasPrefix(u, "THREAD="):
		return "THREAD with the " + name[7:] + " algorithm", "RFC 5256"
	case strings.HasPrefix(u, "I18NLEVEL="):
		return "internationalization level " + name[10:], "RFC 5255"
	case strings.HasPrefix(u, "CONTEXT="):
		return "results the server keeps up to date", "RFC 5267"
	case strings.HasPrefix(u, "APPENDLIMIT="):
		return "APPEND accepts messages up to " + name[12:] + " octets", "RFC 7889"
	case strings.HasPrefix(u, "QUOTA="):
		return "quota resource " + name[6:], "RFC 9208"
	case strings.HasPrefix(u, "COMPRESS="):
		return "compression with " + name[9:], "RFC 4978"
	case strings.HasPrefix(u, "X"):
		return "a private extension (its name starts with X)", "RFC 9051 §6.5"
	}
	return "a capability Mailwire does not describe", "RFC 9051 §7.2.2"
}

// codes explains response codes (RFC 9051 §7.1, RFC 3501 §7.1, RFC 5530
// and the extensions that add codes).
var codes = map[string]struct{ text, rfc string }{
	"ALERT":                {"a message the user must see", "RFC 9051 §7.1"},
	"ALREADYEXISTS":        {"the mailbox already exists", "RFC 9051 §7.1"},
	"APPENDUID":            {"the UIDVALIDITY and the UID the appended message got", "RFC 4315 §3"},
	"AUTHENTICATIONFAILED": {"wrong user name or password", "RFC 9051 §7.1"},
	"AUTHORIZATIONFAILED":  {"authenticated, but not allowed to act as that identity", "RFC 9051 §7.1"},
	"BADCHARSET":           {"the SEARCH charset is not supported; the supported ones follow", "RFC 9051 §7.1"},
	"CANNOT":               {"the operation violates a server invariant", "RFC 9051 §7.1"},
	"CAPABILITY":           {"the capabilities, saving a CAPABILITY command", "RFC 9051 §7.1"},
	"CLIENTBUG":            {"the server suspects a client bug", "RFC 9051 §7.1"},
	"CLOSED":               {"the previously selected mailbox is now closed", "RFC 9051 §7.1"},
	"CONTACTADMIN":         {"the user should contact the administrator", "RFC 9051 §7.1"},
	"COPYUID":              {"the UIDVALIDITY, the source UIDs and the UIDs the copies got", "RFC 4315 §3"},
	"CORRUPTION":           {"the server found corrupted data", "RFC 9051 §7.1"},
	"EXPIRED":              {"the credentials or the account have expired", "RFC 9051 §7.1"},
	"EXPUNGEISSUED":        {"another session expunged messages meanwhile", "RFC 9051 §7.1"},
	"HASCHILDREN":          {"the mailbox has children, so it cannot be deleted as asked", "RFC 9051 §7.1"},
	"HIGHESTMODSEQ":        {"the highest modification sequence in the mailbox", "RFC 7162 §3.1.2.1"},
	"NOMODSEQ":             {"the mailbox does not keep modification sequences", "RFC 7162 §3.1.2.2"},
	"INUSE":                {"the resource is in use by another session", "RFC 9051 §7.1"},
	"LIMIT":                {"a server limit was hit", "RFC 9051 §7.1"},
	"NONEXISTENT":          {"the mailbox does not exist", "RFC 9051 §7.1"},
	"NOPERM":               {"no permission for this operation", "RFC 9051 §7.1"},
	"OVERQUOTA":            {"over quota", "RFC 9051 §7.1"},
	"PARSE":                {"the server could not parse the message's headers or MIME structure", "RFC 9051 §7.1"},
	"PERMANENTFLAGS":       {"the flags the client can change permanently; \\* means new keywords can be created", "RFC 9051 §7.1"},
	"PRIVACYREQUIRED":      {"the operation needs a secure (TLS) connection", "RFC 9051 §7.1"},
	"READ-ONLY":            {"the mailbox is selected read-only", "RFC 9051 §7.1"},
	"READ-WRITE":           {"the mailbox is selected read-write", "RFC 9051 §7.1"},
	"SERVERBUG":            {"the server hit a bug", "RFC 9051 §7.1"},
	"TRYCREATE":            {"the target mailbox does not exist; CREATE it and try again", "RFC 9051 §7.1"},
	"UIDNEXT":              {"the UID the next new message will (probably) get", "RFC 9051 §7.1"},
	"UIDNOTSTICKY":         {"this mailbox does not keep UIDs between sessions", "RFC 4315 §3"},
	"UIDVALIDITY":          {"the mailbox's UID validity value: UIDs remembered from an earlier session are valid only while it is unchanged", "RFC 9051 §7.1"},
	"UNAVAILABLE":          {"a temporary failure; try again later", "RFC 9051 §7.1"},
	"UNKNOWN-CTE":          {"the server cannot decode this part's content transfer encoding", "RFC 9051 §7.1"},
	"UNSEEN":               {"the sequence number (not the UID) of the first message without the \\Seen flag", "RFC 3501 §7.1"},
	"TOOBIG":               {"the message or literal is too big", "RFC 7889 §4"},
	"NOTSAVED":             {"the search result was not saved", "RFC 5182 §2.1"},
	"MODIFIED":             {"some messages changed since the given MODSEQ and were not stored", "RFC 7162 §3.1.3"},
	"COMPRESSIONACTIVE":    {"compression is already on", "RFC 4978 §3"},
	"REFERRAL":             {"the client should try the given server instead", "RFC 2221 §4.1"},
	"METADATA":             {"a metadata limit", "RFC 5464 §4.3"},
	"NOTIFICATIONOVERFLOW": {"too many notifications: the client must resynchronize", "RFC 5465 §5.8"},
	"BADEVENT":             {"NOTIFY asked for an unsupported event", "RFC 5465 §5.9"},
	"UNDEFINED-FILTER":     {"the named filter does not exist", "RFC 5466 §3.1"},
}
