use unicode_normalization::UnicodeNormalization;

use super::{DomainError, plain_value};

/// An email address, canonicalised: trimmed, Unicode NFKC (full-width `ａ` becomes `a`),
/// lowercased. Then a sane check, not full RFC 5322: exactly one `@`; a local part of 1..=64
/// bytes without spaces, quotes or `()<>[]\,;:`, and no leading, trailing or doubled dot; a
/// domain of dot-separated labels (letters, digits, `-` not at either end, at most 63 bytes) with
/// at least two labels and a non-numeric last one; at most 254 bytes in all.
///
/// Lowercasing the local part is a product decision: two accounts must not differ by case only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

pub const EMAIL_MAX_BYTES: usize = 254;

impl Email {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        // Bound the work before normalising (NFKC can expand text).
        if trimmed.len() > EMAIL_MAX_BYTES * 4 {
            return Err(DomainError::InvalidEmail);
        }
        let email: String = trimmed.nfkc().collect::<String>().to_lowercase();
        if email.len() > EMAIL_MAX_BYTES {
            return Err(DomainError::InvalidEmail);
        }
        let (local, domain) = email.split_once('@').ok_or(DomainError::InvalidEmail)?;
        if valid_local(local) && valid_domain(domain) {
            Ok(Self(email))
        } else {
            Err(DomainError::InvalidEmail)
        }
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

fn valid_local(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !super::nickname::is_invisible(c)
                && !matches!(
                    c,
                    '@' | '"' | '(' | ')' | '<' | '>' | '[' | ']' | '\\' | ',' | ';' | ':'
                )
        })
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

plain_value!(Email);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_canonicalises() {
        for (input, expected) in [
            ("reader@renran.cn", "reader@renran.cn"),
            (
                "  Reader.Name+tag@Example.COM ",
                "reader.name+tag@example.com",
            ),
            ("ｒｅａｄｅｒ＠ｒｅｎｒａｎ．ｃｎ", "reader@renran.cn"), // full width, NFKC
            ("a@b.co", "a@b.co"),
            (
                "user_1-x@mail.sub-domain.example.org",
                "user_1-x@mail.sub-domain.example.org",
            ),
            ("读者@荏苒.中国", "读者@荏苒.中国"),
        ] {
            assert_eq!(Email::parse(input).expect(input).as_ref(), expected);
        }
    }

    #[test]
    fn refuses() {
        let long_local = format!("{}@renran.cn", "a".repeat(65));
        let long_total = format!("{}@{}.cn", "a".repeat(60), "b".repeat(200));
        for input in [
            "",
            "plain",
            "@renran.cn",
            "reader@",
            "reader@renran",
            "reader@@renran.cn",
            "a@b@renran.cn",
            "re ader@renran.cn",
            "reader@renran..cn",
            "reader@.renran.cn",
            "reader@renran.cn.",
            "reader@-renran.cn",
            "reader@renran-.cn",
            "reader@renran.123",
            ".reader@renran.cn",
            "reader.@renran.cn",
            "re..ader@renran.cn",
            "\"quoted\"@renran.cn",
            "<reader@renran.cn>",
            "reader@ren_ran.cn",
            "reader\u{200B}@renran.cn",
            &long_local,
            &long_total,
        ] {
            assert_eq!(
                Email::parse(input),
                Err(DomainError::InvalidEmail),
                "{input:?}"
            );
        }
    }

    #[test]
    fn domain_is_the_part_after_the_at() {
        assert_eq!(
            Email::parse("x@renran.cn").expect("valid").domain(),
            "renran.cn"
        );
    }

    proptest! {
        #[test]
        fn simple_addresses_parse_lowercased(local in "[A-Za-z0-9][A-Za-z0-9._+-]{0,20}[A-Za-z0-9]", host in "[A-Za-z0-9]{1,20}", tld in "[A-Za-z]{2,6}") {
            prop_assume!(!local.contains(".."));
            let input = format!("{local}@{host}.{tld}");
            let parsed = Email::parse(&input).expect("valid");
            let expected = input.to_lowercase();
            prop_assert_eq!(parsed.as_ref(), expected.as_str());
        }

        #[test]
        fn parsing_is_idempotent(input in "\\PC{0,40}") {
            if let Ok(e) = Email::parse(&input) {
                prop_assert_eq!(Email::parse(e.as_ref()).expect("reparse"), e.clone());
                prop_assert_eq!(e.as_ref().matches('@').count(), 1);
            }
        }
    }
}
