use super::{DomainError, plain_value};

/// A login name: 4..=32 ASCII letters, digits, `_` and `-`, not all digits (so it never looks
/// like a mobile or an id). Surrounding whitespace is trimmed; case is kept as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

pub const USERNAME_MIN_CHARS: usize = 4;
pub const USERNAME_MAX_CHARS: usize = 32;

impl Username {
    /// Outside [`USERNAME_MIN_CHARS`]..=[`USERNAME_MAX_CHARS`] (also the API's length refusal).
    pub const BAD_LENGTH: DomainError = DomainError::InvalidUsername("用户名长度应为4到32个字符");
    /// A character other than ASCII letters, digits, `_` and `-` (also the API's pattern refusal).
    pub const BAD_CHARS: DomainError =
        DomainError::InvalidUsername("用户名只能包含字母、数字、下划线和连字符");

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = input.trim();
        if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&name.len()) {
            return Err(Self::BAD_LENGTH);
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Self::BAD_CHARS);
        }
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::InvalidUsername("用户名不能全是数字"));
        }
        Ok(Self(name.to_owned()))
    }
}

plain_value!(Username);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts() {
        for (input, expected) in [
            ("alice", "alice"),
            (" Alice_01 ", "Alice_01"),
            ("a-b-", "a-b-"),
            ("1234a", "1234a"),
            ("____", "____"),
            (&"x".repeat(32), &"x".repeat(32)),
        ] {
            assert_eq!(Username::parse(input).expect(input).as_ref(), expected);
        }
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "abc",
            &"x".repeat(33),
            "13800138000",
            "1234",
            "ali ce",
            "alice@renran.cn",
            "小明小明",
            "ａｌｉｃｅ", // full width
            "alice.b",
        ] {
            assert!(
                matches!(Username::parse(input), Err(DomainError::InvalidUsername(_))),
                "{input:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn valid_names_parse_unchanged(name in "[A-Za-z_-][A-Za-z0-9_-]{3,31}") {
            let parsed = Username::parse(&name).expect("valid");
            prop_assert_eq!(parsed.as_ref(), name.as_str());
        }

        #[test]
        fn all_digit_names_never_parse(name in "[0-9]{0,40}") {
            prop_assert!(Username::parse(&name).is_err());
        }
    }
}
