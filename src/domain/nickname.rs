use unicode_normalization::UnicodeNormalization;

use super::{DomainError, plain_value};

/// A display name: 2..=20 characters after trimming, NFC-normalised.
///
/// Refused: control characters and invisible formatting characters (zero-width, bidirectional
/// overrides), `@` (reserved for emails), and all-digit names (they would look like a mobile or
/// an id). Inner spaces are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nickname(String);

pub const NICKNAME_MIN_CHARS: usize = 2;
pub const NICKNAME_MAX_CHARS: usize = 20;

impl Nickname {
    /// Outside [`NICKNAME_MIN_CHARS`]..=[`NICKNAME_MAX_CHARS`] (also the API's length refusal).
    pub const BAD_LENGTH: DomainError = DomainError::InvalidNickname("昵称长度应为2到20个字符");

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let nickname: String = input.trim().nfc().collect();
        let count = nickname.chars().count();
        if !(NICKNAME_MIN_CHARS..=NICKNAME_MAX_CHARS).contains(&count) {
            return Err(Self::BAD_LENGTH);
        }
        if nickname.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(DomainError::InvalidNickname(
                "昵称不能包含控制字符或不可见字符",
            ));
        }
        if nickname.contains(['@', '＠']) {
            return Err(DomainError::InvalidNickname("昵称不能包含 @"));
        }
        if nickname.chars().all(|c| c.is_numeric()) {
            return Err(DomainError::InvalidNickname("昵称不能全是数字"));
        }
        Ok(Self(nickname))
    }
}

/// Zero-width and bidirectional formatting characters: they make two names look alike or make
/// text render in a misleading order.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'              // soft hyphen
        | '\u{034F}'            // combining grapheme joiner
        | '\u{061C}'            // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{180E}'            // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM/RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'            // BOM / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
    )
}

plain_value!(Nickname);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_trims() {
        for (input, expected) in [
            ("小明", "小明"),
            ("  荏苒读者  ", "荏苒读者"),
            ("\u{3000}简书作者\u{3000}", "简书作者"), // ideographic spaces
            ("Alice B", "Alice B"),
            ("ab", "ab"),
            ("读书123", "读书123"),
            ("一二三", "一二三"), // CJK numerals are letters
            (&"字".repeat(20), &"字".repeat(20)),
            ("e\u{301}mile", "\u{e9}mile"), // NFC
        ] {
            assert_eq!(Nickname::parse(input).expect(input).as_ref(), expected);
        }
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "  ",
            "a",
            " 明 ",
            &"字".repeat(21),
            "13800138000",
            "12",
            "１２３", // full-width digits
            "me@home",
            "me＠home",
            "bad\nname",
            "tab\tname",
            "zero\u{200B}width",
            "evil\u{202E}txt",
            "bom\u{FEFF}name",
        ] {
            assert!(
                matches!(Nickname::parse(input), Err(DomainError::InvalidNickname(_))),
                "{input:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 20 CJK characters are 60 bytes and still fine; 2 emoji are 2 characters.
        assert!(Nickname::parse(&"荏".repeat(20)).is_ok());
        assert!(Nickname::parse("🙂🙂").is_ok());
    }

    proptest! {
        #[test]
        fn parsed_nicknames_keep_every_rule(input in "\\PC{0,30}") {
            if let Ok(n) = Nickname::parse(&input) {
                let s = n.as_ref();
                let count = s.chars().count();
                prop_assert!((2..=20).contains(&count));
                prop_assert_eq!(s.trim(), s);
                prop_assert!(!s.contains(['@', '＠']));
                prop_assert!(!s.chars().all(char::is_numeric));
                prop_assert!(!s.chars().any(|c| c.is_control() || is_invisible(c)));
                // Parsing is idempotent.
                prop_assert_eq!(Nickname::parse(s).expect("reparse"), n.clone());
            }
        }
    }
}
