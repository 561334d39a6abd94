//! TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature ("签名方法 v3"). Each step is its
//! own function so the simulator verifies a request with exactly the code that signs one, and the
//! unit tests can hold every intermediate of Tencent's worked example.
//!
//! ```text
//! CanonicalRequest = POST \n / \n <query> \n <canonical headers> \n <signed headers> \n hex(sha256(payload))
//! StringToSign     = TC3-HMAC-SHA256 \n <timestamp> \n <date>/<service>/tc3_request \n hex(sha256(CanonicalRequest))
//! SigningKey       = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")
//! Signature        = hex(HMAC(SigningKey, StringToSign))
//! ```

use ring::{digest, hmac};

use crate::config::Secret;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The only content type passport sends; it is signed, so it must be sent byte for byte.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
/// A request whose timestamp is further than this from the server's clock is refused
/// (`AuthFailure.SignatureExpire`).
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// A Tencent Cloud API key pair (CAM 访问密钥).
#[derive(Clone, Debug)]
pub struct Credentials {
    pub secret_id: String,
    pub secret_key: Secret,
}

impl Credentials {
    pub fn new(secret_id: impl Into<String>, secret_key: Secret) -> Self {
        Self {
            secret_id: secret_id.into(),
            secret_key,
        }
    }
}

/// The headers a signed API 3.0 request carries, besides `Host` (which must be the `host`
/// signed). `pairs()` lists them as they go on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    pub authorization: String,
    pub content_type: &'static str,
    pub host: String,
    pub action: String,
    pub version: String,
    pub timestamp: String,
    pub region: Option<String>,
}

impl SignedHeaders {
    /// `(name, value)` for every header to send except `Host`.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("Authorization", self.authorization.clone()),
            ("Content-Type", self.content_type.to_owned()),
            ("X-TC-Action", self.action.clone()),
            ("X-TC-Version", self.version.clone()),
            ("X-TC-Timestamp", self.timestamp.clone()),
        ];
        if let Some(region) = &self.region {
            out.push(("X-TC-Region", region.clone()));
        }
        out
    }
}

/// Sign one POST of `payload` (JSON) to `host` for `action`. The signed headers are
/// `content-type;host;x-tc-action`, as Tencent's current documentation recommends.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    creds: &Credentials,
    service: &str,
    host: &str,
    action: &str,
    version: &str,
    region: Option<&str>,
    timestamp: i64,
    payload: &[u8],
) -> SignedHeaders {
    let action_lower = action.to_ascii_lowercase();
    let headers = [
        ("content-type", CONTENT_TYPE),
        ("host", host),
        ("x-tc-action", action_lower.as_str()),
    ];
    let canonical = canonical_request("POST", "/", "", &headers, payload);
    let date = utc_date(timestamp);
    let scope = credential_scope(&date, service);
    let to_sign = string_to_sign(timestamp, &scope, &canonical);
    let key = derive_signing_key(&creds.secret_key, &date, service);
    let signature = signature(&key.secret_signing, &to_sign);
    SignedHeaders {
        authorization: authorization(
            &creds.secret_id,
            &scope,
            &signed_header_names(&headers),
            &signature,
        ),
        content_type: CONTENT_TYPE,
        host: host.to_owned(),
        action: action.to_owned(),
        version: version.to_owned(),
        timestamp: timestamp.to_string(),
        region: region.map(str::to_owned),
    }
}

/// Lowercase hex of SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, bytes))
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp: the date of the credential scope. Never
/// local time: a UTC+8 machine would sign with tomorrow's date between 00:00 and 08:00.
pub fn utc_date(timestamp: i64) -> String {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// `date/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/tc3_request")
}

/// `name:value\n` for each header, names and values lowercased and trimmed, sorted by name.
pub fn canonical_headers(headers: &[(&str, &str)]) -> String {
    let mut lines: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(k, v)| format!("{k}:{v}\n"))
        .collect()
}

/// The header names, lowercased, sorted, joined by `;`.
pub fn signed_header_names(headers: &[(&str, &str)]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(k, _)| k.trim().to_ascii_lowercase())
        .collect();
    names.sort();
    names.join(";")
}

/// Step 1 of the documentation: the canonical request.
pub fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload: &[u8],
) -> String {
    format!(
        "{method}\n{uri}\n{query}\n{}\n{}\n{}",
        canonical_headers(headers),
        signed_header_names(headers),
        sha256_hex(payload)
    )
}

/// Step 2: the string to sign.
pub fn string_to_sign(timestamp: i64, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Step 3's key chain, every link kept so tests can compare them with the documentation.
pub struct DerivedKey {
    pub secret_date: Vec<u8>,
    pub secret_service: Vec<u8>,
    pub secret_signing: Vec<u8>,
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message)
        .as_ref()
        .to_vec()
}

pub fn derive_signing_key(secret_key: &Secret, date: &str, service: &str) -> DerivedKey {
    let secret_date = hmac_sha256(
        format!("TC3{}", secret_key.expose()).as_bytes(),
        date.as_bytes(),
    );
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    DerivedKey {
        secret_date,
        secret_service,
        secret_signing,
    }
}

/// Step 3: lowercase hex of `HMAC(SecretSigning, StringToSign)`.
pub fn signature(secret_signing: &[u8], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(secret_signing, string_to_sign.as_bytes()))
}

/// Step 4: the `Authorization` header.
pub fn authorization(
    secret_id: &str,
    credential_scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// An `Authorization` header taken apart (what the server reads before it can verify).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    /// Lowercase header names, in the order given.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parse `TC3-HMAC-SHA256 Credential=ID/date/service/tc3_request, SignedHeaders=a;b,
/// Signature=hex`. `None` when it does not have that form.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    if terminator != "tc3_request" || scope.next().is_some() || secret_id.is_empty() {
        return None;
    }
    let signed_headers: Vec<String> = signed?
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if signed_headers.iter().any(String::is_empty) {
        return None;
    }
    Some(ParsedAuthorization {
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature?.to_owned(),
    })
}

/// Constant-time comparison of two hex signatures.
pub fn signatures_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tencent's worked example in 签名方法 v3 (cloud.tencent.com/document/api/213/30654): CVM
    // DescribeInstances in Guangzhou at 1551113065. The current page shows the SecretId as
    // `AKID` + 32 asterisks and the SecretKey as 32 asterisks, and its published SecretDate
    // (below) is HMAC("TC3" + that key, date): the asterisks are the key itself.
    const DOC_SECRET_ID: &str = "AKID********************************";
    const DOC_SECRET_KEY: &str = "********************************";
    const DOC_TIMESTAMP: i64 = 1551113065;
    const DOC_PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn doc_creds() -> Credentials {
        Credentials::new(DOC_SECRET_ID, Secret::new(DOC_SECRET_KEY))
    }

    #[test]
    fn every_intermediate_of_tencents_worked_example_is_reproduced_byte_for_byte() {
        assert_eq!(
            sha256_hex(DOC_PAYLOAD.as_bytes()),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let headers = [
            ("content-type", CONTENT_TYPE),
            ("host", "cvm.tencentcloudapi.com"),
            ("x-tc-action", "describeinstances"),
        ];
        let canonical = canonical_request("POST", "/", "", &headers, DOC_PAYLOAD.as_bytes());
        assert_eq!(
            canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(utc_date(DOC_TIMESTAMP), "2019-02-25");
        let scope = credential_scope("2019-02-25", "cvm");
        assert_eq!(scope, "2019-02-25/cvm/tc3_request");
        let to_sign = string_to_sign(DOC_TIMESTAMP, &scope, &canonical);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        let key = derive_signing_key(&Secret::new(DOC_SECRET_KEY), "2019-02-25", "cvm");
        assert_eq!(
            hex::encode(&key.secret_date),
            "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
        );
        assert_eq!(
            hex::encode(&key.secret_service),
            "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
        );
        assert_eq!(
            hex::encode(&key.secret_signing),
            "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
        );
        assert_eq!(
            signature(&key.secret_signing, &to_sign),
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
        );
    }

    #[test]
    fn sign_produces_the_documented_authorization_and_headers() {
        let signed = sign(
            &doc_creds(),
            "cvm",
            "cvm.tencentcloudapi.com",
            "DescribeInstances",
            "2017-03-12",
            Some("ap-guangzhou"),
            DOC_TIMESTAMP,
            DOC_PAYLOAD.as_bytes(),
        );
        assert_eq!(
            signed.authorization,
            "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
        );
        assert_eq!(
            signed.pairs(),
            vec![
                ("Authorization", signed.authorization.clone()),
                ("Content-Type", "application/json; charset=utf-8".to_owned()),
                ("X-TC-Action", "DescribeInstances".to_owned()),
                ("X-TC-Version", "2017-03-12".to_owned()),
                ("X-TC-Timestamp", "1551113065".to_owned()),
                ("X-TC-Region", "ap-guangzhou".to_owned()),
            ]
        );
    }

    // The earlier edition of the same page signs only `content-type;host`, with the key
    // `Gu5t9xGARNpq86cd98joQYCN3EXAMPLE`; the chain must reproduce that one too.
    #[test]
    fn the_earlier_edition_of_the_example_with_two_signed_headers_also_matches() {
        let headers = [
            ("content-type", CONTENT_TYPE),
            ("host", "cvm.tencentcloudapi.com"),
        ];
        let canonical = canonical_request("POST", "/", "", &headers, DOC_PAYLOAD.as_bytes());
        let to_sign = string_to_sign(DOC_TIMESTAMP, "2019-02-25/cvm/tc3_request", &canonical);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let key = derive_signing_key(
            &Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
            "2019-02-25",
            "cvm",
        );
        assert_eq!(
            signature(&key.secret_signing, &to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn the_date_is_utc_even_when_beijing_is_already_on_the_next_day() {
        // 2019-02-26 00:44:25 in UTC+8 is still the 25th in UTC.
        assert_eq!(utc_date(1551113065), "2019-02-25");
    }

    #[test]
    fn an_authorization_header_parses_back_into_its_parts() {
        let signed = sign(
            &doc_creds(),
            "sms",
            "sms.tencentcloudapi.com",
            "SendSms",
            "2021-01-11",
            None,
            DOC_TIMESTAMP,
            b"{}",
        );
        let parsed = parse_authorization(&signed.authorization).expect("parses");
        assert_eq!(parsed.secret_id, DOC_SECRET_ID);
        assert_eq!(parsed.date, "2019-02-25");
        assert_eq!(parsed.service, "sms");
        assert_eq!(
            parsed.signed_headers,
            vec!["content-type", "host", "x-tc-action"]
        );
        assert_eq!(parsed.signature.len(), 64);
        for bad in [
            "",
            "TC3-HMAC-SHA256",
            "HMAC-SHA256 Credential=a/2019-02-25/sms/tc3_request, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/2019-02-25/sms/aws4_request, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/2019-02-25/sms/tc3_request, Signature=00",
            "TC3-HMAC-SHA256 Credential=/2019-02-25/sms/tc3_request, SignedHeaders=host, Signature=00",
        ] {
            assert_eq!(parse_authorization(bad), None, "{bad:?}");
        }
    }
}
