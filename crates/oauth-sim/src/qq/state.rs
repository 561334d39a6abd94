//! The simulator's memory and QQ's rules: apps, users, codes, tokens, the clock and the faults.
//! Pure (no HTTP): the handlers translate parameters in and bodies out.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::config::{SimApp, SimConfig, profile};
use super::wire::{TOKEN_EXPIRES_IN, UserInfoBody};
use crate::SimUser;
use crate::clock::Clock;
pub use crate::fault::FaultKind;
use crate::fault::{Faults, Target};
pub use crate::ids::redirect_allowed;
use crate::ids::{derive_hex32, random_hex32};
use crate::users::Directory;

/// Authorization codes live 10 minutes.
pub const CODE_TTL_SECS: i64 = 600;
/// How long a refresh chain lives from the first grant. QQ's figure is UNCONFIRMED (7 days, 3 or
/// 6 months in different documents); the simulator picks 6 months.
pub const REFRESH_CHAIN_SECS: i64 = 180 * 24 * 3600;
/// Codes are forgotten this long after issue (used or not), to bound memory under load.
const CODE_FORGET_SECS: i64 = 3600;

/// A QQ error: the numeric code and QQ's English description (trailing spaces included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QqFail {
    pub code: i64,
    pub description: &'static str,
}

const fn fail(code: i64, description: &'static str) -> QqFail {
    QqFail { code, description }
}

/// The texts seen on the wire (qq-connect.md §2.4); UNCONFIRMED ones are marked.
pub mod fails {
    use super::{QqFail, fail};
    /// Text UNCONFIRMED.
    pub const RESPONSE_TYPE: QqFail = fail(100000, "param response_type is wrong or lost ");
    pub const CLIENT_ID: QqFail = fail(100001, "param client_id is wrong or lost ");
    pub const CLIENT_SECRET: QqFail = fail(100002, "param client_secret is wrong or lost ");
    pub const GRANT_TYPE: QqFail = fail(100004, "param grant_type is wrong or lost ");
    pub const CODE: QqFail = fail(100005, "param code is wrong or lost ");
    pub const REFRESH_TOKEN: QqFail = fail(100006, "param refresh token is wrong or lost ");
    pub const ACCESS_TOKEN: QqFail = fail(100007, "param access token is wrong or lost ");
    /// Text UNCONFIRMED (the code table says "appid does not exist").
    pub const APP_UNKNOWN: QqFail = fail(100008, "client id is illegal");
    pub const SECRET_WRONG: QqFail = fail(100009, "client secret is illegal");
    pub const REDIRECT: QqFail = fail(100010, "redirect uri is illegal");
    /// Text UNCONFIRMED (the code table says "app not in online status").
    pub const APP_OFFLINE: QqFail = fail(100011, "app is not online");
    pub const TOKEN_ILLEGAL: QqFail = fail(100013, "access token is illegal");
    /// Code and text UNCONFIRMED.
    pub const TOKEN_REVOKED: QqFail = fail(100015, "access token is revoked");
    pub const TOKEN_CHECK: QqFail = fail(100016, "access token check failed");
    pub const CODE_INVALID: QqFail = fail(100019, "code to access token error");
    pub const CODE_REUSED: QqFail = fail(100020, "code is reused error");
    /// QQ's code for a used, unknown or expired refresh token is UNCONFIRMED; the simulator
    /// answers 100015 (what 100015 means for access tokens: revoked).
    pub const REFRESH_ILLEGAL: QqFail = fail(100015, "refresh token is illegal");
    pub const UNIONID: QqFail = fail(100048, "companyid not set");
}

/// A granted token pair, as the token endpoint reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub openid: String,
}

/// A `get_user_info` failure: `ret` and `msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfoFail {
    pub ret: i64,
    pub msg: String,
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
    expires_at: i64,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    user: String,
    chain_started: i64,
    revoked: bool,
}

/// Which graph.qq.com endpoint a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    Authorize,
    Token,
    Me,
    #[serde(alias = "user_info")]
    GetUserInfo,
    /// Every endpoint.
    #[serde(alias = "*", alias = "all")]
    Any,
}

impl Target for FaultTarget {
    const ANY: Self = FaultTarget::Any;
}

/// A fault rule on one of QQ's endpoints, as posted to `POST /_sim/faults`.
pub type Fault = crate::fault::Fault<FaultTarget>;

/// How many used refresh tokens the simulator remembers for `refresh_reuses`.
const SPENT_REFRESH_MAX: usize = 1_000_000;

/// Everything the simulator remembers. Guarded by one mutex in [`super::Simulator`].
pub struct SimState {
    apps: BTreeMap<String, SimApp>,
    users: Directory,
    seed: String,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    /// Refresh tokens already used (rotated away), to count a second presentation of one.
    spent_refresh: HashSet<String>,
    /// How many times a used refresh token came back (`GET /_sim` `stats.refresh_reuses`): a
    /// client that sends one token twice shows here even though QQ's answer is the same 100015
    /// as for an unknown token.
    refresh_reuses: u64,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults<FaultTarget>,
}

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        Self {
            apps: config
                .apps
                .into_iter()
                .map(|a| (a.client_id.clone(), a))
                .collect(),
            users: Directory::new(config.users),
            seed: config.seed,
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            spent_refresh: HashSet::new(),
            refresh_reuses: 0,
            clock: Clock::default(),
            faults: Faults::default(),
        }
    }

    // --- clock -----------------------------------------------------------------------------

    /// Simulated Unix time in seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn advance_clock(&mut self, secs: i64) {
        self.clock.advance(secs);
    }

    pub fn clock_offset(&self) -> i64 {
        self.clock.offset()
    }

    // --- apps and users --------------------------------------------------------------------

    pub fn apps(&self) -> impl Iterator<Item = &SimApp> {
        self.apps.values()
    }

    pub fn users(&self) -> impl Iterator<Item = &SimUser> {
        self.users.all()
    }

    pub fn app(&self, client_id: &str) -> Option<&SimApp> {
        self.apps.get(client_id)
    }

    /// The named user, created on first use (nickname = name unless one is given).
    pub fn ensure_user(&mut self, name: &str, nickname: Option<&str>) -> &SimUser {
        self.users.ensure(name, nickname)
    }

    pub fn upsert_user(&mut self, user: SimUser) {
        self.users.upsert(user);
    }

    pub fn openid(&self, client_id: &str, user: &str) -> String {
        derive_hex32(&[&self.seed, "openid", client_id, user])
    }

    /// Same for every app of one developer account.
    pub fn unionid(&self, developer: &str, user: &str) -> String {
        format!(
            "UID_{}",
            derive_hex32(&[&self.seed, "unionid", developer, user])
        )
    }

    /// The authorize endpoint's checks, in QQ's order of complaint.
    pub fn check_authorize(
        &self,
        response_type: Option<&str>,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<&SimApp, QqFail> {
        let client_id = client_id.ok_or(fails::CLIENT_ID)?;
        let app = self.apps.get(client_id).ok_or(fails::APP_UNKNOWN)?;
        if !app.approved {
            return Err(fails::APP_OFFLINE);
        }
        if response_type != Some("code") {
            return Err(fails::RESPONSE_TYPE);
        }
        let redirect_uri = redirect_uri.ok_or(fails::REDIRECT)?;
        if !app
            .redirect_uris
            .iter()
            .any(|p| redirect_allowed(p, redirect_uri))
        {
            return Err(fails::REDIRECT);
        }
        Ok(app)
    }

    // --- codes and tokens ------------------------------------------------------------------

    /// Issue `count` codes as if `user` approved `client_id` for `redirect_uri`.
    pub fn mint_codes(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        user: &str,
        count: usize,
    ) -> Result<Vec<String>, QqFail> {
        self.check_authorize(Some("code"), Some(client_id), Some(redirect_uri))?;
        self.ensure_user(user, None);
        let now = self.now();
        if self.codes.len() > 50_000 {
            self.codes
                .retain(|_, c| now - c.issued_at < CODE_FORGET_SECS);
        }
        let codes: Vec<String> = (0..count).map(|_| random_hex32()).collect();
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

    fn check_client(
        &self,
        client_id: Option<&str>,
        client_secret: Option<&str>,
    ) -> Result<&SimApp, QqFail> {
        let client_id = client_id.ok_or(fails::CLIENT_ID)?;
        let client_secret = client_secret.ok_or(fails::CLIENT_SECRET)?;
        let app = self.apps.get(client_id).ok_or(fails::APP_UNKNOWN)?;
        if app.client_secret != client_secret {
            return Err(fails::SECRET_WRONG);
        }
        Ok(app)
    }

    fn grant(&mut self, client_id: &str, user: &str, chain_started: i64) -> Grant {
        let now = self.now();
        let access_token = random_hex32();
        let refresh_token = random_hex32();
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                client_id: client_id.to_owned(),
                user: user.to_owned(),
                expires_at: now + TOKEN_EXPIRES_IN as i64,
                revoked: false,
            },
        );
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                client_id: client_id.to_owned(),
                user: user.to_owned(),
                chain_started,
                revoked: false,
            },
        );
        Grant {
            access_token,
            expires_in: TOKEN_EXPIRES_IN,
            refresh_token,
            openid: self.openid(client_id, user),
        }
    }

    /// `grant_type=authorization_code`. The code is spent only when the exchange succeeds.
    pub fn exchange_code(
        &mut self,
        client_id: Option<&str>,
        client_secret: Option<&str>,
        code: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<Grant, QqFail> {
        let client_id = self
            .check_client(client_id, client_secret)?
            .client_id
            .clone();
        let code = code.ok_or(fails::CODE)?;
        let redirect_uri = redirect_uri.ok_or(fails::REDIRECT)?;
        let now = self.now();
        let grant = self.codes.get_mut(code).ok_or(fails::CODE_INVALID)?;
        if grant.used {
            return Err(fails::CODE_REUSED);
        }
        if now - grant.issued_at >= CODE_TTL_SECS || grant.client_id != client_id {
            return Err(fails::CODE_INVALID);
        }
        if grant.redirect_uri != redirect_uri {
            return Err(fails::REDIRECT);
        }
        grant.used = true;
        let user = grant.user.clone();
        Ok(self.grant(&client_id, &user, now))
    }

    /// How many times a used refresh token was presented again.
    pub fn refresh_reuses(&self) -> u64 {
        self.refresh_reuses
    }

    /// `grant_type=refresh_token`: a new pair; the old refresh token is dead, the old access
    /// token lives on until it expires (UNCONFIRMED on QQ).
    pub fn refresh(
        &mut self,
        client_id: Option<&str>,
        client_secret: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Result<Grant, QqFail> {
        let client_id = self
            .check_client(client_id, client_secret)?
            .client_id
            .clone();
        let refresh_token = refresh_token.ok_or(fails::REFRESH_TOKEN)?;
        let now = self.now();
        let Some(old) = self.refresh.get_mut(refresh_token) else {
            if self.spent_refresh.contains(refresh_token) {
                self.refresh_reuses += 1;
            }
            return Err(fails::REFRESH_ILLEGAL);
        };
        if old.revoked
            || old.client_id != client_id
            || now - old.chain_started >= REFRESH_CHAIN_SECS
        {
            return Err(fails::REFRESH_ILLEGAL);
        }
        let (user, chain_started) = (old.user.clone(), old.chain_started);
        // A used refresh token is dead: its grant goes, only the token is kept to count reuses
        // (forgotten in bulk past SPENT_REFRESH_MAX, which bounds memory in long load runs).
        self.refresh.remove(refresh_token);
        if self.spent_refresh.len() >= SPENT_REFRESH_MAX {
            self.spent_refresh.clear();
        }
        self.spent_refresh.insert(refresh_token.to_owned());
        Ok(self.grant(&client_id, &user, chain_started))
    }

    fn access(&self, access_token: Option<&str>) -> Result<&AccessGrant, QqFail> {
        let token = access_token.ok_or(fails::ACCESS_TOKEN)?;
        let grant = self.access.get(token).ok_or(fails::TOKEN_ILLEGAL)?;
        if grant.revoked {
            return Err(fails::TOKEN_REVOKED);
        }
        if self.now() >= grant.expires_at {
            return Err(fails::TOKEN_CHECK);
        }
        Ok(grant)
    }

    /// `/oauth2.0/me`: (client_id, openid, unionid if asked).
    pub fn me(
        &self,
        access_token: Option<&str>,
        want_unionid: bool,
    ) -> Result<(String, String, Option<String>), QqFail> {
        let grant = self.access(access_token)?;
        let app = self
            .apps
            .get(&grant.client_id)
            .ok_or(fails::TOKEN_ILLEGAL)?;
        let unionid = if want_unionid {
            if !app.unionid {
                return Err(fails::UNIONID);
            }
            Some(self.unionid(&app.developer, &grant.user))
        } else {
            None
        };
        Ok((
            grant.client_id.clone(),
            self.openid(&grant.client_id, &grant.user),
            unionid,
        ))
    }

    /// `/user/get_user_info`.
    pub fn user_info(
        &self,
        access_token: Option<&str>,
        consumer_key: Option<&str>,
        openid: Option<&str>,
    ) -> Result<UserInfoBody, UserInfoFail> {
        let invalid = |what: &str| UserInfoFail {
            ret: -1,
            msg: format!("client request's parameters are invalid, invalid {what}"),
        };
        let access_token = access_token.ok_or_else(|| invalid("access_token"))?;
        let consumer_key = consumer_key.ok_or_else(|| invalid("oauth_consumer_key"))?;
        let openid = openid.ok_or_else(|| invalid("openid"))?;
        let grant = self.access(Some(access_token)).map_err(|_| UserInfoFail {
            ret: -23,
            msg: "token is invalid".into(),
        })?;
        if consumer_key != grant.client_id {
            return Err(invalid("oauth_consumer_key"));
        }
        let expected = self.openid(&grant.client_id, &grant.user);
        if openid != expected {
            return Err(invalid("openid"));
        }
        let fallback = SimUser::named(&grant.user);
        let user = self.users.get(&grant.user).unwrap_or(&fallback);
        Ok(profile(user, &grant.client_id, openid))
    }

    /// Revoke an access or refresh token. False when unknown.
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

    // --- faults ----------------------------------------------------------------------------

    pub fn add_fault(&mut self, fault: Fault) {
        self.faults.add(fault);
    }

    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    pub fn faults(&self) -> &[Fault] {
        self.faults.list()
    }

    /// The fault to apply to this request, if one fires (first matching rule wins).
    pub fn pick_fault(&mut self, target: FaultTarget) -> Option<Fault> {
        self.faults.pick(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qq::config::{
        DEV_APP_ID as DEV_QQ_APP_ID, DEV_APP_KEY as DEV_QQ_APP_KEY, SIM_NO_UNIONID_APP_ID,
        SIM_NO_UNIONID_APP_KEY, SIM_UNAPPROVED_APP_ID,
    };

    const CB: &str = "http://127.0.0.1:8000/oauth/qq/callback";

    fn state() -> SimState {
        SimState::new(SimConfig::default())
    }

    fn code(s: &mut SimState) -> String {
        s.mint_codes(DEV_QQ_APP_ID, CB, "xiaoming", 1)
            .expect("mint")
            .remove(0)
    }

    fn exchange(s: &mut SimState, code: &str) -> Result<Grant, QqFail> {
        s.exchange_code(
            Some(DEV_QQ_APP_ID),
            Some(DEV_QQ_APP_KEY),
            Some(code),
            Some(CB),
        )
    }

    #[test]
    fn codes_are_single_use_and_expire() {
        let mut s = state();
        let c = code(&mut s);
        assert_eq!(c.len(), 32);
        assert!(
            c.bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
        );
        let g = exchange(&mut s, &c).expect("first use");
        assert_eq!(g.openid, s.openid(DEV_QQ_APP_ID, "xiaoming"));
        assert_eq!(exchange(&mut s, &c), Err(fails::CODE_REUSED));
        let c = code(&mut s);
        s.advance_clock(CODE_TTL_SECS);
        assert_eq!(exchange(&mut s, &c), Err(fails::CODE_INVALID));
        assert_eq!(
            exchange(&mut s, "00000000000000000000000000000000"),
            Err(fails::CODE_INVALID)
        );
    }

    #[test]
    fn codes_are_bound_to_app_and_redirect() {
        let mut s = state();
        let c = code(&mut s);
        let other = s.exchange_code(
            Some(DEV_QQ_APP_ID),
            Some(DEV_QQ_APP_KEY),
            Some(&c),
            Some("http://127.0.0.1:8000/x"),
        );
        assert_eq!(other, Err(fails::REDIRECT));
        let other_app = s.exchange_code(
            Some(SIM_NO_UNIONID_APP_ID),
            Some(SIM_NO_UNIONID_APP_KEY),
            Some(&c),
            Some(CB),
        );
        assert_eq!(other_app, Err(fails::CODE_INVALID));
        assert!(
            exchange(&mut s, &c).is_ok(),
            "failed attempts do not spend the code"
        );
        let wrong = s.exchange_code(Some(DEV_QQ_APP_ID), Some("nope"), Some(&c), Some(CB));
        assert_eq!(wrong, Err(fails::SECRET_WRONG));
    }

    #[test]
    fn missing_parameters() {
        let mut s = state();
        assert_eq!(
            s.exchange_code(None, Some("x"), Some("c"), Some(CB)),
            Err(fails::CLIENT_ID)
        );
        assert_eq!(
            s.exchange_code(Some(DEV_QQ_APP_ID), None, Some("c"), Some(CB)),
            Err(fails::CLIENT_SECRET)
        );
        assert_eq!(
            s.exchange_code(Some(DEV_QQ_APP_ID), Some(DEV_QQ_APP_KEY), None, Some(CB)),
            Err(fails::CODE)
        );
        assert_eq!(
            s.refresh(Some(DEV_QQ_APP_ID), Some(DEV_QQ_APP_KEY), None),
            Err(fails::REFRESH_TOKEN)
        );
        assert_eq!(s.me(None, false), Err(fails::ACCESS_TOKEN));
    }

    #[test]
    fn refresh_rotates_and_kills_the_old_token() {
        let mut s = state();
        let c = code(&mut s);
        let g = exchange(&mut s, &c).expect("grant");
        let r = s
            .refresh(
                Some(DEV_QQ_APP_ID),
                Some(DEV_QQ_APP_KEY),
                Some(&g.refresh_token),
            )
            .expect("refresh");
        assert_ne!(r.refresh_token, g.refresh_token);
        assert_ne!(r.access_token, g.access_token);
        assert_eq!(s.refresh_reuses(), 0);
        assert_eq!(
            s.refresh(
                Some(DEV_QQ_APP_ID),
                Some(DEV_QQ_APP_KEY),
                Some(&g.refresh_token)
            ),
            Err(fails::REFRESH_ILLEGAL)
        );
        assert_eq!(s.refresh_reuses(), 1, "the used token came back once");
        assert_eq!(
            s.refresh(Some(DEV_QQ_APP_ID), Some(DEV_QQ_APP_KEY), Some("unknown")),
            Err(fails::REFRESH_ILLEGAL)
        );
        assert_eq!(s.refresh_reuses(), 1, "an unknown token is not a reuse");
        assert!(s.revoke(&r.refresh_token));
        assert_eq!(
            s.refresh(
                Some(DEV_QQ_APP_ID),
                Some(DEV_QQ_APP_KEY),
                Some(&r.refresh_token)
            ),
            Err(fails::REFRESH_ILLEGAL)
        );
    }

    #[test]
    fn tokens_expire_and_unionid_needs_permission() {
        let mut s = state();
        let c = code(&mut s);
        let g = exchange(&mut s, &c).expect("grant");
        let (client, openid, unionid) = s.me(Some(&g.access_token), true).expect("me");
        assert_eq!(
            (client.as_str(), openid.as_str()),
            (DEV_QQ_APP_ID, g.openid.as_str())
        );
        assert!(unionid.expect("unionid").starts_with("UID_"));
        s.advance_clock(TOKEN_EXPIRES_IN as i64);
        assert_eq!(s.me(Some(&g.access_token), false), Err(fails::TOKEN_CHECK));

        let c = s
            .mint_codes(SIM_NO_UNIONID_APP_ID, CB, "xiaoming", 1)
            .expect("mint")
            .remove(0);
        let g2 = s
            .exchange_code(
                Some(SIM_NO_UNIONID_APP_ID),
                Some(SIM_NO_UNIONID_APP_KEY),
                Some(&c),
                Some(CB),
            )
            .expect("grant");
        assert_eq!(s.me(Some(&g2.access_token), true), Err(fails::UNIONID));
        assert_ne!(g2.openid, g.openid, "openids differ across apps");
        assert_eq!(s.me(Some("nope"), false), Err(fails::TOKEN_ILLEGAL));
    }

    #[test]
    fn authorize_checks() {
        let s = state();
        assert_eq!(
            s.check_authorize(Some("code"), Some("1"), Some(CB)).err(),
            Some(fails::APP_UNKNOWN)
        );
        assert_eq!(
            s.check_authorize(Some("code"), Some(SIM_UNAPPROVED_APP_ID), Some(CB))
                .err(),
            Some(fails::APP_OFFLINE)
        );
        assert_eq!(
            s.check_authorize(
                Some("code"),
                Some(DEV_QQ_APP_ID),
                Some("https://evil.example/cb")
            )
            .err(),
            Some(fails::REDIRECT)
        );
        assert_eq!(
            s.check_authorize(Some("token"), Some(DEV_QQ_APP_ID), Some(CB))
                .err(),
            Some(fails::RESPONSE_TYPE)
        );
        assert!(
            s.check_authorize(Some("code"), Some(DEV_QQ_APP_ID), Some(CB))
                .is_ok()
        );
    }

    #[test]
    fn faults_fire_the_given_number_of_times() {
        let mut s = state();
        let mut f = Fault::new(FaultTarget::Token, FaultKind::Empty);
        f.times = Some(2);
        s.add_fault(f);
        assert!(s.pick_fault(FaultTarget::Me).is_none());
        assert!(s.pick_fault(FaultTarget::Token).is_some());
        assert!(s.pick_fault(FaultTarget::Token).is_some());
        assert!(s.pick_fault(FaultTarget::Token).is_none());
        assert!(s.faults().is_empty());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Mint,
        Exchange(usize),
        Refresh(usize),
        /// Hundreds of seconds, so code ages never straddle the 600 s boundary by a real tick.
        Advance(u8),
        Me(usize),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Op::Mint),
            any::<usize>().prop_map(Op::Exchange),
            any::<usize>().prop_map(Op::Refresh),
            (1u8..=4).prop_map(Op::Advance),
            any::<usize>().prop_map(Op::Me),
        ]
    }

    proptest::proptest! {
        /// Any sequence of operations obeys QQ's rules: a code works once and only within
        /// 10 minutes, a refresh token works once, and live access tokens always resolve.
        #[test]
        fn codes_and_refresh_tokens_follow_the_rules(ops in proptest::collection::vec(op(), 1..40)) {
            let mut s = state();
            let mut codes: Vec<(String, i64, bool)> = Vec::new();
            let mut refresh: Vec<(String, bool)> = Vec::new();
            let mut access: Vec<String> = Vec::new();
            for op in ops {
                match op {
                    Op::Mint => codes.push((code(&mut s), s.now(), false)),
                    Op::Exchange(i) if !codes.is_empty() => {
                        let n = codes.len();
                        let (c, issued, used) = codes[i % n].clone();
                        let fresh = s.now() - issued < CODE_TTL_SECS;
                        match exchange(&mut s, &c) {
                            Ok(g) => {
                                proptest::prop_assert!(!used && fresh);
                                codes[i % n].2 = true;
                                refresh.push((g.refresh_token, false));
                                access.push(g.access_token);
                            }
                            Err(e) if used => proptest::prop_assert_eq!(e, fails::CODE_REUSED),
                            Err(e) => {
                                proptest::prop_assert!(!fresh);
                                proptest::prop_assert_eq!(e, fails::CODE_INVALID);
                            }
                        }
                    }
                    Op::Refresh(i) if !refresh.is_empty() => {
                        let n = refresh.len();
                        let (r, used) = refresh[i % n].clone();
                        match s.refresh(Some(DEV_QQ_APP_ID), Some(DEV_QQ_APP_KEY), Some(&r)) {
                            Ok(g) => {
                                proptest::prop_assert!(!used);
                                refresh[i % n].1 = true;
                                refresh.push((g.refresh_token, false));
                                access.push(g.access_token);
                            }
                            Err(e) => {
                                proptest::prop_assert!(used);
                                proptest::prop_assert_eq!(e, fails::REFRESH_ILLEGAL);
                            }
                        }
                    }
                    Op::Advance(h) => s.advance_clock(i64::from(h) * 100),
                    Op::Me(i) if !access.is_empty() => {
                        let token = &access[i % access.len()];
                        proptest::prop_assert!(s.me(Some(token), false).is_ok());
                    }
                    _ => {}
                }
            }
        }
    }
}
