//! Which addresses outbound requests may reach: the built-in list of non-public ranges and the `QUARRY_HTTP_ALLOWLIST` exceptions.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::{Error, Result};

/// The allow-list of hosts and networks that may be reached even though their
/// addresses are not public (an internal payments service, a test server).
///
/// The default policy allows nothing beyond public addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Lower-cased host names, matched exactly: `payments.internal` does not
    /// allow `api.payments.internal`.
    hosts: Vec<String>,
    networks: Vec<Network>,
}

impl AddressPolicy {
    /// Parses `QUARRY_HTTP_ALLOWLIST`: comma-separated host names, IP addresses
    /// and CIDR blocks, e.g. `payments.internal, 10.0.0.0/8, ::1`.
    pub fn from_allowlist(s: &str) -> Result<AddressPolicy> {
        let mut policy = AddressPolicy::default();
        for entry in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Some(network) = Network::parse(entry) {
                policy.networks.push(network);
            } else if is_host_name(entry) {
                policy.hosts.push(entry.to_ascii_lowercase());
            } else {
                return Err(Error::InvalidAllowlist(entry.to_owned()));
            }
        }
        Ok(policy)
    }

    /// Accepts a connection to `ip`, reached through `host` (the name in the
    /// URL, or the address itself for IP literals), when either is
    /// allow-listed or the address is public.
    pub fn check_ip(&self, host: &str, ip: IpAddr) -> Result<()> {
        if self.allows_host(host) || self.allows_ip(ip) || !is_forbidden_ip(ip) {
            Ok(())
        } else {
            Err(Error::Forbidden {
                host: host.to_owned(),
                // The address the packets would reach: `::ffff:127.0.0.1` is 127.0.0.1.
                ip: ip.to_canonical().to_string(),
            })
        }
    }

    fn allows_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|n| n.contains(ip))
    }
}

/// Whether `ip` is outside the public internet: loopback, private, link-local
/// (including the cloud metadata addresses), shared (CGNAT), documentation,
/// benchmarking, multicast, broadcast, reserved and unique-local ranges.
/// IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged
/// by that address, since that is where the packets end up.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => FORBIDDEN_V4.iter().any(|n| n.contains_v4(v4)),
        IpAddr::V6(v6) => match embedded_ipv4(v6) {
            Some(v4) => FORBIDDEN_V4.iter().any(|n| n.contains_v4(v4)),
            None => FORBIDDEN_V6.iter().any(|n| n.contains_v6(v6)),
        },
    }
}

/// The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address is
/// translated to. DNS64 resolvers on IPv6-only networks synthesise NAT64
/// addresses for public hosts, so those must stay reachable while
/// `64:ff9b::a00:1` (10.0.0.1) must not.
fn embedded_ipv4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = v6.to_bits();
    if NAT64.contains_v6(v6) {
        // The low 32 bits of the address; the cast keeps exactly those.
        Some(Ipv4Addr::from_bits(bits as u32))
    } else if SIX_TO_FOUR.contains_v6(v6) {
        Some(Ipv4Addr::from_bits((bits >> 80) as u32))
    } else {
        None
    }
}

const NAT64: Network = Network::v6(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);
const SIX_TO_FOUR: Network = Network::v6(Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16);

/// IPv4 special-purpose ranges (RFC 6890 and successors) that are not
/// globally reachable, so a legitimate external API never lives there.
const FORBIDDEN_V4: &[Network] = &[
    Network::v4(Ipv4Addr::new(0, 0, 0, 0), 8), // "this network"; 0.0.0.0 reaches the local host on Linux
    Network::v4(Ipv4Addr::new(10, 0, 0, 0), 8), // private
    Network::v4(Ipv4Addr::new(100, 64, 0, 0), 10), // shared address space (CGNAT), also Alibaba's metadata
    Network::v4(Ipv4Addr::new(127, 0, 0, 0), 8), // loopback
    Network::v4(Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, includes the metadata 169.254.169.254
    Network::v4(Ipv4Addr::new(172, 16, 0, 0), 12), // private
    Network::v4(Ipv4Addr::new(192, 0, 0, 0), 24), // IETF protocol assignments, includes Oracle's metadata
    Network::v4(Ipv4Addr::new(192, 0, 2, 0), 24), // documentation (TEST-NET-1)
    Network::v4(Ipv4Addr::new(192, 88, 99, 0), 24), // deprecated 6to4 relay anycast
    Network::v4(Ipv4Addr::new(192, 168, 0, 0), 16), // private
    Network::v4(Ipv4Addr::new(198, 18, 0, 0), 15), // benchmarking
    Network::v4(Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    Network::v4(Ipv4Addr::new(203, 0, 113, 0), 24), // documentation (TEST-NET-3)
    Network::v4(Ipv4Addr::new(224, 0, 0, 0), 4), // multicast
    Network::v4(Ipv4Addr::new(240, 0, 0, 0), 4), // reserved, includes the broadcast 255.255.255.255
];

/// IPv6 ranges that are not globally reachable. IPv4-mapped, NAT64 and 6to4
/// addresses never get here: they are judged by their IPv4 address.
const FORBIDDEN_V6: &[Network] = &[
    Network::v6(Ipv6Addr::UNSPECIFIED, 96), // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
    Network::v6(Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    Network::v6(Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard-only
    Network::v6(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32), // Teredo, which hides an IPv4 address
    Network::v6(Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48), // benchmarking
    Network::v6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    Network::v6(Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
    Network::v6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), // unique-local, includes AWS's fd00:ec2::254
    Network::v6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
    Network::v6(Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // deprecated site-local
    Network::v6(Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast
];

/// An IP network (an address with a prefix length), with the host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    V4 { bits: u32, prefix: u8 },
    V6 { bits: u128, prefix: u8 },
}

impl Network {
    const fn v4(addr: Ipv4Addr, prefix: u8) -> Network {
        Network::V4 { bits: addr.to_bits() & mask_v4(prefix), prefix }
    }

    const fn v6(addr: Ipv6Addr, prefix: u8) -> Network {
        Network::V6 { bits: addr.to_bits() & mask_v6(prefix), prefix }
    }

    /// Parses `10.0.0.0/8`, `fd00::/8` or a bare address (a network of one).
    /// IPv4-mapped IPv6 entries are stored as IPv4 so they match the canonical
    /// form that [`AddressPolicy::allows_ip`] compares against.
    fn parse(entry: &str) -> Option<Network> {
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => {
                // `u8::from_str` accepts a leading `+`; a prefix is digits only.
                if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (addr.parse::<IpAddr>().ok()?, Some(prefix.parse::<u8>().ok()?))
            }
            None => (entry.parse::<IpAddr>().ok()?, None),
        };
        match addr {
            IpAddr::V4(v4) => {
                let prefix = prefix.unwrap_or(32);
                (prefix <= 32).then(|| Network::v4(v4, prefix))
            }
            IpAddr::V6(v6) => {
                let prefix = prefix.unwrap_or(128);
                if prefix > 128 {
                    None
                } else if let (Some(v4), true) = (v6.to_ipv4_mapped(), prefix >= 96) {
                    Some(Network::v4(v4, prefix - 96))
                } else {
                    Some(Network::v6(v6, prefix))
                }
            }
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.contains_v4(v4),
            IpAddr::V6(v6) => self.contains_v6(v6),
        }
    }

    const fn contains_v4(&self, ip: Ipv4Addr) -> bool {
        match *self {
            Network::V4 { bits, prefix } => ip.to_bits() & mask_v4(prefix) == bits,
            Network::V6 { .. } => false,
        }
    }

    const fn contains_v6(&self, ip: Ipv6Addr) -> bool {
        match *self {
            Network::V6 { bits, prefix } => ip.to_bits() & mask_v6(prefix) == bits,
            Network::V4 { .. } => false,
        }
    }
}

const fn mask_v4(prefix: u8) -> u32 {
    // `checked_shl` because shifting a u32 by 32 overflows.
    match u32::MAX.checked_shl(32 - prefix as u32) {
        Some(mask) => mask,
        None => 0,
    }
}

const fn mask_v6(prefix: u8) -> u128 {
    match u128::MAX.checked_shl(128 - prefix as u32) {
        Some(mask) => mask,
        None => 0,
    }
}

/// A DNS name as the URL parser would keep it: labels of letters, digits,
/// `-` and `_`. A name whose last label is numeric (`127.1`) is rejected,
/// because URLs parse such hosts as IPv4 addresses, so the entry could never
/// match and would only mislead.
fn is_host_name(entry: &str) -> bool {
    let valid_label = |label: &str| {
        (1..=63).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let numeric_tail = entry.rsplit('.').next().is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()));
    entry.len() <= 253 && entry.split('.').all(valid_label) && !numeric_tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn forbidden_addresses() {
        for addr in [
            "0.0.0.0",
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.192",
            "192.0.2.10",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.200",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001:db8::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(is_forbidden_ip(ip(addr)), "{addr} should be forbidden");
        }
    }

    #[test]
    fn public_addresses() {
        for addr in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(!is_forbidden_ip(ip(addr)), "{addr} should be allowed");
        }
    }

    #[test]
    fn default_policy_refuses_loopback_and_allows_public() {
        let policy = AddressPolicy::default();
        assert_eq!(
            policy.check_ip("localhost", ip("127.0.0.1")),
            Err(Error::Forbidden { host: "localhost".into(), ip: "127.0.0.1".into() })
        );
        assert_eq!(policy.check_ip("example.com", ip("93.184.215.14")), Ok(()));
    }

    #[test]
    fn allowlist_parses_hosts_addresses_and_networks() {
        let policy = AddressPolicy::from_allowlist(
            " Payments.Internal , 127.0.0.1,, ::1 ,10.0.0.0/8, fd00::/8 , 192.168.7.9/24,",
        )
        .expect("valid allow-list");
        assert_eq!(policy.hosts, vec!["payments.internal".to_owned()]);
        assert_eq!(policy.networks.len(), 5);
        // Host bits of a CIDR entry are cleared rather than rejected.
        assert!(policy.allows_ip(ip("192.168.7.1")));
        assert!(AddressPolicy::from_allowlist("").expect("empty").networks.is_empty());
        assert_eq!(AddressPolicy::from_allowlist(" , ,"), Ok(AddressPolicy::default()));
    }

    #[test]
    fn allowlist_rejects_malformed_entries() {
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "/8",
            "300.1.1.1",
            "127.1",
            "http://payments.internal",
            "payments.internal:8080",
            "[::1]",
            "payments..internal",
            "payments.internal.",
            "pay ments",
            "*.internal",
        ] {
            assert_eq!(
                AddressPolicy::from_allowlist(&format!("ok.example, {bad}")),
                Err(Error::InvalidAllowlist(bad.to_owned())),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn host_entries_match_case_insensitively_and_exactly() {
        let policy = AddressPolicy::from_allowlist("payments.internal").expect("valid");
        assert_eq!(policy.check_ip("PAYMENTS.internal", ip("10.1.1.1")), Ok(()));
        assert!(policy.check_ip("api.payments.internal", ip("10.1.1.1")).is_err());
        assert!(policy.check_ip("payments.internal.evil", ip("10.1.1.1")).is_err());
    }

    #[test]
    fn cidr_entries_match_v4_and_v6() {
        let policy = AddressPolicy::from_allowlist("10.0.0.0/8, fd00::/8, 192.168.1.5").expect("valid");
        assert_eq!(policy.check_ip("a", ip("10.255.0.1")), Ok(()));
        assert!(policy.check_ip("a", ip("11.0.0.1")).is_ok(), "public anyway");
        assert!(policy.check_ip("a", ip("172.16.0.1")).is_err());
        assert_eq!(policy.check_ip("a", ip("fd12:3456::1")), Ok(()));
        assert!(policy.check_ip("a", ip("fc00::1")).is_err());
        assert_eq!(policy.check_ip("a", ip("192.168.1.5")), Ok(()));
        assert!(policy.check_ip("a", ip("192.168.1.6")).is_err());
    }

    #[test]
    fn ipv4_mapped_addresses_follow_their_ipv4_entries() {
        // An IPv4 entry covers the mapped form a resolver may return ...
        let policy = AddressPolicy::from_allowlist("10.0.0.0/8").expect("valid");
        assert_eq!(policy.check_ip("a", ip("::ffff:10.2.3.4")), Ok(()));
        assert!(policy.check_ip("a", ip("::ffff:127.0.0.1")).is_err());
        // ... and a mapped entry covers the plain IPv4 address.
        let policy = AddressPolicy::from_allowlist("::ffff:127.0.0.1, ::ffff:10.0.0.0/104").expect("valid");
        assert_eq!(policy.check_ip("a", ip("127.0.0.1")), Ok(()));
        assert_eq!(policy.check_ip("a", ip("10.9.9.9")), Ok(()));
        assert!(policy.check_ip("a", ip("127.0.0.2")).is_err());
    }

    #[test]
    fn allowing_loopback_v4_does_not_allow_loopback_v6() {
        let policy = AddressPolicy::from_allowlist("127.0.0.1").expect("valid");
        assert!(policy.check_ip("::1", ip("::1")).is_err());
        assert!(policy.check_ip("0.0.0.0", ip("0.0.0.0")).is_err());
    }
}
