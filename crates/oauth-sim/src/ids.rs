//! Ids and secrets in each provider's shape, and callback matching.
//! Derived ids (openids, unionids, uids) come from a seed: same seed, same ids across restarts.

/// 32 bytes derived from the parts (SHA-256 of the NUL-separated parts).
pub fn derive(parts: &[&str]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        ctx.update(part.as_bytes());
        ctx.update(&[0]);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// 32 uppercase hex digits derived from the parts (QQ's openids).
pub fn derive_hex32(parts: &[&str]) -> String {
    hex::encode_upper(&derive(parts)[..16])
}

/// 32 random uppercase hex digits (QQ's codes and tokens).
pub fn random_hex32() -> String {
    hex::encode_upper(rand::random::<[u8; 16]>())
}

/// 32 random lowercase hex digits (Weibo's codes).
pub fn random_hex32_lower() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `len` characters of `[A-Za-z0-9_-]` from `bytes` (cycled), WeChat's alphabet.
pub fn url_safe(bytes: &[u8], len: usize) -> String {
    (0..len)
        .map(|i| {
            let b = bytes.get(i % bytes.len().max(1)).copied().unwrap_or(0);
            // Mix in the position so cycling through 32 bytes does not repeat visibly.
            URL_SAFE[usize::from(b.wrapping_add((i / 32) as u8 * 37)) % 64] as char
        })
        .collect()
}

/// `len` random characters of `[A-Za-z0-9_-]`.
pub fn random_url_safe(len: usize) -> String {
    url_safe(&rand::random::<[u8; 32]>(), len)
}

/// `pattern` is a URL prefix; `*` in place of the port matches any port.
/// `http://127.0.0.1:*` allows every local callback, `https://www.renran.cn/oauth/` one path tree.
pub fn redirect_allowed(pattern: &str, uri: &str) -> bool {
    if uri.is_empty() || uri.len() > 500 {
        return false;
    }
    match pattern.split_once(":*") {
        None => uri.starts_with(pattern),
        Some((head, tail)) => {
            let Some(rest) = uri.strip_prefix(head).and_then(|r| r.strip_prefix(':')) else {
                return false;
            };
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(tail)
        }
    }
}

/// `uri` with `pairs` appended to its query, values form-encoded.
pub fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
        sep = '&';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_patterns() {
        assert!(redirect_allowed(
            "http://127.0.0.1:*",
            "http://127.0.0.1:8000/oauth/qq/callback"
        ));
        assert!(redirect_allowed(
            "http://localhost:*",
            "http://localhost:5173/cb"
        ));
        assert!(!redirect_allowed(
            "http://127.0.0.1:*",
            "http://127.0.0.1.evil.com/cb"
        ));
        assert!(!redirect_allowed(
            "http://127.0.0.1:*",
            "http://127.0.0.1:/cb"
        ));
        assert!(!redirect_allowed(
            "http://localhost:*",
            "https://localhost:443/cb"
        ));
        assert!(redirect_allowed(
            "https://www.renran.cn/oauth/",
            "https://www.renran.cn/oauth/qq/callback"
        ));
        assert!(!redirect_allowed(
            "https://www.renran.cn/oauth/",
            "https://www.renran.cn/other"
        ));
    }

    #[test]
    fn url_safe_ids_have_the_length_and_alphabet() {
        let id = url_safe(&derive(&["a"]), 100);
        assert_eq!(id.len(), 100);
        assert!(id.bytes().all(|b| URL_SAFE.contains(&b)));
        assert_eq!(id, url_safe(&derive(&["a"]), 100), "derived ids are stable");
    }
}
