//! Reading the hops a request went through from the forwarding headers: `Forwarded` (RFC 7239,
//! its `for=` parameters) and `X-Forwarded-For` (comma-separated addresses). Each hop is the
//! address one proxy saw, oldest first; `None` where a proxy wrote something that is not an
//! address (`unknown`, an obfuscated `_name`, junk).

use std::net::{IpAddr, SocketAddr};

/// The `for=` hops of every `Forwarded` header value, in order.
pub fn forwarded_hops<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Option<IpAddr>> {
    values
        .into_iter()
        .flat_map(split_outside_quotes::<','>)
        .map(|element| {
            split_outside_quotes::<';'>(element)
                .into_iter()
                .find_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| unquote(value.trim()))
                })
                .and_then(|node| parse_node(&node))
        })
        .collect()
}

/// The hops of every `X-Forwarded-For` header value, in order.
pub fn x_forwarded_for_hops<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Option<IpAddr>> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|hop| parse_node(hop.trim()))
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:4711`. IPv4-mapped IPv6 becomes IPv4.
pub fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if node.is_empty() || node.len() > 64 {
        return None;
    }
    let ip = if let Some(rest) = node.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || valid_port(after.strip_prefix(':')?)) {
            return None;
        }
        inside.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)?
    } else if let Ok(ip) = node.parse::<IpAddr>() {
        ip
    } else {
        node.parse::<SocketAddr>().ok()?.ip()
    };
    Some(ip.to_canonical())
}

fn valid_port(port: &str) -> bool {
    // RFC 7239 also allows an obfuscated port (`_abc`); the address is what matters.
    port.parse::<u16>().is_ok() || (port.starts_with('_') && port.len() > 1)
}

/// Split on `SEP` where it is not inside a quoted string (RFC 7230 quoted-string, with `\`
/// escapes).
fn split_outside_quotes<const SEP: char>(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == SEP && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn unquote(value: &str) -> String {
    match value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
    {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("test address"))
    }

    #[test]
    fn nodes_in_every_written_form() {
        for (node, expected) in [
            ("192.0.2.43", ip("192.0.2.43")),
            (" 192.0.2.43 ", ip("192.0.2.43")),
            ("192.0.2.43:47011", ip("192.0.2.43")),
            ("2001:db8:cafe::17", ip("2001:db8:cafe::17")),
            ("[2001:db8:cafe::17]", ip("2001:db8:cafe::17")),
            ("[2001:db8:cafe::17]:4711", ip("2001:db8:cafe::17")),
            ("[2001:db8:cafe::17]:_port", ip("2001:db8:cafe::17")),
            ("::ffff:192.0.2.9", ip("192.0.2.9")),
            ("[::ffff:192.0.2.9]:80", ip("192.0.2.9")),
            ("unknown", None),
            ("_hidden", None),
            ("", None),
            ("300.1.1.1", None),
            ("[2001:db8::1", None),
            ("[2001:db8::1]x", None),
            ("[2001:db8::1]:99999", None),
            ("[192.0.2.1]", None),
            ("example.com", None),
            ("192.0.2.1, 10.0.0.1", None),
        ] {
            assert_eq!(parse_node(node), expected, "{node:?}");
        }
    }

    #[test]
    fn forwarded_reads_the_for_parameter_of_each_element() {
        let hops = forwarded_hops([
            r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#,
            "for=unknown, proto=https;host=x, FOR = 198.51.100.17",
            r#"by=10.0.0.1;for="_gazonk""#,
            r#"for="198.51.100.1,evil";proto=http"#,
        ]);
        assert_eq!(
            hops,
            vec![
                ip("192.0.2.60"),
                ip("2001:db8:cafe::17"),
                None,
                None, // an element without `for`
                ip("198.51.100.17"),
                None,
                None, // a comma inside quotes is not a separator; the value is junk
            ]
        );
    }

    #[test]
    fn x_forwarded_for_is_a_comma_list() {
        assert_eq!(
            x_forwarded_for_hops(["203.0.113.7, 10.0.0.2", " 2001:db8::5 ,junk,"]),
            vec![
                ip("203.0.113.7"),
                ip("10.0.0.2"),
                ip("2001:db8::5"),
                None,
                None
            ]
        );
        assert_eq!(x_forwarded_for_hops(std::iter::empty()), Vec::new());
    }

    proptest! {
        #[test]
        fn any_address_survives_every_way_of_writing_it(v4 in any::<u32>(), v6 in any::<u128>(), port in any::<u16>()) {
            let a = IpAddr::V4(v4.into());
            prop_assert_eq!(parse_node(&a.to_string()), Some(a));
            prop_assert_eq!(parse_node(&format!("{a}:{port}")), Some(a));
            let b = IpAddr::V6(v6.into()).to_canonical();
            let v6 = std::net::Ipv6Addr::from(v6);
            prop_assert_eq!(parse_node(&v6.to_string()), Some(b));
            prop_assert_eq!(parse_node(&format!("[{v6}]:{port}")), Some(b));
            let header = format!("for=\"[{v6}]:{port}\", for={a}");
            prop_assert_eq!(forwarded_hops([header.as_str()]), vec![Some(b), Some(a)]);
        }

        #[test]
        fn junk_never_panics(text in "\\PC{0,80}") {
            let _ = forwarded_hops([text.as_str()]);
            let _ = x_forwarded_for_hops([text.as_str()]);
        }
    }
}
