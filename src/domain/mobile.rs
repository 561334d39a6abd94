use super::{DomainError, plain_value};

/// A mainland China mobile number, normalised to its 11 digits (`1[3-9]` then 9 digits).
///
/// Accepts spaces anywhere (`138 0013 8000`) and a `+86` / `86` / `0086` country prefix, which
/// is removed. Hyphens are refused, so no mobile can also be a valid [`Username`](super::Username).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() > 16 {
            return Err(DomainError::InvalidMobile);
        }
        let digits = ["+86", "0086", "86"]
            .iter()
            .find_map(|prefix| compact.strip_prefix(prefix).filter(|rest| rest.len() == 11))
            .unwrap_or(&compact);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(DomainError::InvalidMobile)
        }
    }
}

plain_value!(Mobile);

impl Mobile {
    /// For display, as Chinese sites show it: `138****8000`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// `138****8000` for a stored 11-digit mobile; anything else (never stored) keeps only its
/// first and last characters.
pub fn mask(mobile: &str) -> String {
    let chars: Vec<char> = mobile.chars().collect();
    if chars.len() == 11 {
        format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[7..].iter().collect::<String>()
        )
    } else {
        match (chars.first(), chars.last()) {
            (Some(first), Some(last)) if chars.len() > 2 => format!("{first}****{last}"),
            _ => "****".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masked_keeps_the_first_three_and_last_four() {
        assert_eq!(
            Mobile::parse("13800138000").expect("mobile").masked(),
            "138****8000"
        );
        assert_eq!(mask("12"), "****");
    }

    #[test]
    fn accepts_and_normalises() {
        for (input, expected) in [
            ("13800138000", "13800138000"),
            (" 13800138000 ", "13800138000"),
            ("138 0013 8000", "13800138000"),
            ("+8613800138000", "13800138000"),
            ("+86 138 0013 8000", "13800138000"),
            ("8613800138000", "13800138000"),
            ("008619912345678", "19912345678"),
            ("\t15012345678\n", "15012345678"),
        ] {
            assert_eq!(Mobile::parse(input).expect(input).as_ref(), expected);
        }
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "   ",
            "1380013800",     // 10 digits
            "138001380000",   // 12 digits
            "12800138000",    // second digit 2
            "10800138000",    // second digit 0
            "23800138000",    // not starting with 1
            "138-0013-8000",  // hyphens
            "+8513800138000", // another country
            "+86138001380",   // prefix with too few digits
            "86",
            "+86",
            "１３８００１３８０００", // full-width digits
            "1380013800a",
            "+8613800138000x",
        ] {
            assert_eq!(
                Mobile::parse(input),
                Err(DomainError::InvalidMobile),
                "{input:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_valid_number_parses_to_itself(second in 3u8..=9, rest in "[0-9]{9}") {
            let number = format!("1{second}{rest}");
            let plain = Mobile::parse(&number).expect("valid");
            prop_assert_eq!(plain.as_ref(), number.as_str());
            let prefixed = format!("+86 {number}");
            let from_prefixed = Mobile::parse(&prefixed).expect("valid");
            prop_assert_eq!(from_prefixed.as_ref(), number.as_str());
        }

        #[test]
        fn parsed_values_are_always_eleven_digits(input in "\\PC{0,20}") {
            if let Ok(m) = Mobile::parse(&input) {
                prop_assert_eq!(m.as_ref().len(), 11);
                prop_assert!(m.as_ref().bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
