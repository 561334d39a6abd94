//! `next`: where to send the person after login. Only a same-site relative path is allowed, so a
//! login link can never bounce someone to another site (open redirect).

use std::fmt;

/// A path on our own site, like `/books/12?tab=notes#top`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SafeNext(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("next must be a relative path on this site")]
pub struct UnsafeNext;

impl SafeNext {
    pub fn root() -> Self {
        Self("/".into())
    }

    /// Accept `/path…` only. Refused: absolute URLs (`http:`, `javascript:`), protocol-relative
    /// `//host`, the backslash forms browsers read as `//` (`/\host`, `\\host`), any control or
    /// whitespace character (`/\t/host` is `//host` to a browser), and anything too long.
    pub fn parse(text: &str) -> Result<Self, UnsafeNext> {
        let bytes = text.as_bytes();
        let ok = !text.is_empty()
            && text.len() <= 2048
            && bytes[0] == b'/'
            && !matches!(bytes.get(1), Some(b'/') | Some(b'\\'))
            && !text.contains('\\')
            && !text.chars().any(|c| c.is_control() || c.is_whitespace())
            // Percent-encoded slashes or backslashes right after the first slash decode to `//`.
            && !text[1..].to_ascii_lowercase().starts_with("%2f")
            && !text[1..].to_ascii_lowercase().starts_with("%5c");
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(UnsafeNext)
        }
    }

    /// `None` or empty means the home page.
    pub fn parse_optional(text: Option<&str>) -> Result<Self, UnsafeNext> {
        match text.map(str::trim) {
            None | Some("") => Ok(Self::root()),
            Some(t) => Self::parse(t),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SafeNext {
    type Error = UnsafeNext;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SafeNext> for String {
    fn from(value: SafeNext) -> Self {
        value.0
    }
}

impl fmt::Display for SafeNext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn same_site_paths_pass() {
        for ok in [
            "/",
            "/books/12",
            "/a?b=c&d=/e",
            "/search?q=%E8%8D%8F",
            "/x#frag",
            "/@user",
        ] {
            assert_eq!(SafeNext::parse(ok).map(|n| n.0), Ok(ok.to_string()), "{ok}");
        }
        assert_eq!(SafeNext::parse_optional(None), Ok(SafeNext::root()));
        assert_eq!(SafeNext::parse_optional(Some("")), Ok(SafeNext::root()));
    }

    #[test]
    fn open_redirect_tricks_are_refused() {
        for bad in [
            "//evil.com",
            "///evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "/\\/evil.com",
            "http://evil.com",
            "https:evil.com",
            "javascript:alert(1)",
            "evil.com",
            "/\t/evil.com",
            "/\n/evil.com",
            "/%2f/evil.com",
            "/%2F%2Fevil.com",
            "/%5cevil.com",
            " /path",
            "/pa th",
            "/\u{0}",
            "/\u{2028}x",
        ] {
            assert_eq!(SafeNext::parse(bad), Err(UnsafeNext), "{bad:?}");
        }
        assert_eq!(
            SafeNext::parse(&format!("/{}", "a".repeat(3000))),
            Err(UnsafeNext)
        );
    }

    /// The cases in `openapi/next-cases.json`, which the web app's `isSafeNext` runs too: both
    /// sides apply exactly the same rules.
    #[test]
    fn the_shared_cases_hold() {
        #[derive(serde::Deserialize)]
        struct Case {
            next: Option<String>,
            prefix: Option<String>,
            repeat: Option<String>,
            times: Option<usize>,
            safe: bool,
        }
        #[derive(serde::Deserialize)]
        struct Cases {
            cases: Vec<Case>,
        }
        let shared: Cases =
            serde_json::from_str(include_str!("../../openapi/next-cases.json")).expect("cases");
        assert!(shared.cases.len() > 40);
        for case in shared.cases {
            let next = match (case.next, case.prefix, case.repeat, case.times) {
                (Some(next), None, None, None) => next,
                (None, Some(prefix), Some(repeat), Some(times)) => prefix + &repeat.repeat(times),
                _ => panic!("a case has `next`, or `prefix`, `repeat` and `times`"),
            };
            assert_eq!(
                SafeNext::parse(&next).is_ok(),
                case.safe,
                "{next:?} ({} bytes)",
                next.len()
            );
        }
    }

    proptest! {
        #[test]
        fn whatever_passes_is_a_rooted_path_no_browser_reads_as_another_host(s in "\\PC{0,40}") {
            if let Ok(next) = SafeNext::parse(&s) {
                let t = next.as_str();
                prop_assert!(t.starts_with('/'));
                prop_assert!(!t.starts_with("//"));
                prop_assert!(!t.contains('\\'));
                // Resolved against our origin, it stays on our origin.
                let base = url::Url::parse("https://www.renran.cn/").expect("base");
                let joined = base.join(t).expect("joins");
                prop_assert_eq!(joined.host_str(), Some("www.renran.cn"));
            }
        }
    }
}
