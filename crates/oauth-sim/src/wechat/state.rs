//! WeChat's rules, pure (no HTTP): apps, codes, tokens and their lifetimes, errcodes.
//! The reference is `docs/wire/wechat.md`; choices where WeChat's documentation is silent are
//! marked SIM there and here.

use std::collections::HashMap;

use serde::Serialize;

use super::config::{WechatApp, WechatConfig};
use crate::SimUser;
use crate::clock::Clock;
use crate::fault::{Faults, Target};
use crate::ids::{derive, random_url_safe, redirect_allowed, url_safe};
use crate::users::Directory;

/// Codes live 10 minutes (documented).
pub const CODE_TTL_SECS: i64 = 600;
/// Access tokens live 2 hours (documented: `expires_in` 7200).
pub const ACCESS_TTL_SECS: i64 = 7200;
/// Refresh tokens live 30 days from the authorization (documented 30 days; counting from the
/// authorization, not renewed by refreshes, is SIM).
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;
/// Codes are forgotten this long after issue (used or not), to bound memory under load.
const CODE_FORGET_SECS: i64 = 3600;

/// A WeChat error: `errcode` and the `errmsg` text before WeChat's ` rid: …` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WechatFail {
    pub errcode: i64,
    pub errmsg: &'static str,
}

const fn fail(errcode: i64, errmsg: &'static str) -> WechatFail {
    WechatFail { errcode, errmsg }
}

/// The errcodes the simulator answers (`docs/wire/wechat.md` §5).
pub mod fails {
    use super::{WechatFail, fail};
    pub const INVALID_CREDENTIAL: WechatFail = fail(
        40001,
        "invalid credential, access_token is invalid or not latest",
    );
    pub const INVALID_GRANT_TYPE: WechatFail = fail(40002, "invalid grant_type");
    pub const INVALID_OPENID: WechatFail = fail(40003, "invalid openid");
    pub const INVALID_APPID: WechatFail = fail(40013, "invalid appid");
    pub const INVALID_CODE: WechatFail = fail(40029, "invalid code");
    pub const INVALID_REFRESH_TOKEN: WechatFail = fail(40030, "invalid refresh_token");
    pub const INVALID_SECRET: WechatFail = fail(40125, "invalid appsecret");
    pub const CODE_USED: WechatFail = fail(40163, "code been used");
    pub const ACCESS_TOKEN_MISSING: WechatFail = fail(41001, "access_token missing");
    pub const APPID_MISSING: WechatFail = fail(41002, "appid missing");
    pub const REFRESH_TOKEN_MISSING: WechatFail = fail(41003, "refresh_token missing");
    pub const SECRET_MISSING: WechatFail = fail(41004, "appsecret missing");
    pub const CODE_MISSING: WechatFail = fail(41008, "missing code");
    pub const OPENID_MISSING: WechatFail = fail(41009, "missing openid");
    pub const ACCESS_TOKEN_EXPIRED: WechatFail = fail(42001, "access_token expired");
    pub const REFRESH_TOKEN_EXPIRED: WechatFail = fail(42002, "refresh_token expired");
    /// The qrconnect page's complaint about scope (shown on the page, not as JSON).
    pub const SCOPE: WechatFail = fail(10005, "Scope 参数错误或没有 Scope 权限");
    /// The qrconnect page's complaint about redirect_uri.
    pub const REDIRECT: WechatFail = fail(10003, "redirect_uri 参数错误");
}

/// Which endpoint a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    Qrconnect,
    AccessToken,
    RefreshToken,
    Userinfo,
    Auth,
    #[serde(alias = "*", alias = "all")]
    Any,
}

impl Target for FaultTarget {
    const ANY: Self = FaultTarget::Any;
}

pub type Fault = crate::fault::Fault<FaultTarget>;

/// A token endpoint success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub openid: String,
    pub scope: String,
    /// Only the code exchange reports it.
    pub unionid: Option<String>,
}

#[derive(Debug, Clone)]
struct CodeGrant {
    appid: String,
    user: String,
    scope: String,
    issued_at: i64,
    used: bool,
}

#[derive(Debug, Clone)]
struct AccessGrant {
    appid: String,
    user: String,
    expires_at: i64,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    appid: String,
    user: String,
    scope: String,
    expires_at: i64,
    /// The access token this refresh token last issued or renewed.
    access_token: String,
    revoked: bool,
}

pub struct WechatState {
    apps: Vec<WechatApp>,
    users: Directory,
    seed: String,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults<FaultTarget>,
}

impl WechatState {
    pub fn new(config: WechatConfig) -> Self {
        Self {
            apps: config.apps,
            users: Directory::new(config.users),
            seed: config.seed,
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            clock: Clock::default(),
            faults: Faults::default(),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn apps(&self) -> &[WechatApp] {
        &self.apps
    }

    pub fn app(&self, appid: &str) -> Option<&WechatApp> {
        self.apps.iter().find(|a| a.appid == appid)
    }

    pub fn users(&self) -> impl Iterator<Item = &SimUser> {
        self.users.all()
    }

    pub fn user(&self, name: &str) -> SimUser {
        self.users
            .get(name)
            .cloned()
            .unwrap_or_else(|| SimUser::named(name))
    }

    pub fn ensure_user(&mut self, name: &str, nickname: Option<&str>) {
        self.users.ensure(name, nickname);
    }

    pub fn upsert_user(&mut self, user: SimUser) {
        self.users.upsert(user);
    }

    /// 28 characters starting with `o`, stable per (app, user) (SIM: the shape of real openids).
    pub fn openid(&self, appid: &str, user: &str) -> String {
        format!(
            "o{}",
            url_safe(&derive(&[&self.seed, "openid", appid, user]), 27)
        )
    }

    /// 28 characters starting with `o`, shared by one open-platform account's apps.
    pub fn unionid(&self, appid: &str, user: &str) -> Option<String> {
        let app = self.app(appid)?;
        Some(format!(
            "o{}",
            url_safe(&derive(&[&self.seed, "unionid", &app.developer, user]), 27)
        ))
    }

    /// The qrconnect page's checks: `Err` is the page's complaint.
    pub fn check_qrconnect(
        &self,
        appid: Option<&str>,
        redirect_uri: Option<&str>,
        response_type: Option<&str>,
        scope: Option<&str>,
    ) -> Result<&WechatApp, WechatFail> {
        let app = appid
            .and_then(|id| self.app(id))
            .ok_or(fails::INVALID_APPID)?;
        let redirect_uri = redirect_uri.ok_or(fails::REDIRECT)?;
        if !app
            .redirect_uris
            .iter()
            .any(|p| redirect_allowed(p, redirect_uri))
        {
            return Err(fails::REDIRECT);
        }
        if response_type != Some("code") {
            return Err(fails::SCOPE);
        }
        let scopes_ok = scope.is_some_and(|s| s.split(',').any(|s| s == "snsapi_login"));
        if !scopes_ok {
            return Err(fails::SCOPE);
        }
        Ok(app)
    }

    /// Issue `count` codes as if `user` scanned and confirmed for `appid`.
    pub fn mint_codes(
        &mut self,
        appid: &str,
        redirect_uri: &str,
        user: &str,
        count: usize,
    ) -> Result<Vec<String>, WechatFail> {
        self.check_qrconnect(
            Some(appid),
            Some(redirect_uri),
            Some("code"),
            Some("snsapi_login"),
        )?;
        self.users.ensure(user, None);
        let now = self.now();
        if self.codes.len() > 50_000 {
            self.codes
                .retain(|_, c| now - c.issued_at < CODE_FORGET_SECS);
        }
        let codes: Vec<String> = (0..count).map(|_| random_url_safe(32)).collect();
        for code in &codes {
            self.codes.insert(
                code.clone(),
                CodeGrant {
                    appid: appid.to_owned(),
                    user: user.to_owned(),
                    scope: "snsapi_login".into(),
                    issued_at: now,
                    used: false,
                },
            );
        }
        Ok(codes)
    }

    fn new_access(&mut self, appid: &str, user: &str) -> String {
        let token = format!(
            "{}_{}",
            80 + rand::random::<u8>() % 10,
            random_url_safe(107)
        );
        let expires_at = self.now() + ACCESS_TTL_SECS;
        self.access.insert(
            token.clone(),
            AccessGrant {
                appid: appid.to_owned(),
                user: user.to_owned(),
                expires_at,
                revoked: false,
            },
        );
        token
    }

    /// `GET /sns/oauth2/access_token`. A failed attempt does not spend the code (SIM).
    pub fn exchange_code(
        &mut self,
        appid: Option<&str>,
        secret: Option<&str>,
        code: Option<&str>,
        grant_type: Option<&str>,
    ) -> Result<Grant, WechatFail> {
        let appid = appid.ok_or(fails::APPID_MISSING)?;
        let secret = secret.ok_or(fails::SECRET_MISSING)?;
        let code = code.ok_or(fails::CODE_MISSING)?;
        if grant_type != Some("authorization_code") {
            return Err(fails::INVALID_GRANT_TYPE);
        }
        let app = self.app(appid).ok_or(fails::INVALID_APPID)?;
        if app.secret != secret {
            return Err(fails::INVALID_SECRET);
        }
        let now = self.now();
        let grant = self.codes.get_mut(code).ok_or(fails::INVALID_CODE)?;
        if grant.used {
            return Err(fails::CODE_USED);
        }
        if now - grant.issued_at >= CODE_TTL_SECS || grant.appid != appid {
            return Err(fails::INVALID_CODE);
        }
        grant.used = true;
        let (user, scope) = (grant.user.clone(), grant.scope.clone());
        let access_token = self.new_access(appid, &user);
        let refresh_token = format!(
            "{}_{}",
            80 + rand::random::<u8>() % 10,
            random_url_safe(107)
        );
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                appid: appid.to_owned(),
                user: user.clone(),
                scope: scope.clone(),
                expires_at: now + REFRESH_TTL_SECS,
                access_token: access_token.clone(),
                revoked: false,
            },
        );
        Ok(Grant {
            access_token,
            expires_in: ACCESS_TTL_SECS,
            refresh_token,
            openid: self.openid(appid, &user),
            scope,
            unionid: self.unionid(appid, &user),
        })
    }

    /// `GET /sns/oauth2/refresh_token` (no secret, as documented). A live access token is
    /// renewed in place, an expired one replaced (documented); the refresh token itself is
    /// returned unchanged and keeps its 30-day deadline (SIM).
    pub fn refresh(
        &mut self,
        appid: Option<&str>,
        grant_type: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Result<Grant, WechatFail> {
        let appid = appid.ok_or(fails::APPID_MISSING)?;
        let refresh_token = refresh_token.ok_or(fails::REFRESH_TOKEN_MISSING)?;
        if grant_type != Some("refresh_token") {
            return Err(fails::INVALID_GRANT_TYPE);
        }
        if self.app(appid).is_none() {
            return Err(fails::INVALID_APPID);
        }
        let now = self.now();
        let grant = self
            .refresh
            .get(refresh_token)
            .filter(|g| !g.revoked && g.appid == appid)
            .ok_or(fails::INVALID_REFRESH_TOKEN)?
            .clone();
        if now >= grant.expires_at {
            return Err(fails::REFRESH_TOKEN_EXPIRED);
        }
        let live = self
            .access
            .get_mut(&grant.access_token)
            .filter(|a| !a.revoked && now < a.expires_at);
        let access_token = match live {
            Some(access) => {
                access.expires_at = now + ACCESS_TTL_SECS;
                grant.access_token.clone()
            }
            None => {
                let token = self.new_access(appid, &grant.user);
                if let Some(g) = self.refresh.get_mut(refresh_token) {
                    g.access_token = token.clone();
                }
                token
            }
        };
        Ok(Grant {
            access_token,
            expires_in: ACCESS_TTL_SECS,
            refresh_token: refresh_token.to_owned(),
            openid: self.openid(appid, &grant.user),
            scope: grant.scope,
            unionid: None,
        })
    }

    /// The grant behind a token presented with `openid` (`/sns/userinfo`, `/sns/auth`).
    pub fn check_access(
        &self,
        access_token: Option<&str>,
        openid: Option<&str>,
    ) -> Result<(String, String), WechatFail> {
        let token = access_token.ok_or(fails::ACCESS_TOKEN_MISSING)?;
        let openid = openid.ok_or(fails::OPENID_MISSING)?;
        let grant = self
            .access
            .get(token)
            .filter(|g| !g.revoked)
            .ok_or(fails::INVALID_CREDENTIAL)?;
        if self.now() >= grant.expires_at {
            return Err(fails::ACCESS_TOKEN_EXPIRED);
        }
        if self.openid(&grant.appid, &grant.user) != openid {
            return Err(fails::INVALID_OPENID);
        }
        Ok((grant.appid.clone(), grant.user.clone()))
    }

    /// Revoke an access or refresh token (as when the user cancels the authorization in
    /// WeChat). False when unknown.
    pub fn revoke(&mut self, token: &str) -> bool {
        if let Some(grant) = self.access.get_mut(token) {
            grant.revoked = true;
            return true;
        }
        if let Some(grant) = self.refresh.get_mut(token) {
            grant.revoked = true;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::config::{DEV_APP_ID, DEV_APP_SECRET};

    const CB: &str = "http://127.0.0.1:8000/oauth/wechat/callback";

    fn state_and_grant() -> (WechatState, Grant) {
        let mut s = WechatState::new(WechatConfig::default());
        let code = s
            .mint_codes(DEV_APP_ID, CB, "xiaoming", 1)
            .expect("mint")
            .remove(0);
        let g = s
            .exchange_code(
                Some(DEV_APP_ID),
                Some(DEV_APP_SECRET),
                Some(&code),
                Some("authorization_code"),
            )
            .expect("grant");
        (s, g)
    }

    #[test]
    fn refresh_renews_a_live_token_and_replaces_an_expired_one() {
        let (mut s, g) = state_and_grant();
        let r = s
            .refresh(
                Some(DEV_APP_ID),
                Some("refresh_token"),
                Some(&g.refresh_token),
            )
            .expect("refresh");
        assert_eq!(r.access_token, g.access_token, "live: renewed in place");
        assert_eq!(r.refresh_token, g.refresh_token);
        s.clock.advance(ACCESS_TTL_SECS);
        assert_eq!(
            s.check_access(Some(&g.access_token), Some(&g.openid)),
            Err(fails::ACCESS_TOKEN_EXPIRED)
        );
        let r2 = s
            .refresh(
                Some(DEV_APP_ID),
                Some("refresh_token"),
                Some(&g.refresh_token),
            )
            .expect("refresh");
        assert_ne!(r2.access_token, g.access_token, "expired: replaced");
        assert!(
            s.check_access(Some(&r2.access_token), Some(&g.openid))
                .is_ok()
        );
        s.clock.advance(REFRESH_TTL_SECS);
        assert_eq!(
            s.refresh(
                Some(DEV_APP_ID),
                Some("refresh_token"),
                Some(&g.refresh_token)
            ),
            Err(fails::REFRESH_TOKEN_EXPIRED)
        );
    }

    #[test]
    fn openids_differ_per_app_and_unionids_follow_the_developer() {
        let s = WechatState::new(WechatConfig::default());
        let other = crate::wechat::config::SIBLING_APP_ID;
        assert_ne!(
            s.openid(DEV_APP_ID, "xiaoming"),
            s.openid(other, "xiaoming")
        );
        assert_eq!(s.openid(DEV_APP_ID, "xiaoming").len(), 28);
        assert_eq!(
            s.unionid(DEV_APP_ID, "xiaoming"),
            s.unionid(other, "xiaoming")
        );
        assert_ne!(
            s.unionid(DEV_APP_ID, "xiaoming"),
            s.unionid(crate::wechat::config::STRANGER_APP_ID, "xiaoming")
        );
    }
}
