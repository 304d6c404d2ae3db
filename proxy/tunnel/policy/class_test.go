package policy

import (
	"net/netip"
	"testing"
)

// classCases holds a few addresses of every class, in the forms an
// attacker might try: plain, IPv4-mapped, NAT64, 6to4.
var classCases = []struct {
	addr string
	want Class
}{
	{"8.8.8.8", ClassPublic},
	{"93.184.215.14", ClassPublic},
	{"2a00:1450:4001:80b::200e", ClassPublic},
	{"64:ff9b::808:808", ClassPublic},       // NAT64 of 8.8.8.8
	{"::ffff:8.8.8.8", ClassPublic},         // IPv4-mapped 8.8.8.8
	{"2002:808:808::1", ClassPublic},        // 6to4 of 8.8.8.8
	{"0.0.0.0", ClassUnspecified},           // "this host"
	{"0.1.2.3", ClassUnspecified},           // 0/8
	{"::", ClassUnspecified},                // IPv6 unspecified
	{"127.0.0.1", ClassLoopback},            // loopback
	{"127.255.255.254", ClassLoopback},      // all of 127/8
	{"::1", ClassLoopback},                  // IPv6 loopback
	{"::ffff:127.0.0.1", ClassLoopback},     // IPv4-mapped loopback
	{"::ffff:7f00:1", ClassLoopback},        // the same, written in hex
	{"64:ff9b::7f00:1", ClassLoopback},      // NAT64 of 127.0.0.1
	{"2002:7f00:1::", ClassLoopback},        // 6to4 of 127.0.0.1
	{"10.0.0.1", ClassPrivate},              // RFC 1918
	{"10.255.255.255", ClassPrivate},        //
	{"172.16.0.1", ClassPrivate},            //
	{"172.31.255.255", ClassPrivate},        //
	{"192.168.1.1", ClassPrivate},           //
	{"::ffff:10.1.2.3", ClassPrivate},       // IPv4-mapped private
	{"64:ff9b::c0a8:101", ClassPrivate},     // NAT64 of 192.168.1.1
	{"2002:a00:1::1", ClassPrivate},         // 6to4 of 10.0.0.1
	{"fec0::1", ClassPrivate},               // deprecated site-local
	{"fc00::1", ClassUniqueLocal},           // RFC 4193
	{"fd12:3456:789a::1", ClassUniqueLocal}, //
	{"169.254.1.1", ClassLinkLocal},         // RFC 3927
	{"fe80::1", ClassLinkLocal},             // IPv6 link-local
	{"febf::1", ClassLinkLocal},             //
	{"169.254.169.254", ClassMetadata},      // AWS, GCP, Azure metadata
	{"::ffff:169.254.169.254", ClassMetadata},
	{"64:ff9b::a9fe:a9fe", ClassMetadata}, // NAT64 of 169.254.169.254
	{"fd00:ec2::254", ClassMetadata},      // AWS metadata over IPv6
	{"100.100.100.200", ClassMetadata},    // Alibaba
	{"192.0.0.192", ClassMetadata},        // Oracle
	{"100.64.0.1", ClassShared},           // RFC 6598 CGNAT
	{"100.127.255.254", ClassShared},      //
	{"224.0.0.1", ClassMulticast},         //
	{"239.255.255.250", ClassMulticast},   // SSDP
	{"ff02::1", ClassMulticast},           //
	{"::ffff:224.0.0.251", ClassMulticast},
	{"255.255.255.255", ClassBroadcast},
	{"240.0.0.1", ClassReserved},        // future use
	{"192.0.2.1", ClassReserved},        // TEST-NET-1
	{"198.51.100.1", ClassReserved},     // TEST-NET-2
	{"203.0.113.1", ClassReserved},      // TEST-NET-3
	{"198.18.0.1", ClassReserved},       // benchmarking
	{"192.0.0.1", ClassReserved},        // IETF protocol assignments
	{"2001:db8::1", ClassReserved},      // documentation
	{"2001::1", ClassReserved},          // Teredo
	{"::7f00:1", ClassReserved},         // IPv4-compatible (deprecated)
	{"64:ff9b:1::a00:1", ClassReserved}, // local-use NAT64
	{"100::1", ClassReserved},           // discard-only
	{"4000::1", ClassReserved},          // outside 2000::/3
	{"fe80::1%eth0", ClassLinkLocal},    // zones do not hide the class
}

func TestClassify(t *testing.T) {
	for _, tc := range classCases {
		ip := netip.MustParseAddr(tc.addr)
		if got := Classify(ip); got != tc.want {
			t.Errorf("Classify(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if got := Classify(netip.Addr{}); got != ClassInvalid {
		t.Errorf("Classify(zero) = %v, want invalid", got)
	}
}

func TestClassStrings(t *testing.T) {
	for c := ClassPublic; c <= ClassInvalid; c++ {
		if c.String() == "" || c.Key() == "" || c.Key() == "unknown" {
			t.Errorf("class %d has no name", c)
		}
	}
	if Class(200).String() != "unknown address class" {
		t.Error("an out-of-range class has a name")
	}
}
