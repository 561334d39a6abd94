use super::{DomainError, Email, Mobile, Username};

/// What someone types in the "account" field to log in or bind: a username, a mobile or an email.
///
/// The three forms cannot overlap, so the reading is never ambiguous: only emails contain `@`;
/// a mobile is digits (with optional `+86` and spaces), which no username can be, since
/// usernames are never all digits and have no `+` or spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountIdentifier {
    Username(Username),
    Mobile(Mobile),
    Email(Email),
}

impl AccountIdentifier {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let input = input.trim();
        // A full-width `＠` becomes `@` under the email's NFKC, so check for both.
        if input.contains('@') || input.contains('＠') {
            return Email::parse(input)
                .map(Self::Email)
                .map_err(|_| DomainError::InvalidAccount);
        }
        if let Ok(mobile) = Mobile::parse(input) {
            return Ok(Self::Mobile(mobile));
        }
        Username::parse(input)
            .map(Self::Username)
            .map_err(|_| DomainError::InvalidAccount)
    }

    /// `"username"`, `"mobile"` or `"email"`: which column to look the account up by.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Username(_) => "username",
            Self::Mobile(_) => "mobile",
            Self::Email(_) => "email",
        }
    }
}

impl AsRef<str> for AccountIdentifier {
    fn as_ref(&self) -> &str {
        match self {
            Self::Username(u) => u.as_ref(),
            Self::Mobile(m) => m.as_ref(),
            Self::Email(e) => e.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_each_form() {
        for (input, kind, value) in [
            ("alice", "username", "alice"),
            ("alice_01", "username", "alice_01"),
            ("13800138000", "mobile", "13800138000"),
            ("+86 138 0013 8000", "mobile", "13800138000"),
            ("Alice@Renran.cn", "email", "alice@renran.cn"),
            ("  bob@renran.cn ", "email", "bob@renran.cn"),
            ("ｂｏｂ＠ｒｅｎｒａｎ．ｃｎ", "email", "bob@renran.cn"),
        ] {
            let account = AccountIdentifier::parse(input).expect(input);
            assert_eq!(
                (account.kind(), account.as_ref()),
                (kind, value),
                "{input:?}"
            );
        }
    }

    #[test]
    fn refuses_what_is_none_of_them() {
        for input in [
            "",
            "ab",
            "alice@",
            "12345",
            "12800138000",
            "小明",
            "a b c d",
        ] {
            assert_eq!(
                AccountIdentifier::parse(input),
                Err(DomainError::InvalidAccount),
                "{input:?}"
            );
        }
    }

    proptest! {
        /// Whatever parses as one form fails as the other two: the reading is unambiguous.
        #[test]
        fn the_three_forms_never_overlap(input in "[a-z0-9@.+ _-]{1,24}|1[3-9][0-9]{9}|\\+86 ?1[3-9][0-9]{9}") {
            let as_username = Username::parse(&input).is_ok();
            let as_mobile = Mobile::parse(&input).is_ok();
            let as_email = Email::parse(&input).is_ok();
            prop_assert!(u8::from(as_username) + u8::from(as_mobile) + u8::from(as_email) <= 1, "{}", input);
            if let Ok(account) = AccountIdentifier::parse(&input) {
                let expected = if as_username { "username" } else if as_mobile { "mobile" } else { "email" };
                prop_assert_eq!(account.kind(), expected);
            } else {
                prop_assert!(!as_username && !as_mobile && !as_email);
            }
        }
    }
}
