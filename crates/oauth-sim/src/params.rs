//! Request parameters as the providers read them: query and form body merged (the body wins),
//! whatever the Content-Type says; empty values count as missing.

use poem::{Body, Request};

/// Request bodies beyond this are not read (OAuth parameters are short).
const MAX_BODY: usize = 64 * 1024;

pub struct Params(Vec<(String, String)>);

/// Parameters of the authorize and token endpoints of the three providers (plus the consent
/// forms' own): where a raw redirect_uri's query ends.
const KNOWN_PARAMS: [&str; 29] = [
    "response_type",
    "client_id",
    "client_secret",
    "redirect_uri",
    "state",
    "scope",
    "display",
    "g_ut",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "code",
    "refresh_token",
    "fmt",
    "need_openid",
    "sim_user",
    "sim_user_new",
    "sim_nickname",
    "action",
    "unionid",
    "appid",
    "secret",
    "access_token",
    "openid",
    "lang",
    "forcelogin",
    "language",
    "uid",
    "self_redirect",
];

impl Params {
    pub async fn read(req: &Request, body: Body) -> Self {
        let query = req.uri().query().unwrap_or("");
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        if let Some(redirect_uri) = rejoin_raw_redirect_uri(query) {
            pairs.push(("redirect_uri".into(), redirect_uri));
        }
        if let Ok(bytes) = body.into_bytes_limit(MAX_BODY).await {
            pairs.extend(url::form_urlencoded::parse(&bytes).into_owned());
        }
        Self(pairs)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("1")
    }

    /// The values of `keys` that are present, in order (what a consent form carries back).
    pub fn pick<'a>(&'a self, keys: &[&'a str]) -> Vec<(&'a str, &'a str)> {
        keys.iter()
            .filter_map(|k| self.get(k).map(|v| (*k, v)))
            .collect()
    }
}

/// social-core sends the authorize query un-percent-encoded, so a redirect_uri with a query of
/// its own (`redirect_uri=http://x/cb?next=/a&b=1&state=s`) arrives cut at its `&`. Glue the
/// pieces that follow it back on, up to the next known parameter. `None` when the value is
/// encoded or has no `?` (then the plain parse is right).
pub fn rejoin_raw_redirect_uri(query: &str) -> Option<String> {
    let mut segments = query.split('&');
    let mut uri = segments
        .by_ref()
        .find_map(|s| s.strip_prefix("redirect_uri="))
        .filter(|v| v.contains('?') && !v.contains('%') && !v.contains('+'))?
        .to_owned();
    for segment in segments {
        let key = segment.split('=').next().unwrap_or_default();
        if KNOWN_PARAMS.contains(&key) {
            break;
        }
        uri.push('&');
        uri.push_str(segment);
    }
    Some(uri)
}

#[cfg(test)]
mod tests {
    use super::rejoin_raw_redirect_uri as rejoin;

    #[test]
    fn raw_redirect_uris_with_a_query_are_glued_back() {
        assert_eq!(
            rejoin("response_type=code&redirect_uri=http://h/cb?next=/a&b=1&state=s&x=2")
                .as_deref(),
            Some("http://h/cb?next=/a&b=1")
        );
        assert_eq!(
            rejoin("redirect_uri=http://h/cb&state=s"),
            None,
            "no query: plain parse"
        );
        assert_eq!(
            rejoin("redirect_uri=http%3A%2F%2Fh%2Fcb%3Fa%3D1&b=2"),
            None,
            "encoded"
        );
        assert_eq!(rejoin("state=s"), None);
    }

    proptest::proptest! {
        #[test]
        fn rejoining_never_panics(query in "\\PC{0,120}") {
            if let Some(uri) = rejoin(&query) {
                proptest::prop_assert!(uri.contains('?'));
            }
        }
    }
}
