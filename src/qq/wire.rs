//! The bytes QQ Connect sends, both ways: pure parsers for every body form our client can meet,
//! and (re-exported from `oauth_sim::qq::wire`) the writers the simulator answers with. Naming
//! both here lets the tests check that what the simulator writes is what the client reads. The reference is `shared/qq-connect.md`.
//!
//! Parsers never panic and never put body text into their errors (bodies carry tokens).

use std::borrow::Cow;

use serde_json::{Map, Value};

// The writers (what the simulator sends) live with the simulator; re-exported so one module
// still names every body form.
pub use oauth_sim::qq::wire::{
    Pretty, TOKEN_EXPIRES_IN, UserInfoBody, jsonp, write_error, write_me, write_pretty,
    write_token, write_token_json, write_user_info, write_user_info_error,
};

/// Longest token or id we accept; QQ's are 32 characters (`UID_` + 32 for unionids).
const MAX_ID_LEN: usize = 256;

/// A token endpoint success: the default urlencoded body or the `fmt=json` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBody {
    pub access_token: String,
    pub expires_in: u64,
    /// Absent only in pre-2014 bodies.
    pub refresh_token: Option<String>,
    /// Present with `fmt=json&need_openid=1`.
    pub openid: Option<String>,
}

/// A `/oauth2.0/me` success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeBody {
    pub client_id: String,
    pub openid: String,
    pub unionid: Option<String>,
}

/// Why a body is not a success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// QQ answered with an error: `error`/`error_description` on the OAuth endpoints, `ret`/`msg`
    /// on `get_user_info`.
    #[error("QQ error {code}: {message}")]
    Qq { code: i64, message: String },
    /// Not any body QQ sends (empty, truncated, HTML, junk). The reason never quotes the body.
    #[error("malformed body: {0}")]
    Malformed(&'static str),
}

fn malformed<T>(reason: &'static str) -> Result<T, BodyError> {
    Err(BodyError::Malformed(reason))
}

/// The body as trimmed text, refusing what can never be a QQ body.
fn text(bytes: &[u8]) -> Result<&str, BodyError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return malformed("not UTF-8");
    };
    let text = text.trim();
    if text.is_empty() {
        return malformed("empty body");
    }
    if text.starts_with('<') {
        return malformed("an HTML page");
    }
    Ok(text)
}

/// The JSON inside `callback( … );`, tolerating missing spaces, a missing `;` and any trailing
/// whitespace. `None` when `text` is not a complete JSONP call.
pub fn unwrap_jsonp(text: &str) -> Option<&str> {
    let rest = text
        .trim()
        .strip_prefix("callback")?
        .trim_start()
        .strip_prefix('(')?;
    let close = rest.rfind(')')?;
    let after = rest[close + 1..].trim();
    if !(after.is_empty() || after == ";") {
        return None;
    }
    Some(rest[..close].trim())
}

/// The JSON object in a body that may be JSONP-wrapped.
fn object(text: &str) -> Result<Map<String, Value>, BodyError> {
    let json = match unwrap_jsonp(text) {
        Some(inner) => inner,
        None if text.starts_with("callback") => return malformed("truncated JSONP"),
        None => text,
    };
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => malformed("JSON that is not an object"),
        Err(_) => malformed("invalid JSON"),
    }
}

/// An integer sent as a JSON number or a string of digits.
fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A token or id: printable ASCII without separators, of sane length.
fn id(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
    ok.then(|| value.to_owned())
}

fn id_field(map: &Map<String, Value>, key: &str) -> Result<Option<String>, BodyError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => match id(s) {
            Some(v) => Ok(Some(v)),
            None => malformed("an id or token with unexpected characters"),
        },
        // `client_id` has been seen as a string only, but a number means the same.
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => malformed("an id or token that is not a string"),
    }
}

/// `{"error": n, "error_description": "…"}` (either key order).
fn oauth_error(map: &Map<String, Value>) -> Option<BodyError> {
    let code = map.get("error")?;
    let message = match map.get("error_description") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    Some(match int(code) {
        Some(code) => BodyError::Qq { code, message },
        None => BodyError::Malformed("an error code that is not a number"),
    })
}

/// A token endpoint body: `access_token=…&expires_in=…&refresh_token=…`, the `fmt=json` object,
/// a JSONP or bare JSON error, or the wiki's urlencoded `code=…&msg=…` error.
pub fn parse_token(bytes: &[u8]) -> Result<TokenBody, BodyError> {
    let text = text(bytes)?;
    if text.starts_with("callback") || text.starts_with('{') {
        let map = object(text)?;
        if let Some(err) = oauth_error(&map) {
            return Err(err);
        }
        let Some(access_token) = id_field(&map, "access_token")? else {
            return malformed("no access_token");
        };
        let Some(expires_in) = map
            .get("expires_in")
            .and_then(int)
            .and_then(|n| u64::try_from(n).ok())
        else {
            return malformed("no numeric expires_in");
        };
        return Ok(TokenBody {
            access_token,
            expires_in,
            refresh_token: id_field(&map, "refresh_token")?,
            openid: id_field(&map, "openid")?,
        });
    }
    let pairs: Vec<(Cow<str>, Cow<str>)> = url::form_urlencoded::parse(text.as_bytes()).collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    };
    if let Some(token) = get("access_token") {
        let Some(access_token) = id(token) else {
            return malformed("an access_token with unexpected characters");
        };
        let Some(expires_in) = get("expires_in").and_then(|v| v.trim().parse::<u64>().ok()) else {
            return malformed("no numeric expires_in");
        };
        let refresh_token = match get("refresh_token") {
            None => None,
            Some(v) => match id(v) {
                Some(v) => Some(v),
                None => return malformed("a refresh_token with unexpected characters"),
            },
        };
        return Ok(TokenBody {
            access_token,
            expires_in,
            refresh_token,
            openid: get("openid").and_then(id),
        });
    }
    if let Some(code) = get("code") {
        return match code.trim().parse() {
            Ok(code) => Err(BodyError::Qq {
                code,
                message: get("msg").unwrap_or_default().to_owned(),
            }),
            Err(_) => malformed("an error code that is not a number"),
        };
    }
    malformed("no access_token")
}

/// A `/oauth2.0/me` body: JSONP (the default) or bare JSON (`fmt=json`), success or error.
pub fn parse_me(bytes: &[u8]) -> Result<MeBody, BodyError> {
    let map = object(text(bytes)?)?;
    if let Some(err) = oauth_error(&map) {
        return Err(err);
    }
    let Some(openid) = id_field(&map, "openid")? else {
        return malformed("no openid");
    };
    Ok(MeBody {
        client_id: id_field(&map, "client_id")?.unwrap_or_default(),
        openid,
        unionid: id_field(&map, "unionid")?,
    })
}

/// A `get_user_info` body: pretty JSON with `ret == 0`, or a compact `{"ret": n, "msg": …}` error.
pub fn parse_user_info(bytes: &[u8]) -> Result<UserInfoBody, BodyError> {
    let map = object(text(bytes)?)?;
    if let Some(err) = oauth_error(&map) {
        return Err(err);
    }
    let Some(ret) = map.get("ret").and_then(int) else {
        return malformed("no numeric ret");
    };
    let string = |key: &str| match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    if ret != 0 {
        return Err(BodyError::Qq {
            code: ret,
            message: string("msg"),
        });
    }
    Ok(UserInfoBody {
        is_lost: map.get("is_lost").and_then(int).unwrap_or(0),
        nickname: string("nickname"),
        gender: string("gender"),
        gender_type: map.get("gender_type").and_then(int),
        province: string("province"),
        city: string("city"),
        year: string("year"),
        constellation: string("constellation"),
        figureurl: string("figureurl"),
        figureurl_1: string("figureurl_1"),
        figureurl_2: string("figureurl_2"),
        figureurl_qq_1: string("figureurl_qq_1"),
        figureurl_qq_2: string("figureurl_qq_2"),
        figureurl_qq: string("figureurl_qq"),
        figureurl_type: string("figureurl_type"),
        is_yellow_vip: string("is_yellow_vip"),
        vip: string("vip"),
        yellow_vip_level: string("yellow_vip_level"),
        level: string("level"),
        is_yellow_year_vip: string("is_yellow_year_vip"),
    })
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Redaction: what may be logged.

/// Parameter names whose values are secrets: never logged.
pub const SECRET_PARAMS: [&str; 4] = ["client_secret", "access_token", "refresh_token", "code"];

const REDACTED: &str = "[REDACTED]";

/// The URL with the values of [`SECRET_PARAMS`] replaced.
pub fn redact_url(url: &url::Url) -> String {
    let mut url = url.clone();
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if SECRET_PARAMS.contains(&k.as_ref()) {
                    REDACTED.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let _ = url.set_password(None);
    url.to_string()
}

/// A body (urlencoded, JSON or JSONP) with the values of [`SECRET_PARAMS`] replaced, for logs.
pub fn redact_body(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes[..copied] are already in `out`
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let key = SECRET_PARAMS
            .iter()
            .find(|k| boundary && bytes[i..].starts_with(k.as_bytes()));
        let Some(key) = key else {
            i += 1;
            continue;
        };
        // After the key: `=` (urlencoded) or `"` + spaces + `:` + spaces + optional `"` (JSON).
        let mut j = i + key.len();
        let is_value = if bytes.get(j) == Some(&b'=') {
            j += 1;
            true
        } else if bytes.get(j) == Some(&b'"') {
            j += 1;
            while bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            if bytes.get(j) == Some(&b':') {
                j += 1;
                while bytes.get(j) == Some(&b' ') {
                    j += 1;
                }
                if bytes.get(j) == Some(&b'"') {
                    j += 1;
                }
                true
            } else {
                false
            }
        } else {
            false
        };
        if !is_value {
            i += key.len();
            continue;
        }
        let mut end = j;
        while end < bytes.len() && !b"&\",}; \t\r\n".contains(&bytes[end]) {
            end += 1;
        }
        // Every split point is an ASCII byte, so these are char boundaries.
        out.push_str(&text[copied..j]);
        out.push_str(REDACTED);
        copied = end;
        i = end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOKEN_111: &str = "access_token=1E94EE8B1093EF9789A9DB07C9BA469F&expires_in=7776000&refresh_token=1511DCF2F7C713C4F746D3327B063BB0";
    const ME_83: &str = "callback( {\"client_id\":\"101260439\",\"openid\":\"91EF4826024612D98DD712EC4AA11B9B\"} );\n";

    #[test]
    fn captured_token_body_is_111_bytes_and_parses() {
        assert_eq!(TOKEN_111.len(), 111);
        assert_eq!(
            write_token(
                "1E94EE8B1093EF9789A9DB07C9BA469F",
                TOKEN_EXPIRES_IN,
                "1511DCF2F7C713C4F746D3327B063BB0"
            ),
            TOKEN_111
        );
        let t = parse_token(TOKEN_111.as_bytes()).expect("parses");
        assert_eq!(t.access_token, "1E94EE8B1093EF9789A9DB07C9BA469F");
        assert_eq!(t.expires_in, 7_776_000);
        assert_eq!(
            t.refresh_token.as_deref(),
            Some("1511DCF2F7C713C4F746D3327B063BB0")
        );
        assert_eq!(t.openid, None);
    }

    #[test]
    fn old_token_body_without_refresh_token_parses() {
        let t = parse_token(b"access_token=1E94EE8B1093EF9789A9DB07C9BA469F&expires_in=7776000")
            .expect("parses");
        assert_eq!(t.refresh_token, None);
    }

    #[test]
    fn token_json_with_string_or_number_expiry_and_openid() {
        let body = write_token_json("AAAA", 7_776_000, "BBBB", Some("CCCC"));
        assert_eq!(
            body,
            r#"{"access_token":"AAAA","expires_in":"7776000","refresh_token":"BBBB","openid":"CCCC"}"#
        );
        let t = parse_token(body.as_bytes()).expect("parses");
        assert_eq!(
            (t.expires_in, t.openid.as_deref()),
            (7_776_000, Some("CCCC"))
        );
        let t =
            parse_token(br#"{"access_token":"AAAA","expires_in":7776000,"refresh_token":"BBBB"}"#)
                .expect("number");
        assert_eq!(t.expires_in, 7_776_000);
    }

    #[test]
    fn token_errors_in_every_form() {
        let expected = Err(BodyError::Qq {
            code: 100019,
            message: "code to access token error".into(),
        });
        for body in [
            "callback( {\"error\":100019,\"error_description\":\"code to access token error\"} );",
            "callback( {\"error\":100019,\"error_description\":\"code to access token error\"} );\n",
            "callback({\"error\":100019,\"error_description\":\"code to access token error\"})",
            "{\"error\":100019,\"error_description\":\"code to access token error\"}",
            "{\"error_description\":\"code to access token error\",\"error\":100019}",
            "{\"error\":\"100019\",\"error_description\":\"code to access token error\"}",
            "code=100019&msg=code+to+access+token+error",
        ] {
            assert_eq!(parse_token(body.as_bytes()), expected, "{body}");
        }
    }

    #[test]
    fn trailing_spaces_in_descriptions_are_kept() {
        let body = jsonp(&write_error(100005, "param code is wrong or lost "));
        assert_eq!(
            body,
            "callback( {\"error\":100005,\"error_description\":\"param code is wrong or lost \"} );\n"
        );
        assert_eq!(
            parse_token(body.as_bytes()),
            Err(BodyError::Qq {
                code: 100005,
                message: "param code is wrong or lost ".into()
            })
        );
    }

    #[test]
    fn captured_me_body_is_83_bytes_and_parses() {
        assert_eq!(ME_83.len(), 83);
        assert_eq!(
            jsonp(&write_me(
                "101260439",
                "91EF4826024612D98DD712EC4AA11B9B",
                None
            )),
            ME_83
        );
        let me = parse_me(ME_83.as_bytes()).expect("parses");
        assert_eq!(me.client_id, "101260439");
        assert_eq!(me.openid, "91EF4826024612D98DD712EC4AA11B9B");
        assert_eq!(me.unionid, None);
        // Without the newline, bare JSON, with unionid, numeric client_id.
        assert!(parse_me(ME_83.trim_end().as_bytes()).is_ok());
        let me = parse_me(
            br#"{"client_id":101420322,"openid":"F1B5285FF5FF77DB097474C25273C01F","unionid":"UID_95588F17205C4CFA583DCAF8F0FE89D9"}"#,
        )
        .expect("parses");
        assert_eq!(me.client_id, "101420322");
        assert_eq!(
            me.unionid.as_deref(),
            Some("UID_95588F17205C4CFA583DCAF8F0FE89D9")
        );
    }

    #[test]
    fn me_errors() {
        assert_eq!(
            parse_me(b"callback( {\"error\":100013,\"error_description\":\"access token is illegal\"} );\n"),
            Err(BodyError::Qq {
                code: 100013,
                message: "access token is illegal".into()
            })
        );
        assert_eq!(
            parse_me(br#"{"error":100048,"error_description":"companyid not set"}"#),
            Err(BodyError::Qq {
                code: 100048,
                message: "companyid not set".into()
            })
        );
    }

    /// The 2015 wire capture (Content-Length 786), rebuilt line by line.
    fn capture_2015() -> String {
        let openid = "91EF4826024612D98DD712EC4AA11B9B";
        let qz = format!("http:\\/\\/qzapp.qlogo.cn\\/qzapp\\/101260439\\/{openid}\\/");
        let qq = format!("http:\\/\\/q.qlogo.cn\\/qqapp\\/101260439\\/{openid}\\/");
        [
            "{".to_string(),
            "    \"ret\": 0,".into(),
            "    \"msg\": \"\",".into(),
            "    \"is_lost\":0,".into(),
            "    \"nickname\": \"陈勇\",".into(),
            "    \"gender\": \"男\",".into(),
            "    \"province\": \"上海\",".into(),
            "    \"city\": \"\",".into(),
            "    \"year\": \"1979\",".into(),
            format!("    \"figureurl\": \"{qz}30\","),
            format!("    \"figureurl_1\": \"{qz}50\","),
            format!("    \"figureurl_2\": \"{qz}100\","),
            format!("    \"figureurl_qq_1\": \"{qq}40\","),
            format!("    \"figureurl_qq_2\": \"{qq}100\","),
            "    \"is_yellow_vip\": \"0\",".into(),
            "    \"vip\": \"0\",".into(),
            "    \"yellow_vip_level\": \"0\",".into(),
            "    \"level\": \"0\",".into(),
            "    \"is_yellow_year_vip\": \"0\"".into(),
            "}\n".into(),
        ]
        .join("\n")
    }

    #[test]
    fn pretty_layout_reproduces_the_786_byte_capture() {
        let capture = capture_2015();
        assert_eq!(capture.len(), 786);
        let openid = "91EF4826024612D98DD712EC4AA11B9B";
        let qz = |px: u32| {
            Pretty::SlashEscaped(format!(
                "http://qzapp.qlogo.cn/qzapp/101260439/{openid}/{px}"
            ))
        };
        let qq = |px: u32| {
            Pretty::SlashEscaped(format!("http://q.qlogo.cn/qqapp/101260439/{openid}/{px}"))
        };
        let s = |v: &str| Pretty::Str(v.into());
        let written = write_pretty(&[
            ("ret", Pretty::Int(0)),
            ("msg", s("")),
            ("is_lost", Pretty::Int(0)),
            ("nickname", s("陈勇")),
            ("gender", s("男")),
            ("province", s("上海")),
            ("city", s("")),
            ("year", s("1979")),
            ("figureurl", qz(30)),
            ("figureurl_1", qz(50)),
            ("figureurl_2", qz(100)),
            ("figureurl_qq_1", qq(40)),
            ("figureurl_qq_2", qq(100)),
            ("is_yellow_vip", s("0")),
            ("vip", s("0")),
            ("yellow_vip_level", s("0")),
            ("level", s("0")),
            ("is_yellow_year_vip", s("0")),
        ]);
        assert_eq!(written, capture);
        let info = parse_user_info(capture.as_bytes()).expect("parses");
        assert_eq!(info.nickname, "陈勇");
        assert_eq!(
            info.figureurl_2,
            format!("http://qzapp.qlogo.cn/qzapp/101260439/{openid}/100")
        );
        assert_eq!(
            info.avatar(),
            Some(format!("http://q.qlogo.cn/qqapp/101260439/{openid}/100").as_str())
        );
    }

    #[test]
    fn modern_user_info_round_trips() {
        let info = UserInfoBody {
            nickname: "小明 \"明\"".into(),
            gender: "男".into(),
            gender_type: Some(1),
            figureurl: "http://qzapp.qlogo.cn/qzapp/1/2/30".into(),
            figureurl_qq_1: "http://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=40&t=1556496609".into(),
            is_yellow_vip: "0".into(),
            ..Default::default()
        };
        let body = write_user_info(&info);
        assert!(body.contains("    \"is_lost\":0,\n"));
        assert!(
            body.contains("\"figureurl\": \"http:\\/\\/qzapp.qlogo.cn\\/qzapp\\/1\\/2\\/30\",\n")
        );
        assert!(body.contains(
            "\"figureurl_qq_1\": \"http://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=40&t=1556496609\",\n"
        ));
        assert!(body.ends_with("    \"is_yellow_year_vip\": \"\"\n}\n"));
        assert_eq!(parse_user_info(body.as_bytes()), Ok(info));
    }

    #[test]
    fn user_info_errors() {
        assert_eq!(
            parse_user_info(br#"{"ret":-23,"msg":"token is invalid"}"#),
            Err(BodyError::Qq {
                code: -23,
                message: "token is invalid".into()
            })
        );
        assert_eq!(
            parse_user_info(write_user_info_error(1002, "请先登录").as_bytes()),
            Err(BodyError::Qq {
                code: 1002,
                message: "请先登录".into()
            })
        );
    }

    #[test]
    fn junk_is_malformed() {
        for body in [
            &b""[..],
            b"   \n",
            b"<html><body>502 Bad Gateway</body></html>",
            b"\xff\xfe",
            b"callback( {\"client_id\":\"1\",\"openid\":\"AB",
            b"callback( {\"client_id\":\"1\"",
            b"access_token=",
            b"access_token=ABC",
            b"access_token=ABC&expires_in=soon",
            b"access_token=A<B&expires_in=1",
            b"[1,2,3]",
            b"{\"access_token\":5}",
            b"hello",
            b"{\"ret\":\"x\"}",
        ] {
            assert!(
                matches!(parse_token(body), Err(BodyError::Malformed(_))),
                "token {body:?}"
            );
            assert!(
                matches!(parse_me(body), Err(BodyError::Malformed(_))),
                "me {body:?}"
            );
            assert!(
                matches!(parse_user_info(body), Err(BodyError::Malformed(_))),
                "user {body:?}"
            );
        }
    }

    #[test]
    fn redaction_hides_every_secret() {
        let url = url::Url::parse(
            "http://127.0.0.1:1/oauth2.0/token?grant_type=authorization_code&client_id=101&client_secret=s3cr3t&code=C0DE&redirect_uri=http%3A%2F%2Fx",
        )
        .expect("url");
        let redacted = redact_url(&url);
        assert!(
            !redacted.contains("s3cr3t") && !redacted.contains("C0DE"),
            "{redacted}"
        );
        assert!(redacted.contains("client_id=101"), "{redacted}");
        for body in [
            TOKEN_111.to_string(),
            write_token_json("1E94EE8B1093EF9789A9DB07C9BA469F", 1, "1511DCF2F7C713C4F746D3327B063BB0", None),
            "{ \"access_token\" : \"1E94EE8B1093EF9789A9DB07C9BA469F\", \"refresh_token\": \"1511DCF2F7C713C4F746D3327B063BB0\" }"
                .to_string(),
        ] {
            let redacted = redact_body(&body);
            assert!(
                !redacted.contains("1E94EE8B") && !redacted.contains("1511DCF2"),
                "{redacted}"
            );
        }
        assert_eq!(
            redact_body("client_secret=x&client_id=1&code=ABC"),
            "client_secret=[REDACTED]&client_id=1&code=[REDACTED]"
        );
        // Keys inside other words are not secrets; non-ASCII survives.
        assert_eq!(redact_body("barcode=1 昵称"), "barcode=1 昵称");
    }

    fn arbitrary_body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..300),
            ".{0,200}".prop_map(String::into_bytes),
            // Near misses: valid bodies cut short or with a byte changed.
            (0usize..120, any::<u8>(), 0usize..120).prop_map(|(cut, byte, at)| {
                let mut b = TOKEN_111.as_bytes().to_vec();
                b.truncate(cut.min(b.len()));
                if !b.is_empty() {
                    let i = at % b.len();
                    b[i] = byte;
                }
                b
            }),
            (0usize..90).prop_map(|cut| ME_83.as_bytes()[..cut.min(ME_83.len())].to_vec()),
            (0usize..800).prop_map(|cut| {
                let c = capture_2015().into_bytes();
                c[..cut.min(c.len())].to_vec()
            }),
            "callback\\( ?\\{(\"[a-z_]{1,12}\": ?(-?[0-9]{1,25}|\"[A-Z0-9 ]{0,40}\"|null|\\[\\]),?){0,5}\\} ?\\);?\n?"
                .prop_map(String::into_bytes),
            "(access_token|expires_in|refresh_token|code|msg|openid)=[A-Za-z0-9%+]{0,40}(&(access_token|expires_in|refresh_token|code|msg)=[A-Za-z0-9%+]{0,40}){0,4}"
                .prop_map(String::into_bytes),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parsers_never_panic(body in arbitrary_body()) {
            let _ = parse_token(&body);
            let _ = parse_me(&body);
            let _ = parse_user_info(&body);
            let text = String::from_utf8_lossy(&body);
            let _ = unwrap_jsonp(&text);
            let _ = redact_body(&text);
        }

        #[test]
        fn token_bodies_round_trip(access in "[0-9A-F]{32}", refresh in "[0-9A-F]{32}", openid in proptest::option::of("[0-9A-F]{32}")) {
            let t = parse_token(write_token(&access, TOKEN_EXPIRES_IN, &refresh).as_bytes()).expect("default");
            prop_assert_eq!(&t.access_token, &access);
            prop_assert_eq!(t.refresh_token.as_deref(), Some(refresh.as_str()));
            let t = parse_token(write_token_json(&access, TOKEN_EXPIRES_IN, &refresh, openid.as_deref()).as_bytes()).expect("json");
            prop_assert_eq!(t.openid, openid);
        }

        #[test]
        fn redacted_bodies_never_show_tokens(access in "[0-9A-F]{32}", refresh in "[0-9A-F]{32}") {
            for body in [write_token(&access, 1, &refresh), write_token_json(&access, 1, &refresh, None)] {
                let r = redact_body(&body);
                prop_assert!(!r.contains(&access) && !r.contains(&refresh), "{}", r);
            }
        }

        #[test]
        fn user_info_round_trips(nickname in "\\PC{0,20}", city in "\\PC{0,10}") {
            let info = UserInfoBody { nickname, city, gender_type: Some(2), ..Default::default() };
            prop_assert_eq!(parse_user_info(write_user_info(&info).as_bytes()), Ok(info));
        }
    }
}
