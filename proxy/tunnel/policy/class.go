package policy

import "net/netip"

// Class is the kind of an IP address, as far as the tunnel cares: Public
// addresses may be dialled, every other class is refused.
type Class uint8

// Address classes. Their String is the reason the page shows after
// "blocked: ".
const (
	ClassPublic      Class = iota // globally routable unicast: allowed
	ClassUnspecified              // 0.0.0.0/8 "this network" (RFC 791), ::
	ClassLoopback                 // 127.0.0.0/8, ::1
	ClassPrivate                  // RFC 1918, and deprecated IPv6 site-local fec0::/10
	ClassUniqueLocal              // fc00::/7 (RFC 4193)
	ClassLinkLocal                // 169.254.0.0/16 (RFC 3927), fe80::/10
	ClassMetadata                 // cloud instance metadata services
	ClassShared                   // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
	ClassMulticast                // 224.0.0.0/4, ff00::/8
	ClassBroadcast                // 255.255.255.255
	ClassReserved                 // documentation, benchmarking, IETF special use, future use
	ClassInvalid                  // not an IP address at all
)

var classNames = [...]string{
	ClassPublic:      "public address",
	ClassUnspecified: "unspecified address",
	ClassLoopback:    "loopback address",
	ClassPrivate:     "private address",
	ClassUniqueLocal: "private address (unique local)",
	ClassLinkLocal:   "link-local address",
	ClassMetadata:    "cloud metadata address",
	ClassShared:      "shared address (carrier-grade NAT)",
	ClassMulticast:   "multicast address",
	ClassBroadcast:   "broadcast address",
	ClassReserved:    "reserved address",
	ClassInvalid:     "invalid address",
}

var classKeys = [...]string{
	ClassPublic:      "public",
	ClassUnspecified: "unspecified",
	ClassLoopback:    "loopback",
	ClassPrivate:     "private",
	ClassUniqueLocal: "unique_local",
	ClassLinkLocal:   "link_local",
	ClassMetadata:    "metadata",
	ClassShared:      "shared",
	ClassMulticast:   "multicast",
	ClassBroadcast:   "broadcast",
	ClassReserved:    "reserved",
	ClassInvalid:     "invalid",
}

// String returns the class as the page shows it ("private address").
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown address class"
}

// Key returns a short identifier for metrics labels ("private").
func (c Class) Key() string {
	if int(c) < len(classKeys) {
		return classKeys[c]
	}
	return "unknown"
}

type rangeClass struct {
	p netip.Prefix
	c Class
}

// Ranges are checked in order; the first match wins, so the single
// metadata addresses come before the ranges that hold them.
var v4Ranges = []rangeClass{
	{netip.MustParsePrefix("169.254.169.254/32"), ClassMetadata}, // AWS, GCP, Azure, OpenStack...
	{netip.MustParsePrefix("169.254.170.2/32"), ClassMetadata},   // AWS ECS task metadata
	{netip.MustParsePrefix("192.0.0.192/32"), ClassMetadata},     // Oracle Cloud
	{netip.MustParsePrefix("100.100.100.200/32"), ClassMetadata}, // Alibaba Cloud
	{netip.MustParsePrefix("0.0.0.0/8"), ClassUnspecified},       // RFC 791 "this network"
	{netip.MustParsePrefix("10.0.0.0/8"), ClassPrivate},          // RFC 1918
	{netip.MustParsePrefix("100.64.0.0/10"), ClassShared},        // RFC 6598
	{netip.MustParsePrefix("127.0.0.0/8"), ClassLoopback},        // RFC 1122
	{netip.MustParsePrefix("169.254.0.0/16"), ClassLinkLocal},    // RFC 3927
	{netip.MustParsePrefix("172.16.0.0/12"), ClassPrivate},       // RFC 1918
	{netip.MustParsePrefix("192.0.0.0/24"), ClassReserved},       // RFC 6890 IETF protocol assignments
	{netip.MustParsePrefix("192.0.2.0/24"), ClassReserved},       // RFC 5737 TEST-NET-1
	{netip.MustParsePrefix("192.88.99.0/24"), ClassReserved},     // RFC 7526 deprecated 6to4 relays
	{netip.MustParsePrefix("192.168.0.0/16"), ClassPrivate},      // RFC 1918
	{netip.MustParsePrefix("198.18.0.0/15"), ClassReserved},      // RFC 2544 benchmarking
	{netip.MustParsePrefix("198.51.100.0/24"), ClassReserved},    // RFC 5737 TEST-NET-2
	{netip.MustParsePrefix("203.0.113.0/24"), ClassReserved},     // RFC 5737 TEST-NET-3
	{netip.MustParsePrefix("224.0.0.0/4"), ClassMulticast},       // RFC 5771
	{netip.MustParsePrefix("255.255.255.255/32"), ClassBroadcast},
	{netip.MustParsePrefix("240.0.0.0/4"), ClassReserved}, // RFC 1112 future use
}

var v6Ranges = []rangeClass{
	{netip.MustParsePrefix("fd00:ec2::254/128"), ClassMetadata}, // AWS IMDS over IPv6
	{netip.MustParsePrefix("::/128"), ClassUnspecified},
	{netip.MustParsePrefix("::1/128"), ClassLoopback},
	{netip.MustParsePrefix("::/96"), ClassReserved},          // deprecated IPv4-compatible (RFC 4291 §2.5.5.1)
	{netip.MustParsePrefix("64:ff9b:1::/48"), ClassReserved}, // RFC 8215 local-use NAT64
	{netip.MustParsePrefix("100::/64"), ClassReserved},       // RFC 6666 discard-only
	{netip.MustParsePrefix("2001::/23"), ClassReserved},      // RFC 2928 IETF protocol assignments, Teredo included
	{netip.MustParsePrefix("2001:db8::/32"), ClassReserved},  // RFC 3849 documentation
	{netip.MustParsePrefix("3fff::/20"), ClassReserved},      // RFC 9637 documentation
	{netip.MustParsePrefix("fc00::/7"), ClassUniqueLocal},    // RFC 4193
	{netip.MustParsePrefix("fe80::/10"), ClassLinkLocal},     // RFC 4291
	{netip.MustParsePrefix("fec0::/10"), ClassPrivate},       // RFC 3879 deprecated site-local
	{netip.MustParsePrefix("ff00::/8"), ClassMulticast},      // RFC 4291
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052 well-known prefix
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056
	global6   = netip.MustParsePrefix("2000::/3")     // the only IPv6 unicast space allocated (RFC 4291 §2.4)
)

// Classify returns the class of ip. IPv6 addresses that carry an IPv4
// address (IPv4-mapped, NAT64 well-known prefix, 6to4) take the class of
// the IPv4 address they carry, so ::ffff:127.0.0.1 and 64:ff9b::a00:1 are
// as blocked as 127.0.0.1 and 10.0.0.1. IPv6 outside 2000::/3 that has no
// class of its own is reserved.
func Classify(ip netip.Addr) Class {
	if !ip.IsValid() {
		return ClassInvalid
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		return Classify(ip.Unmap())
	}
	if ip.Is4() {
		return lookup(v4Ranges, ip)
	}
	if nat64.Contains(ip) {
		b := ip.As16()
		return Classify(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if sixToFour.Contains(ip) {
		b := ip.As16()
		return Classify(netip.AddrFrom4([4]byte(b[2:6])))
	}
	if c := lookup(v6Ranges, ip); c != ClassPublic {
		return c
	}
	if !global6.Contains(ip) {
		return ClassReserved
	}
	return ClassPublic
}

func lookup(ranges []rangeClass, ip netip.Addr) Class {
	for _, r := range ranges {
		if r.p.Contains(ip) {
			return r.c
		}
	}
	return ClassPublic
}
