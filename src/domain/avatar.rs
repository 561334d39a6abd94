use super::{DomainError, plain_value};

/// An avatar: empty (none) or an `https://` URL with a host, at most 512 characters, without
/// whitespace or quotes (it ends up in `<img src>` on other sites' pages).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Avatar(String);

pub const AVATAR_MAX_CHARS: usize = 512;

impl Avatar {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(Self(String::new()));
        }
        if text.chars().count() > AVATAR_MAX_CHARS
            || text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'))
        {
            return Err(DomainError::InvalidAvatar);
        }
        match url::Url::parse(text) {
            Ok(url) if url.scheme() == "https" && url.host_str().is_some_and(|h| !h.is_empty()) => {
                Ok(Self(text.to_owned()))
            }
            _ => Err(DomainError::InvalidAvatar),
        }
    }
}

plain_value!(Avatar);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_https_urls_are_avatars() {
        assert_eq!(Avatar::parse("").expect("empty").as_ref(), "");
        assert_eq!(Avatar::parse("  ").expect("blank").as_ref(), "");
        let url = "https://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=100";
        assert_eq!(Avatar::parse(url).expect("https").as_ref(), url);
    }

    #[test]
    fn other_schemes_and_junk_are_refused() {
        for bad in [
            "http://example.com/a.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://",
            "https://exa mple.com/a.png",
            "https://example.com/\"onerror=x",
            "/relative.png",
            &format!("https://example.com/{}", "a".repeat(600)),
        ] {
            assert_eq!(Avatar::parse(bad), Err(DomainError::InvalidAvatar), "{bad}");
        }
    }
}
