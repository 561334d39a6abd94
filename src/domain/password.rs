use std::fmt;

use super::DomainError;

/// A new password that meets the policy: 8..=128 characters, at least two of the classes letters,
/// digits and symbols (anything else printable, spaces included), no control characters, not
/// only whitespace. Never trimmed or normalised: what is typed is what is hashed.
///
/// `Debug` prints `Password([REDACTED])`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

impl Password {
    /// Shorter than [`PASSWORD_MIN_CHARS`] (also what the API's `minLength` refusal answers).
    pub const TOO_SHORT: DomainError = DomainError::InvalidPassword("密码至少需要8个字符");
    /// Longer than [`PASSWORD_MAX_CHARS`] (also the API's `maxLength` refusal).
    pub const TOO_LONG: DomainError = DomainError::InvalidPassword("密码不能超过128个字符");

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let count = input.chars().count();
        if count < PASSWORD_MIN_CHARS {
            return Err(Self::TOO_SHORT);
        }
        if count > PASSWORD_MAX_CHARS {
            return Err(Self::TOO_LONG);
        }
        if input.chars().all(char::is_whitespace) {
            return Err(DomainError::InvalidPassword("密码不能全是空白字符"));
        }
        if input.chars().any(char::is_control) {
            return Err(DomainError::InvalidPassword("密码不能包含控制字符"));
        }
        let letters = input.chars().any(char::is_alphabetic);
        let digits = input.chars().any(|c| c.is_ascii_digit());
        let symbols = input
            .chars()
            .any(|c| !c.is_alphabetic() && !c.is_ascii_digit());
        if [letters, digits, symbols]
            .iter()
            .filter(|&&has| has)
            .count()
            < 2
        {
            return Err(DomainError::InvalidPassword(
                "密码需包含字母、数字、符号中的至少两类",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    /// The password itself, for hashing. Grep for `expose` to audit where it flows.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Password {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts() {
        for input in [
            "abcdefg1",
            "12345678!",
            "pass word",        // letters + a space (symbol)
            "荏苒荏苒荏苒1234", // CJK letters count as letters
            " leading1",        // kept as typed
            &format!("a1{}", "x".repeat(126)),
        ] {
            let p = Password::parse(input).expect(input);
            assert_eq!(p.expose(), input, "never altered");
        }
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "abc1",
            "abcdefgh", // one class
            "12345678", // one class
            "!@#$%^&*", // one class
            "        ", // whitespace only
            "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}",
            "abcd\n1234", // control character
            "abcd\u{0}1234",
            &format!("a1{}", "x".repeat(127)), // 129 characters
        ] {
            assert!(
                matches!(Password::parse(input), Err(DomainError::InvalidPassword(_))),
                "{input:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 7 CJK characters are 21 bytes but only 7 characters.
        assert!(Password::parse("荏苒荏苒荏苒1").is_err());
        assert!(Password::parse("荏苒荏苒荏苒12").is_ok());
    }

    #[test]
    fn debug_never_prints_the_password() {
        let p = Password::parse("hunter2-secret").expect("valid");
        let printed = format!("{p:?} {:?}", Some(p.clone()));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("REDACTED"));
    }

    proptest! {
        #[test]
        fn letters_plus_digits_of_valid_length_pass(letters in "[a-zA-Z]{1,60}", digits in "[0-9]{1,60}") {
            let input = format!("{letters}{digits}");
            prop_assume!(input.len() >= 8);
            prop_assert!(Password::parse(&input).is_ok());
        }

        #[test]
        fn a_single_class_never_passes(input in "[a-z]{0,140}|[0-9]{0,140}|[!-/]{0,140}") {
            prop_assert!(Password::parse(&input).is_err());
        }
    }
}
