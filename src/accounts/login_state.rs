//! Login CSRF at the API: a social login `state` works only in the browser that asked for it, and
//! only once.
//!
//! - `GET /api/oauth/{provider}/authorize-url` gives the browser an `HttpOnly; SameSite=Lax`
//!   cookie ([`cookie_name`]: `passport_qq_login`, `passport_wechat_login`, …, path
//!   [`cookie_path`]: `/api/oauth/{provider}`) holding a random [`BrowserNonce`]; the signed state
//!   carries a keyed hash of it ([`browser_binding`]). A browser that already has the cookie keeps
//!   it, so two tabs can log in at once.
//! - `POST /api/oauth/{provider}/callback` refuses a state whose browser hash does not match the
//!   cookie sent with it (none, or another browser's), then spends it: the keyed hash of the
//!   state's nonce goes into `used_login_states`, whose primary key lets one callback through
//!   (`callback_replay::admit`, which also answers a retry of the same callback).

use url::Url;

use super::social_login::SocialLoginError;
use crate::crypto::token_cipher::{CryptoError, HashPurpose, KeyedHasher, random_token};
use crate::oauth::ProviderKind;

/// QQ's login cookie (each provider has its own: [`cookie_name`]).
pub const COOKIE_NAME: &str = "passport_qq_login";
/// QQ's cookie goes only to the QQ login endpoints ([`cookie_path`]).
pub const COOKIE_PATH: &str = "/api/oauth/qq";

/// `passport_{provider}_login`.
pub fn cookie_name(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Qq => COOKIE_NAME,
        ProviderKind::Wechat => "passport_wechat_login",
        ProviderKind::Weibo => "passport_weibo_login",
    }
}

/// `/api/oauth/{provider}`: the cookie goes only to that provider's login endpoints.
pub fn cookie_path(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Qq => COOKIE_PATH,
        ProviderKind::Wechat => "/api/oauth/wechat",
        ProviderKind::Weibo => "/api/oauth/weibo",
    }
}

/// The random value in the browser's login cookie: 32 bytes, URL-safe base64 (43 characters).
#[derive(Clone, PartialEq, Eq)]
pub struct BrowserNonce(String);

impl std::fmt::Debug for BrowserNonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BrowserNonce([REDACTED])")
    }
}

impl BrowserNonce {
    pub fn fresh() -> Result<Self, CryptoError> {
        random_token(32).map(Self)
    }

    /// Our own format only: anything else in the cookie is treated as no cookie.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 43
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Self(text.to_owned()))
    }

    /// `provider`'s login cookie in a `Cookie` request header, if it is there and well-formed.
    pub fn from_cookie_header(provider: ProviderKind, header: &str) -> Option<Self> {
        let wanted = cookie_name(provider);
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == wanted).then(|| Self::parse(value.trim()))?
        })
    }

    /// The `Set-Cookie` value that gives this nonce to the browser for `max_age_secs`, as
    /// `provider`'s login cookie.
    pub fn set_cookie(&self, provider: ProviderKind, max_age_secs: u64, secure: bool) -> String {
        format!(
            "{}={}; Max-Age={max_age_secs}; Path={}; HttpOnly; SameSite=Lax{}",
            cookie_name(provider),
            self.0,
            cookie_path(provider),
            if secure { "; Secure" } else { "" }
        )
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What the state carries about its browser: a keyed hash, so the state (which travels through
/// QQ and the address bar) never reveals the cookie.
pub fn browser_binding(hasher: &KeyedHasher, nonce: &BrowserNonce) -> String {
    hasher.hash(HashPurpose::QqLoginBrowser, nonce.expose())
}

/// Whether the callback's cookie (of `provider`) is the one the state was issued to (constant
/// time).
pub fn same_browser(
    hasher: &KeyedHasher,
    provider: ProviderKind,
    binding: &str,
    cookie: Option<&BrowserNonce>,
) -> Result<(), SocialLoginError> {
    match cookie {
        Some(nonce) if hasher.verify(HashPurpose::QqLoginBrowser, nonce.expose(), binding) => {
            Ok(())
        }
        _ => Err(SocialLoginError::StateNotThisBrowser(provider)),
    }
}

/// `Secure` on the cookie everywhere except plain-HTTP development on this machine
/// (`http://localhost`, `http://127.0.0.1`, `http://[::1]`), where a browser would drop it.
pub fn cookie_is_secure(public_base_url: &Url) -> bool {
    let local = matches!(
        public_base_url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]")
    );
    !(public_base_url.scheme() == "http" && local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn nonce() -> BrowserNonce {
        BrowserNonce::fresh().expect("nonce")
    }

    #[test]
    fn the_cookie_is_found_among_others_and_junk_is_no_cookie() {
        let n = nonce();
        let qq = ProviderKind::Qq;
        let header = format!("a=1; {COOKIE_NAME}={}; b=2", n.expose());
        assert_eq!(
            BrowserNonce::from_cookie_header(qq, &header),
            Some(n.clone())
        );
        assert_eq!(
            BrowserNonce::from_cookie_header(qq, &format!("{COOKIE_NAME}={}", n.expose())),
            Some(n.clone())
        );
        // Each provider reads its own cookie only.
        assert_eq!(
            BrowserNonce::from_cookie_header(ProviderKind::Wechat, &header),
            None
        );
        let wechat = format!("passport_wechat_login={}", n.expose());
        assert_eq!(
            BrowserNonce::from_cookie_header(ProviderKind::Wechat, &wechat),
            Some(n)
        );
        assert_eq!(BrowserNonce::from_cookie_header(qq, &wechat), None);
        for junk in [
            "",
            "other=1",
            &format!("{COOKIE_NAME}="),
            &format!("{COOKIE_NAME}=short"),
            &format!("{COOKIE_NAME}={}", "!".repeat(43)),
            &format!("x{COOKIE_NAME}={}", "a".repeat(43)),
        ] {
            assert_eq!(BrowserNonce::from_cookie_header(qq, junk), None, "{junk}");
        }
    }

    #[test]
    fn the_set_cookie_line_is_http_only_lax_and_scoped() {
        let n = nonce();
        let line = n.set_cookie(ProviderKind::Qq, 600, true);
        assert_eq!(
            line,
            format!(
                "{COOKIE_NAME}={}; Max-Age=600; Path=/api/oauth/qq; HttpOnly; SameSite=Lax; Secure",
                n.expose()
            )
        );
        assert_eq!(
            n.set_cookie(ProviderKind::Weibo, 600, false),
            format!(
                "passport_weibo_login={}; Max-Age=600; Path=/api/oauth/weibo; HttpOnly; SameSite=Lax",
                n.expose()
            )
        );
        assert!(
            !n.set_cookie(ProviderKind::Qq, 600, false)
                .contains("Secure")
        );
        assert!(!format!("{n:?}").contains(n.expose()));
    }

    #[test]
    fn secure_is_dropped_only_for_plain_http_on_this_machine() {
        for (url, secure) in [
            ("https://passport.renran.cn", true),
            ("http://passport.renran.cn", true),
            ("https://localhost:8000", true),
            ("http://localhost:8000", false),
            ("http://127.0.0.1:8000", false),
            ("http://[::1]:8000", false),
            ("http://127.0.0.2:8000", true),
        ] {
            assert_eq!(
                cookie_is_secure(&Url::parse(url).expect("url")),
                secure,
                "{url}"
            );
        }
    }

    #[test]
    fn only_the_issuing_browser_matches() {
        let hasher = KeyedHasher::new(&Secret::new("secret"));
        let mine = nonce();
        let binding = browser_binding(&hasher, &mine);
        assert!(!binding.contains(mine.expose()));
        let qq = ProviderKind::Qq;
        assert!(same_browser(&hasher, qq, &binding, Some(&mine)).is_ok());
        assert!(matches!(
            same_browser(&hasher, qq, &binding, Some(&nonce())),
            Err(SocialLoginError::StateNotThisBrowser(ProviderKind::Qq))
        ));
        assert!(matches!(
            same_browser(&hasher, qq, &binding, None),
            Err(SocialLoginError::StateNotThisBrowser(ProviderKind::Qq))
        ));
    }
}
