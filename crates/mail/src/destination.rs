//! Which network addresses a workspace-provided SMTP host may lead to. A workspace must not be able
//! to make the server talk to its own machine or network (loopback, private, link-local, CGNAT,
//! unique-local, unspecified …): those are refused unless the operator allows them.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an address is a public, unicast Internet address (the only kind a workspace's SMTP
/// host may resolve to unless the operator allows private destinations).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_public_v4(a),
        IpAddr::V6(a) => is_public_v6(a),
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    !(o0 == 0 // "this network", 0.0.0.0 (unspecified) included
        || a.is_loopback() // 127/8
        || a.is_private() // 10/8, 172.16/12, 192.168/16
        || a.is_link_local() // 169.254/16
        || (o0 == 100 && (o1 & 0xc0) == 64) // CGNAT 100.64/10
        || (o0 == 192 && o1 == 0 && o2 == 0) // IETF protocol assignments 192.0.0/24
        || (o0 == 198 && (o1 & 0xfe) == 18) // benchmarking 198.18/15
        || a.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || a.is_multicast() // 224/4
        || o0 >= 240) // reserved 240/4 and broadcast
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let [s0, s1, s2, s3, s4, s5, s6, s7] = a.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides.
    if s0 == 0x64 && s1 == 0xff9b && s2 == 0 && s3 == 0 && s4 == 0 && s5 == 0 {
        return is_public_v4(embedded(s6, s7));
    }
    if s0 == 0x2002 {
        return is_public_v4(embedded(s1, s2));
    }
    !((s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0 && s4 == 0 && s5 == 0) // ::, ::1, IPv4-compatible
        || (s0 & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s0 & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s0 & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (s0 & 0xff00) == 0xff00 // multicast
        || (s0 == 0x2001 && s1 == 0x0db8) // documentation
        || (s0 == 0x0100 && s1 == 0 && s2 == 0 && s3 == 0)) // discard-only 100::/64
}

/// The IP address a host field names literally (`10.0.0.1`, `::1`, `[::1]`), if it does.
pub fn literal_ip(host: &str) -> Option<IpAddr> {
    let h = host.trim();
    let h = h
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(h);
    h.parse().ok()
}

/// Whether a host name always means this machine (`localhost`, `*.localhost`, RFC 6761).
pub fn is_local_name(host: &str) -> bool {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

/// Whether `host` is a syntactically valid SMTP host: an IP literal or a DNS name of letters,
/// digits, hyphens and dots (labels of 1 to 63 characters).
pub fn is_host(host: &str) -> bool {
    if literal_ip(host).is_some() {
        return true;
    }
    let h = host.strip_suffix('.').unwrap_or(host);
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn refuses_local_private_and_special_addresses() {
        for s in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "203.0.113.5",
            "::",
            "::1",
            "fd00::1",
            "fc12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:0101::1",
            "2001:db8::1",
        ] {
            assert!(!public(s), "{s} must be refused");
        }
    }

    #[test]
    fn accepts_public_addresses() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2a00:1450:4007:80e::201a",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(public(s), "{s} is public");
        }
    }

    #[test]
    fn literal_addresses_and_names() {
        assert_eq!(literal_ip("[::1]"), Some("::1".parse().unwrap()));
        assert_eq!(literal_ip(" 10.0.0.1 "), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(literal_ip("smtp.example.org"), None);
        assert!(is_local_name("LocalHost."));
        assert!(is_local_name("mail.localhost"));
        assert!(!is_local_name("localhost.example.org"));
        assert!(is_host("smtp.example.org"));
        assert!(is_host("mail-1.example.org."));
        assert!(is_host("[::1]"));
        assert!(!is_host("smtp.example.org:25"));
        assert!(!is_host("a b"));
        assert!(!is_host("-bad.example.org"));
        assert!(!is_host("a..b"));
    }
}
