use super::{DomainError, plain_value};

/// A QQ Connect openid, kept exactly as QQ sent it.
///
/// QQ documents 32 uppercase hex digits (`91EF4826024612D98DD712EC4AA11B9B`), but we accept any
/// 16..=64 ASCII letters and digits: refusing a real user because QQ changed its format (or
/// another QQ app type sends another shape) would be worse than storing an odd-looking id, and
/// the value only ever comes from QQ's own server answer. We never change its case: the
/// database compares openids case-sensitively, and so must we.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpenId(String);

impl OpenId {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let valid =
            (16..=64).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Self(input.to_owned()))
        } else {
            Err(DomainError::InvalidOpenId)
        }
    }

    /// For the admin panel: the first and last four characters, e.g. `91EF…1B9B`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// `D5A3…E0B2`: enough to tell stored openids apart in a list and an audit entry, not enough to
/// be the identifier. Very short values are starred out whole.
pub fn mask(openid: &str) -> String {
    let chars: Vec<char> = openid.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

plain_value!(OpenId);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_openids_are_masked() {
        assert_eq!(mask("D5A3C1B9E7F2A4C6E8B0D2F4A6C8E0B2"), "D5A3…E0B2");
        assert_eq!(mask("SHORT"), "*****");
    }

    #[test]
    fn accepts_qq_openids_as_sent() {
        for input in [
            "91EF4826024612D98DD712EC4AA11B9B",
            "F1B5285FF5FF77DB097474C25273C01F",
            "f1b5285ff5ff77db097474c25273c01f",
            "0123456789abcdef",
        ] {
            assert_eq!(
                OpenId::parse(input).expect(input).as_ref(),
                input,
                "case is kept"
            );
        }
        assert_ne!(
            OpenId::parse("F1B5285FF5FF77DB097474C25273C01F").expect("upper"),
            OpenId::parse("f1b5285ff5ff77db097474c25273c01f").expect("lower"),
            "openids differing in case are different openids"
        );
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "0123456789abcde", // 15
            &"A".repeat(65),
            " 91EF4826024612D98DD712EC4AA11B9B", // not trimmed: QQ never sends spaces
            "91EF4826-0246-12D9-8DD7-12EC4AA11B9B",
            "UID_95588F17205C4CFA583DCAF8F0FE89D9", // a unionid, not an openid
            "91EF4826024612D98DD712EC4AA11B9Ｂ",
        ] {
            assert_eq!(
                OpenId::parse(input),
                Err(DomainError::InvalidOpenId),
                "{input:?}"
            );
        }
    }

    #[test]
    fn masked_shows_only_the_ends() {
        let id = OpenId::parse("91EF4826024612D98DD712EC4AA11B9B").expect("valid");
        assert_eq!(id.masked(), "91EF…1B9B");
    }

    proptest! {
        #[test]
        fn uppercase_hex_32_always_parses_unchanged(input in "[0-9A-F]{32}") {
            let id = OpenId::parse(&input).expect("valid");
            prop_assert_eq!(id.as_ref(), input.as_str());
            prop_assert_eq!(id.masked().chars().count(), 9);
        }
    }
}
