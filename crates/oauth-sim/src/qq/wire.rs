//! The bytes graph.qq.com writes (the reference is `shared/qq-connect.md`): the simulator's
//! writers. passport's `qq::wire` re-exports them beside its parsers, so its tests check that
//! what the simulator writes is what the client reads.

/// QQ always grants 90 days.
pub const TOKEN_EXPIRES_IN: u64 = 7_776_000;

/// A `get_user_info` success (`ret == 0`). Missing string fields read as empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfoBody {
    pub is_lost: i64,
    pub nickname: String,
    /// `男` or `女`.
    pub gender: String,
    pub gender_type: Option<i64>,
    pub province: String,
    pub city: String,
    pub year: String,
    pub constellation: String,
    /// Qzone avatar, 30 px.
    pub figureurl: String,
    /// Qzone avatar, 50 px.
    pub figureurl_1: String,
    /// Qzone avatar, 100 px.
    pub figureurl_2: String,
    /// QQ avatar, 40 px (always present).
    pub figureurl_qq_1: String,
    /// QQ avatar, 100 px (the 40 px URL when the user has none).
    pub figureurl_qq_2: String,
    /// QQ avatar, 640 px (newer field).
    pub figureurl_qq: String,
    pub figureurl_type: String,
    pub is_yellow_vip: String,
    pub vip: String,
    pub yellow_vip_level: String,
    pub level: String,
    pub is_yellow_year_vip: String,
}

impl UserInfoBody {
    /// The best avatar: 100 px QQ, else 40 px QQ, else 100 px Qzone (what JustAuth picks too).
    pub fn avatar(&self) -> Option<&str> {
        [
            &self.figureurl_qq_2,
            &self.figureurl_qq_1,
            &self.figureurl_2,
        ]
        .into_iter()
        .map(String::as_str)
        .find(|s| !s.is_empty())
    }
}
// Writers: the exact bytes graph.qq.com sends (used by the simulator).

/// A JSON string literal: raw UTF-8, `"`, `\` and controls escaped, `/` left alone.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Token success, default format: no trailing newline (the capture is 111 bytes).
pub fn write_token(access_token: &str, expires_in: u64, refresh_token: &str) -> String {
    format!("access_token={access_token}&expires_in={expires_in}&refresh_token={refresh_token}")
}

/// Token success with `fmt=json` (`expires_in` as a string; `openid` with `need_openid=1`).
pub fn write_token_json(
    access_token: &str,
    expires_in: u64,
    refresh_token: &str,
    openid: Option<&str>,
) -> String {
    let mut out = format!(
        "{{\"access_token\":{},\"expires_in\":\"{expires_in}\",\"refresh_token\":{}",
        quote(access_token),
        quote(refresh_token)
    );
    if let Some(openid) = openid {
        out.push_str(&format!(",\"openid\":{}", quote(openid)));
    }
    out.push('}');
    out
}

/// `callback( ` + JSON + ` );\n`.
pub fn jsonp(json: &str) -> String {
    format!("callback( {json} );\n")
}

/// `{"error":100019,"error_description":"code to access token error"}`.
pub fn write_error(code: i64, description: &str) -> String {
    format!(
        "{{\"error\":{code},\"error_description\":{}}}",
        quote(description)
    )
}

/// `{"client_id":"…","openid":"…"}` (+ `"unionid"`), compact, openid right before `}` without one.
pub fn write_me(client_id: &str, openid: &str, unionid: Option<&str>) -> String {
    let mut out = format!(
        "{{\"client_id\":{},\"openid\":{}",
        quote(client_id),
        quote(openid)
    );
    if let Some(unionid) = unionid {
        out.push_str(&format!(",\"unionid\":{}", quote(unionid)));
    }
    out.push('}');
    out
}

/// `{"ret":-23,"msg":"token is invalid"}`: `get_user_info` errors are compact.
pub fn write_user_info_error(ret: i64, msg: &str) -> String {
    format!("{{\"ret\":{ret},\"msg\":{}}}", quote(msg))
}

/// One value of the pretty `get_user_info` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pretty {
    Int(i64),
    Str(String),
    /// A string whose `/` are written `\/` (the Qzone avatar URLs).
    SlashEscaped(String),
}

/// QQ's pretty layout: 4-space indent, `"key": value`, except `"is_lost":0` without the space;
/// LF line ends and a trailing `\n`.
pub fn write_pretty(fields: &[(&str, Pretty)]) -> String {
    let mut out = String::from("{\n");
    for (i, (key, value)) in fields.iter().enumerate() {
        let value = match value {
            Pretty::Int(n) => n.to_string(),
            Pretty::Str(s) => quote(s),
            Pretty::SlashEscaped(s) => quote(s).replace('/', "\\/"),
        };
        let colon = if *key == "is_lost" { ":" } else { ": " };
        out.push_str(&format!("    {}{colon}{value}", quote(key)));
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// A `get_user_info` success in today's field order: Qzone URLs slash-escaped, `figureurl_qq*`
/// (thirdqq.qlogo.cn) URLs plain.
pub fn write_user_info(info: &UserInfoBody) -> String {
    use Pretty::{Int, SlashEscaped as Esc, Str};
    let s = |v: &String| Str(v.clone());
    write_pretty(&[
        ("ret", Int(0)),
        ("msg", Str(String::new())),
        ("is_lost", Int(info.is_lost)),
        ("nickname", s(&info.nickname)),
        ("gender", s(&info.gender)),
        ("gender_type", Int(info.gender_type.unwrap_or(2))),
        ("province", s(&info.province)),
        ("city", s(&info.city)),
        ("year", s(&info.year)),
        ("constellation", s(&info.constellation)),
        ("figureurl", Esc(info.figureurl.clone())),
        ("figureurl_1", Esc(info.figureurl_1.clone())),
        ("figureurl_2", Esc(info.figureurl_2.clone())),
        ("figureurl_qq_1", s(&info.figureurl_qq_1)),
        ("figureurl_qq_2", s(&info.figureurl_qq_2)),
        ("figureurl_qq", s(&info.figureurl_qq)),
        ("figureurl_type", s(&info.figureurl_type)),
        ("is_yellow_vip", s(&info.is_yellow_vip)),
        ("vip", s(&info.vip)),
        ("yellow_vip_level", s(&info.yellow_vip_level)),
        ("level", s(&info.level)),
        ("is_yellow_year_vip", s(&info.is_yellow_year_vip)),
    ])
}
