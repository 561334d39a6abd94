//! Weibo's rules for website apps, pure (no HTTP): codes bound to app and redirect_uri, one
//! access token per (app, user), no refresh grant. The reference is `docs/wire/weibo.md`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::SimUser;
use crate::clock::Clock;
use crate::fault::{Faults, Target};
use crate::ids::{derive, random_hex32_lower, redirect_allowed};
use crate::users::Directory;

/// Codes live 10 minutes (SIM: Weibo documents no figure).
pub const CODE_TTL_SECS: i64 = 600;
const CODE_FORGET_SECS: i64 = 3600;

/// A Weibo error: `error_code`, the `error` word and the HTTP status it comes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeiboFail {
    pub error_code: i64,
    pub error: &'static str,
    pub status: u16,
}

const fn fail(error_code: i64, error: &'static str, status: u16) -> WeiboFail {
    WeiboFail {
        error_code,
        error,
        status,
    }
}

/// The error codes the simulator answers (`docs/wire/weibo.md` §5).
pub mod fails {
    use super::{WeiboFail, fail};
    pub const SOURCE_MISSING: WeiboFail = fail(10006, "source paramter(appkey) is missing", 400);
    pub const MISSING_PARAM: WeiboFail = fail(
        10016,
        "miss required parameter (uid or screen_name) , see doc for more info.",
        400,
    );
    pub const METHOD: WeiboFail = fail(10021, "HTTP METHOD is not suported for this request!", 405);
    pub const USER_MISSING: WeiboFail = fail(20003, "User does not exists!", 400);
    pub const REDIRECT_MISMATCH: WeiboFail = fail(21322, "redirect_uri_mismatch", 400);
    pub const INVALID_REQUEST: WeiboFail = fail(21323, "invalid_request", 400);
    pub const INVALID_CLIENT: WeiboFail = fail(21324, "invalid_client", 401);
    pub const INVALID_GRANT: WeiboFail = fail(21325, "invalid_grant", 400);
    pub const EXPIRED_TOKEN: WeiboFail = fail(21327, "expired_token", 401);
    pub const UNSUPPORTED_GRANT_TYPE: WeiboFail = fail(21328, "unsupported_grant_type", 400);
    pub const UNSUPPORTED_RESPONSE_TYPE: WeiboFail = fail(21329, "unsupported_response_type", 400);
    pub const ACCESS_DENIED: WeiboFail = fail(21330, "access_denied", 403);
    pub const INVALID_ACCESS_TOKEN: WeiboFail = fail(21332, "invalid_access_token", 401);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    Authorize,
    AccessToken,
    UsersShow,
    GetTokenInfo,
    #[serde(alias = "*", alias = "all")]
    Any,
}

impl Target for FaultTarget {
    const ANY: Self = FaultTarget::Any;
}

pub type Fault = crate::fault::Fault<FaultTarget>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeiboApp {
    /// The App Key.
    pub client_id: String,
    /// The App Secret.
    pub client_secret: String,
    /// Callback prefixes (the 授权回调页); `:*` matches any port.
    #[serde(default = "local_redirects")]
    pub redirect_uris: Vec<String>,
    /// Access token lifetime, seconds (Weibo's depends on the app's level).
    #[serde(default = "five_years")]
    pub token_ttl_secs: i64,
    #[serde(default)]
    pub name: String,
}

fn local_redirects() -> Vec<String> {
    crate::qq::config::LOCAL_REDIRECTS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// What captured answers of reviewed website apps show: `expires_in` 157679999.
pub const LONG_TOKEN_TTL_SECS: i64 = 157_679_999;
/// A test-level (unreviewed) app's token: one day.
pub const TEST_TOKEN_TTL_SECS: i64 = 86_400;

fn five_years() -> i64 {
    LONG_TOKEN_TTL_SECS
}

impl WeiboApp {
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: local_redirects(),
            token_ttl_secs: LONG_TOKEN_TTL_SECS,
            name: String::new(),
        }
    }

    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.client_id
        } else {
            &self.name
        }
    }
}

pub const DEV_APP_KEY: &str = "3000000001";
pub const DEV_APP_SECRET: &str = "passport-dev-weibo-app-secret000";
/// An unreviewed app: tokens live one day.
pub const TEST_APP_KEY: &str = "3000000002";
pub const TEST_APP_SECRET: &str = "passport-sim-weibo-test-secret00";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeiboConfig {
    #[serde(default)]
    pub apps: Vec<WeiboApp>,
    #[serde(default)]
    pub users: Vec<SimUser>,
    #[serde(default = "default_seed")]
    pub seed: String,
}

fn default_seed() -> String {
    "passport-weibo-sim".into()
}

impl Default for WeiboConfig {
    fn default() -> Self {
        let mut dev = WeiboApp::new(DEV_APP_KEY, DEV_APP_SECRET);
        dev.name = "荏苒 (dev)".into();
        let mut test = WeiboApp::new(TEST_APP_KEY, TEST_APP_SECRET);
        test.token_ttl_secs = TEST_TOKEN_TTL_SECS;
        test.name = "荏苒测试 (未审核)".into();
        Self {
            apps: vec![dev, test],
            users: crate::users::default_users(),
            seed: default_seed(),
        }
    }
}

impl WeiboConfig {
    pub fn with_app(mut self, app: WeiboApp) -> Self {
        self.apps.retain(|a| a.client_id != app.client_id);
        self.apps.push(app);
        self
    }

    pub fn with_user(mut self, user: SimUser) -> Self {
        self.users.retain(|u| u.name != user.name);
        self.users.push(user);
        self
    }
}

/// A token endpoint success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub access_token: String,
    pub expires_in: i64,
    pub uid: u64,
}

/// What `get_token_info` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub uid: u64,
    pub appkey: String,
    pub create_at: i64,
    pub expire_in: i64,
}

#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    user: String,
    issued_at: i64,
    used: bool,
}

#[derive(Debug, Clone)]
struct AccessGrant {
    client_id: String,
    user: String,
    created_at: i64,
    expires_at: i64,
    revoked: bool,
}

pub struct WeiboState {
    apps: Vec<WeiboApp>,
    users: Directory,
    seed: String,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, AccessGrant>,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults<FaultTarget>,
}

impl WeiboState {
    pub fn new(config: WeiboConfig) -> Self {
        Self {
            apps: config.apps,
            users: Directory::new(config.users),
            seed: config.seed,
            codes: HashMap::new(),
            access: HashMap::new(),
            clock: Clock::default(),
            faults: Faults::default(),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn apps(&self) -> &[WeiboApp] {
        &self.apps
    }

    pub fn app(&self, client_id: &str) -> Option<&WeiboApp> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }

    pub fn users(&self) -> impl Iterator<Item = &SimUser> {
        self.users.all()
    }

    pub fn ensure_user(&mut self, name: &str, nickname: Option<&str>) {
        self.users.ensure(name, nickname);
    }

    pub fn upsert_user(&mut self, user: SimUser) {
        self.users.upsert(user);
    }

    /// A Weibo uid: one per person across all apps (10 digits, stable for the seed).
    pub fn uid(&self, user: &str) -> u64 {
        let b = derive(&[&self.seed, "uid", user]);
        let n = u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        5_000_000_000 + n % 2_000_000_000
    }

    /// The user with this uid, if the simulator knows one.
    pub fn user_by_uid(&self, uid: u64) -> Option<SimUser> {
        self.users.all().find(|u| self.uid(&u.name) == uid).cloned()
    }

    pub fn check_authorize(
        &self,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
        response_type: Option<&str>,
    ) -> Result<&WeiboApp, WeiboFail> {
        let app = client_id
            .and_then(|id| self.app(id))
            .ok_or(fails::INVALID_CLIENT)?;
        let redirect_uri = redirect_uri.ok_or(fails::REDIRECT_MISMATCH)?;
        if !app
            .redirect_uris
            .iter()
            .any(|p| redirect_allowed(p, redirect_uri))
        {
            return Err(fails::REDIRECT_MISMATCH);
        }
        if response_type.is_some_and(|t| t != "code") {
            return Err(fails::UNSUPPORTED_RESPONSE_TYPE);
        }
        Ok(app)
    }

    pub fn mint_codes(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        user: &str,
        count: usize,
    ) -> Result<Vec<String>, WeiboFail> {
        self.check_authorize(Some(client_id), Some(redirect_uri), None)?;
        self.users.ensure(user, None);
        let now = self.now();
        if self.codes.len() > 50_000 {
            self.codes
                .retain(|_, c| now - c.issued_at < CODE_FORGET_SECS);
        }
        let codes: Vec<String> = (0..count).map(|_| random_hex32_lower()).collect();
        for code in &codes {
            self.codes.insert(
                code.clone(),
                CodeGrant {
                    client_id: client_id.to_owned(),
                    redirect_uri: redirect_uri.to_owned(),
                    user: user.to_owned(),
                    issued_at: now,
                    used: false,
                },
            );
        }
        Ok(codes)
    }

    /// `POST /oauth2/access_token`. Re-authorising while a token lives returns the same token
    /// (one token per app and user; its deadline is kept, SIM).
    pub fn exchange_code(
        &mut self,
        client_id: Option<&str>,
        client_secret: Option<&str>,
        grant_type: Option<&str>,
        code: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<Grant, WeiboFail> {
        let (Some(client_id), Some(client_secret)) = (client_id, client_secret) else {
            return Err(fails::INVALID_REQUEST);
        };
        let app = self.app(client_id).ok_or(fails::INVALID_CLIENT)?;
        if app.client_secret != client_secret {
            return Err(fails::INVALID_CLIENT);
        }
        let ttl = app.token_ttl_secs;
        match grant_type {
            Some("authorization_code") => {}
            None => return Err(fails::INVALID_REQUEST),
            Some(_) => return Err(fails::UNSUPPORTED_GRANT_TYPE),
        }
        let code = code.ok_or(fails::INVALID_REQUEST)?;
        let redirect_uri = redirect_uri.ok_or(fails::INVALID_REQUEST)?;
        let now = self.now();
        let grant = self.codes.get_mut(code).ok_or(fails::INVALID_GRANT)?;
        if grant.used || now - grant.issued_at >= CODE_TTL_SECS || grant.client_id != client_id {
            return Err(fails::INVALID_GRANT);
        }
        if grant.redirect_uri != redirect_uri {
            return Err(fails::REDIRECT_MISMATCH);
        }
        grant.used = true;
        let user = grant.user.clone();
        let uid = self.uid(&user);
        let live = self.access.iter().find(|(_, g)| {
            g.client_id == client_id && g.user == user && !g.revoked && now < g.expires_at
        });
        if let Some((token, g)) = live {
            return Ok(Grant {
                access_token: token.clone(),
                expires_in: g.expires_at - now,
                uid,
            });
        }
        // `2.00` + 28 characters, the shape of real tokens.
        let access_token = format!("2.00{}", &random_hex32_lower()[..28]);
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                client_id: client_id.to_owned(),
                user,
                created_at: now,
                expires_at: now + ttl,
                revoked: false,
            },
        );
        Ok(Grant {
            access_token,
            expires_in: ttl,
            uid,
        })
    }

    fn access(&self, token: Option<&str>) -> Result<&AccessGrant, WeiboFail> {
        let token = token.ok_or(fails::SOURCE_MISSING)?;
        let grant = self
            .access
            .get(token)
            .filter(|g| !g.revoked)
            .ok_or(fails::INVALID_ACCESS_TOKEN)?;
        if self.now() >= grant.expires_at {
            return Err(fails::EXPIRED_TOKEN);
        }
        Ok(grant)
    }

    /// `POST /oauth2/get_token_info`.
    pub fn token_info(&self, token: Option<&str>) -> Result<TokenInfo, WeiboFail> {
        let g = self.access(token)?;
        Ok(TokenInfo {
            uid: self.uid(&g.user),
            appkey: g.client_id.clone(),
            create_at: g.created_at,
            expire_in: g.expires_at - self.now(),
        })
    }

    /// `GET /2/users/show.json`: the profile of `uid` (or `screen_name`) for a valid token.
    pub fn show(
        &self,
        token: Option<&str>,
        uid: Option<&str>,
        screen_name: Option<&str>,
    ) -> Result<(u64, SimUser), WeiboFail> {
        self.access(token)?;
        let found = match (uid, screen_name) {
            (Some(uid), _) => uid
                .parse::<u64>()
                .ok()
                .and_then(|uid| self.user_by_uid(uid)),
            (None, Some(name)) => self.users.all().find(|u| u.nickname == name).cloned(),
            (None, None) => return Err(fails::MISSING_PARAM),
        };
        let user = found.ok_or(fails::USER_MISSING)?;
        Ok((self.uid(&user.name), user))
    }

    /// `/oauth2/revokeoauth2`, and the control endpoint. False when unknown.
    pub fn revoke(&mut self, token: &str) -> bool {
        match self.access.get_mut(token) {
            Some(g) => {
                g.revoked = true;
                true
            }
            None => false,
        }
    }
}
