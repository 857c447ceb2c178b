//! Which network addresses Goose Pod may fetch from.
//!
//! A page named on the command line or found in a feed must not make Goose Pod talk to
//! the machine it runs on or to its private network (cloud metadata services, routers,
//! admin consoles…). [`classify`] says whether an address is public; an [`AddressGuard`]
//! refuses every address that is not, unless an [`AllowList`] (read from
//! [`ALLOW_ENV_VAR`]) lets it through.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// The environment variable holding the allow-list: comma-separated host names, IP
/// addresses and CIDRs, e.g. `127.0.0.1,localhost,10.0.0.0/8`.
pub const ALLOW_ENV_VAR: &str = "GOOSEPOD_FETCH_ALLOW";

/// Why an address is not a public, globally routable one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), IPv6 unique-local `fc00::/7` and
    /// the deprecated site-local `fec0::/10`.
    Private,
    /// `169.254.0.0/16` (cloud metadata services live there), `fe80::/10`.
    LinkLocal,
    /// Carrier-grade NAT, `100.64.0.0/10`.
    SharedNat,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// `0.0.0.0`, `::`.
    Unspecified,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// Every other special-purpose or unallocated range.
    Reserved,
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::SharedNat => "shared (carrier-grade NAT)",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::Unspecified => "unspecified",
            Self::Documentation => "documentation",
            Self::Reserved => "reserved",
        })
    }
}

/// Special-purpose IPv4 ranges; the first match wins, so narrow ranges come first.
const V4_RANGES: &[(Ipv4Net, AddressKind)] = &[
    (v4(0, 0, 0, 0, 32), AddressKind::Unspecified),
    (v4(0, 0, 0, 0, 8), AddressKind::Reserved),
    (v4(10, 0, 0, 0, 8), AddressKind::Private),
    (v4(100, 64, 0, 0, 10), AddressKind::SharedNat),
    (v4(127, 0, 0, 0, 8), AddressKind::Loopback),
    (v4(169, 254, 0, 0, 16), AddressKind::LinkLocal),
    (v4(172, 16, 0, 0, 12), AddressKind::Private),
    (v4(192, 0, 0, 0, 24), AddressKind::Reserved),
    (v4(192, 0, 2, 0, 24), AddressKind::Documentation),
    (v4(192, 88, 99, 0, 24), AddressKind::Reserved),
    (v4(192, 168, 0, 0, 16), AddressKind::Private),
    (v4(198, 18, 0, 0, 15), AddressKind::Reserved),
    (v4(198, 51, 100, 0, 24), AddressKind::Documentation),
    (v4(203, 0, 113, 0, 24), AddressKind::Documentation),
    (v4(224, 0, 0, 0, 4), AddressKind::Multicast),
    (v4(255, 255, 255, 255, 32), AddressKind::Broadcast),
    (v4(240, 0, 0, 0, 4), AddressKind::Reserved),
];

/// Special-purpose IPv6 ranges; addresses outside them and outside global unicast
/// (`2000::/3`) are reserved too.
const V6_RANGES: &[(Ipv6Net, AddressKind)] = &[
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), AddressKind::Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), AddressKind::Loopback),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), AddressKind::Private),
    (
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),
        AddressKind::LinkLocal,
    ),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), AddressKind::Private),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), AddressKind::Multicast),
    (
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32),
        AddressKind::Documentation,
    ),
    (
        v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),
        AddressKind::Documentation,
    ),
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), AddressKind::Reserved),
];

/// IPv6 global unicast, the only IPv6 space that holds ordinary web servers.
const V6_GLOBAL_UNICAST: Ipv6Net = v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix)
}

const fn v6(s: [u16; 8], prefix: u8) -> Ipv6Net {
    let ip = Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    Ipv6Net::new_assert(ip, prefix)
}

/// Says why `ip` is not public, or `None` when it is an ordinary public address.
///
/// IPv6 addresses that embed an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, NAT64
/// `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the address they embed.
pub fn classify(ip: IpAddr) -> Option<AddressKind> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressKind> {
    V4_RANGES
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|&(_, kind)| kind)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressKind> {
    if let Some(embedded) = embedded_v4(ip) {
        return classify_v4(embedded);
    }
    let special = V6_RANGES.iter().find(|(net, _)| net.contains(&ip));
    match special {
        Some(&(_, kind)) => Some(kind),
        None if !V6_GLOBAL_UNICAST.contains(&ip) => Some(AddressKind::Reserved),
        None => None,
    }
}

/// The IPv4 address an IPv4-mapped, NAT64 (well-known prefix) or 6to4 address embeds.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(from(hi, lo)),
        [0x2002, hi, lo, ..] => Some(from(hi, lo)),
        _ => None,
    }
}

/// Host names and networks that may be fetched even though they are not public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

/// An allow-list entry that is neither a host name, an IP address nor a CIDR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid entry `{entry}` in the fetch allow-list ({ALLOW_ENV_VAR}): expected a host name, \
     an IP address or a CIDR such as 10.0.0.0/8"
)]
pub struct AllowListError {
    /// The offending entry, as written.
    pub entry: String,
}

impl AllowList {
    /// Parses comma-separated host names, IP addresses and CIDRs; blank entries are
    /// ignored, so an empty string gives an empty list.
    pub fn parse(list: &str) -> Result<Self, AllowListError> {
        let mut allow = Self::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            allow.add(entry)?;
        }
        Ok(allow)
    }

    /// Reads [`ALLOW_ENV_VAR`]; an unset variable gives an empty list.
    pub fn from_env() -> Result<Self, AllowListError> {
        std::env::var(ALLOW_ENV_VAR).map_or_else(|_| Ok(Self::default()), |v| Self::parse(&v))
    }

    fn add(&mut self, entry: &str) -> Result<(), AllowListError> {
        let invalid = || AllowListError {
            entry: entry.to_owned(),
        };
        let bare = entry.trim_start_matches('[').trim_end_matches(']');
        if let Ok(net) = bare.parse::<IpNet>() {
            self.nets.push(net);
        } else if let Ok(ip) = bare.parse::<IpAddr>() {
            self.nets.push(IpNet::from(ip));
        } else if is_host_name(entry) {
            self.hosts.push(normalize_host(entry));
        } else {
            return Err(invalid());
        }
        Ok(())
    }

    /// Whether `host` (a DNS name) is on the list; case and a trailing dot are ignored.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = normalize_host(host);
        self.hosts.contains(&host)
    }

    /// Whether `ip` (or the IPv4 address it maps) lies in a listed network.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        self.nets
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canonical))
    }

    /// Whether nothing is allowed beyond public addresses.
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.nets.is_empty()
    }
}

/// A DNS name: letters, digits, `-`, `_` and dots, and not a malformed dotted quad.
fn is_host_name(entry: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let numeric = entry.chars().all(|c| c.is_ascii_digit() || c == '.');
    entry.chars().all(allowed) && !numeric
}

fn normalize_host(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Why the guard refused an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{ip} is a {kind} address")]
pub struct GuardError {
    /// The refused address.
    pub ip: IpAddr,
    /// What kind of non-public address it is.
    pub kind: AddressKind,
}

/// Refuses non-public addresses unless its [`AllowList`] lets them through.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    allow: AllowList,
}

impl AddressGuard {
    /// A guard letting through public addresses and whatever `allow` lists.
    pub fn new(allow: AllowList) -> Self {
        Self { allow }
    }

    /// A guard whose allow-list comes from [`ALLOW_ENV_VAR`].
    pub fn from_env() -> Result<Self, AllowListError> {
        AllowList::from_env().map(Self::new)
    }

    /// Accepts `ip` if it is public or allowed.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), GuardError> {
        match classify(ip) {
            Some(kind) if !self.allow.allows_ip(ip) => Err(GuardError { ip, kind }),
            _ => Ok(()),
        }
    }

    /// Checks a URL host before any connection: IP literals are checked right away
    /// (they never reach a resolver); DNS names are accepted here and checked once
    /// resolved, by [`check_resolved`](Self::check_resolved).
    pub fn check_host(&self, host: &url::Host<&str>) -> Result<(), GuardError> {
        match *host {
            url::Host::Ipv4(ip) => self.check_ip(ip.into()),
            url::Host::Ipv6(ip) => self.check_ip(ip.into()),
            url::Host::Domain(_) => Ok(()),
        }
    }

    /// Keeps the addresses `host` resolved to that may be contacted: all of them if the
    /// host name is allowed, else the public or allowed ones. Fails with the first
    /// refused address when none is left.
    pub fn check_resolved(&self, host: &str, ips: Vec<IpAddr>) -> Result<Vec<IpAddr>, GuardError> {
        if self.allow.allows_host(host) {
            return Ok(ips);
        }
        let mut first_refusal = None;
        let kept: Vec<IpAddr> = ips
            .into_iter()
            .filter(|&ip| match self.check_ip(ip) {
                Ok(()) => true,
                Err(refusal) => {
                    first_refusal.get_or_insert(refusal);
                    false
                }
            })
            .collect();
        match first_refusal {
            Some(refusal) if kept.is_empty() => Err(refusal),
            _ => Ok(kept),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> Option<AddressKind> {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.1.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv4_special_ranges_are_classified() {
        use AddressKind::*;
        for (ip, expected) in [
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.0.0.1", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", LinkLocal),
            ("100.64.0.1", SharedNat),
            ("100.127.255.255", SharedNat),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("255.255.255.255", Broadcast),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Reserved),
            ("192.0.0.8", Reserved),
            ("192.0.2.1", Documentation),
            ("198.51.100.7", Documentation),
            ("203.0.113.9", Documentation),
            ("198.18.0.1", Reserved),
            ("198.19.255.255", Reserved),
            ("240.0.0.1", Reserved),
            ("192.88.99.1", Reserved),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn ipv6_special_ranges_are_classified() {
        use AddressKind::*;
        for (ip, expected) in [
            ("::1", Loopback),
            ("::", Unspecified),
            ("fc00::1", Private),
            ("fd12:3456:789a::1", Private),
            ("fec0::1", Private),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("ff02::1", Multicast),
            ("2001:db8::1", Documentation),
            ("3fff::1", Documentation),
            ("2001::1", Reserved),
            ("100::1", Reserved),
            ("::2", Reserved),
            ("::127.0.0.1", Reserved),
            ("64:ff9b:1::1", Reserved),
            ("4000::1", Reserved),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn embedded_ipv4_is_judged_by_the_ipv4_address() {
        use AddressKind::*;
        for (ip, expected) in [
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:7f00:1", Loopback),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:169.254.169.254", LinkLocal),
            ("::ffff:0.0.0.0", Unspecified),
            ("::ffff:100.64.0.1", SharedNat),
            ("64:ff9b::10.0.0.1", Private),
            ("64:ff9b::127.0.0.1", Loopback),
            ("64:ff9b::a9fe:a9fe", LinkLocal),
            ("2002:c0a8:101::1", Private),
            ("2002:7f00:1::", Loopback),
        ] {
            assert_eq!(kind(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn allow_list_parses_hosts_addresses_and_networks() {
        let allow =
            AllowList::parse(" 127.0.0.1, LocalHost., 10.0.0.0/8,[::1],fd00::/8,,").unwrap();
        assert!(allow.allows_host("localhost"));
        assert!(allow.allows_host("LOCALHOST"));
        assert!(!allow.allows_host("example.com"));
        for ip in [
            "127.0.0.1",
            "10.9.8.7",
            "::1",
            "fd00::5",
            "::ffff:127.0.0.1",
        ] {
            assert!(allow.allows_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["127.0.0.2", "192.168.0.1", "fe80::1"] {
            assert!(!allow.allows_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn empty_allow_list() {
        assert!(AllowList::parse("").unwrap().is_empty());
        assert!(AllowList::parse(" , ,").unwrap().is_empty());
        assert!(AllowList::default().is_empty());
    }

    #[test]
    fn allow_list_rejects_malformed_entries() {
        for list in [
            "10.0.0.0/33",
            "300.1.1.1",
            "1.2.3",
            "exa mple.com",
            "http://x",
            "a/b",
        ] {
            let err = AllowList::parse(list).unwrap_err();
            assert!(err.to_string().contains(ALLOW_ENV_VAR), "{err}");
        }
    }

    #[test]
    fn guard_refuses_private_addresses_unless_allowed() {
        let guard = AddressGuard::default();
        let err = guard.check_ip("10.0.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(err.kind, AddressKind::Private);
        assert_eq!(err.to_string(), "10.0.0.1 is a private address");
        assert!(guard.check_ip("8.8.8.8".parse().unwrap()).is_ok());

        let guard = AddressGuard::new(AllowList::parse("10.0.0.0/8").unwrap());
        assert!(guard.check_ip("10.0.0.1".parse().unwrap()).is_ok());
        assert!(guard.check_ip("::ffff:10.0.0.1".parse().unwrap()).is_ok());
        assert!(guard.check_ip("192.168.0.1".parse().unwrap()).is_err());
    }

    #[test]
    fn guard_checks_ip_literal_hosts_only() {
        let guard = AddressGuard::default();
        let check = |s: &str| guard.check_host(&url::Url::parse(s).unwrap().host().unwrap());
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::1]:8080/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            assert!(check(url).is_err(), "{url}");
        }
        assert!(check("http://localhost/").is_ok());
        assert!(check("http://1.1.1.1/").is_ok());
    }

    #[test]
    fn resolved_addresses_are_filtered() {
        let ips = |list: &[&str]| list.iter().map(|s| s.parse().unwrap()).collect::<Vec<_>>();
        let guard = AddressGuard::default();
        let kept = guard.check_resolved("mixed.example", ips(&["10.0.0.1", "1.1.1.1"]));
        assert_eq!(kept.unwrap(), ips(&["1.1.1.1"]));
        let err = guard
            .check_resolved("localhost", ips(&["::1", "127.0.0.1"]))
            .unwrap_err();
        assert_eq!(err.kind, AddressKind::Loopback);

        let guard = AddressGuard::new(AllowList::parse("localhost").unwrap());
        let kept = guard.check_resolved("LocalHost", ips(&["::1", "127.0.0.1"]));
        assert_eq!(kept.unwrap(), ips(&["::1", "127.0.0.1"]));
    }
}
