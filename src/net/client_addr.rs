//! The client's address, as far as we can trust it, and the key it is throttled under.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use poem::http::HeaderMap;

use super::forwarded::{forwarded_hops, x_forwarded_for_hops};

/// The address a request came from: the TCP peer, or, when the peer is a trusted proxy, the
/// right-most untrusted address of its forwarding header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    pub fn new(ip: IpAddr) -> Self {
        Self(ip.to_canonical())
    }

    /// A request that came over no IP socket (never over TCP): all such share one key.
    pub fn unknown() -> Self {
        Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    pub fn ip(&self) -> IpAddr {
        self.0
    }

    /// What throttles count under: the IPv4 address, or the IPv6 /64 (one subscriber usually
    /// holds a whole /64 and can pick any address in it).
    pub fn throttle_key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        }
    }
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which header the trusted proxies write the client's address into. Only one is read: a proxy
/// that appends to `X-Forwarded-For` passes a client's own `Forwarded` header through untouched
/// (and the other way round), so reading the other header would let the client choose its
/// address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` (nginx `$proxy_add_x_forwarded_for`, HAProxy, Caddy, Traefik, most load
    /// balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded` (RFC 7239) `for=` parameters.
    Forwarded,
}

impl std::str::FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!("`{other}` is not `x-forwarded-for` or `forwarded`")),
        }
    }
}

/// The reverse proxies whose forwarding header we believe (`PASSPORT_TRUSTED_PROXIES`, a list of
/// CIDR blocks or single addresses; empty by default: the TCP peer is the client).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>, header: ForwardedHeader) -> Self {
        Self { nets, header }
    }

    /// `10.0.0.0/8, 192.168.1.5, fd00::/8`: comma- or space-separated CIDR blocks; a bare address
    /// is a block of one.
    pub fn parse_list(text: &str) -> Result<Vec<IpNet>, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{item}` is not an address or CIDR block"))
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`. An untrusted peer is the client, whatever its headers say. A
    /// trusted one forwarded the request: walk its header from the right (the newest hop),
    /// skipping our own proxies; the first address we do not trust is the client. A hop that
    /// is not an address stops the walk at the proxy that wrote it; a chain of only trusted
    /// addresses ends at its left-most.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return ClientAddr::new(peer);
        }
        let values = |name: &str| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
        };
        let hops = match self.header {
            ForwardedHeader::XForwardedFor => x_forwarded_for_hops(values("x-forwarded-for")),
            ForwardedHeader::Forwarded => forwarded_hops(values("forwarded")),
        };
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            match hop {
                Some(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        ClientAddr::new(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poem::http::HeaderValue;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    fn proxies(list: &str, header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies::new(TrustedProxies::parse_list(list).expect("list"), header)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn lists_parse_blocks_and_single_addresses() {
        let nets = TrustedProxies::parse_list("10.0.0.0/8, 192.168.1.5  fd00::/8,::1").expect("ok");
        assert_eq!(nets.len(), 4);
        let p = TrustedProxies::new(nets, ForwardedHeader::default());
        for (addr, trusted) in [
            ("10.200.3.4", true),
            ("11.0.0.1", false),
            ("192.168.1.5", true),
            ("192.168.1.6", false),
            ("fd12::1", true),
            ("fe80::1", false),
            ("::1", true),
            ("::ffff:10.1.1.1", true),
        ] {
            assert_eq!(p.trusts(ip(addr)), trusted, "{addr}");
        }
        assert!(TrustedProxies::parse_list("").expect("empty").is_empty());
        for bad in ["10.0.0.0/33", "proxy.local", "10.0.0", "fd00::/129"] {
            assert!(TrustedProxies::parse_list(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let p = proxies("10.0.0.0/8", ForwardedHeader::XForwardedFor);
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ]);
        assert_eq!(p.client(ip("203.0.113.9"), &h).ip(), ip("203.0.113.9"));
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.1"), &h).ip(), ip("10.0.0.1"));
    }

    #[test]
    fn a_trusted_peer_gives_the_right_most_untrusted_hop() {
        let xff = proxies(
            "10.0.0.0/8, 2001:db8:ffff::/48",
            ForwardedHeader::XForwardedFor,
        );
        let fwd = proxies("10.0.0.0/8, 2001:db8:ffff::/48", ForwardedHeader::Forwarded);
        let peer = ip("10.0.0.1");
        for (p, pairs, expected) in [
            // One proxy.
            (
                &xff,
                vec![("x-forwarded-for", "198.51.100.7")],
                "198.51.100.7",
            ),
            // A client-written value on the left is not believed.
            (
                &xff,
                vec![("x-forwarded-for", "1.2.3.4, 198.51.100.7")],
                "198.51.100.7",
            ),
            // Two of our proxies in a row.
            (
                &xff,
                vec![("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.9.9.9")],
                "198.51.100.7",
            ),
            // Several header lines read as one list.
            (
                &xff,
                vec![
                    ("x-forwarded-for", "1.2.3.4"),
                    ("x-forwarded-for", "198.51.100.8"),
                ],
                "198.51.100.8",
            ),
            // Only trusted hops: the left-most.
            (
                &xff,
                vec![("x-forwarded-for", "10.1.1.1, 10.2.2.2")],
                "10.1.1.1",
            ),
            // No header: the proxy itself.
            (&xff, vec![], "10.0.0.1"),
            // Junk where the client should be: the proxy that wrote it.
            (
                &xff,
                vec![("x-forwarded-for", "198.51.100.7, garbage, 10.3.3.3")],
                "10.3.3.3",
            ),
            (&xff, vec![("x-forwarded-for", "")], "10.0.0.1"),
            // The other header is ignored.
            (&xff, vec![("forwarded", "for=198.51.100.9")], "10.0.0.1"),
            (&fwd, vec![("x-forwarded-for", "198.51.100.9")], "10.0.0.1"),
            // Forwarded, with ports and quoted IPv6.
            (
                &fwd,
                vec![(
                    "forwarded",
                    r#"for=1.2.3.4, for="[2001:db8:1::5]:4711";proto=https"#,
                )],
                "2001:db8:1::5",
            ),
            (
                &fwd,
                vec![(
                    "forwarded",
                    r#"for=198.51.100.3:8080, for="[2001:db8:ffff::1]""#,
                )],
                "198.51.100.3",
            ),
            (&fwd, vec![("forwarded", "for=unknown")], "10.0.0.1"),
            // IPv4-mapped IPv6 is IPv4.
            (
                &xff,
                vec![("x-forwarded-for", "::ffff:198.51.100.4")],
                "198.51.100.4",
            ),
        ] {
            let h = headers(&pairs);
            assert_eq!(p.client(peer, &h).ip(), ip(expected), "{pairs:?}");
        }
    }

    #[test]
    fn a_mapped_ipv6_peer_is_matched_as_ipv4() {
        let p = proxies("127.0.0.1", ForwardedHeader::XForwardedFor);
        let h = headers(&[("x-forwarded-for", "198.51.100.5")]);
        assert_eq!(
            p.client(ip("::ffff:127.0.0.1"), &h).ip(),
            ip("198.51.100.5")
        );
    }

    #[test]
    fn throttle_keys_group_ipv6_by_64() {
        let a = ClientAddr::new(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddr::new(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        let c = ClientAddr::new(ip("2001:db8:1:3::1"));
        assert_eq!(a.throttle_key(), "2001:db8:1:2::/64");
        assert_eq!(a.throttle_key(), b.throttle_key());
        assert_ne!(a.throttle_key(), c.throttle_key());
        assert_eq!(
            ClientAddr::new(ip("198.51.100.1")).throttle_key(),
            "198.51.100.1"
        );
        assert_eq!(
            ClientAddr::new(ip("::ffff:198.51.100.1")).throttle_key(),
            "198.51.100.1"
        );
    }

    #[test]
    fn the_header_setting_reads_both_names() {
        assert_eq!(
            "X-Forwarded-For".parse(),
            Ok(ForwardedHeader::XForwardedFor)
        );
        assert_eq!(" forwarded ".parse(), Ok(ForwardedHeader::Forwarded));
        assert!("x-real-ip".parse::<ForwardedHeader>().is_err());
    }

    proptest! {
        /// Whatever a client prepends, behind one trusted proxy the answer is the address the
        /// proxy appended.
        #[test]
        fn prepended_hops_never_change_the_answer(
            forged in proptest::collection::vec("[0-9a-f.:, ]{0,20}", 0..5),
            real in any::<u32>(),
        ) {
            let real = IpAddr::V4(real.into());
            let p = proxies("10.0.0.0/8", ForwardedHeader::XForwardedFor);
            prop_assume!(!p.trusts(real));
            let mut value = forged.join(",");
            if !value.is_empty() { value.push(','); }
            value.push_str(&real.to_string());
            let h = headers(&[("x-forwarded-for", value.as_str())]);
            prop_assert_eq!(p.client(ip("10.0.0.1"), &h).ip(), real);
        }
    }
}
