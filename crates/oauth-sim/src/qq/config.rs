//! Who the simulator knows: apps (AppID, AppKey, callbacks, permissions) and QQ users.
//! Defaults cover development and the tests; a TOML file or flags add more.
//!
//! ```toml
//! # qq-sim.toml
//! [[apps]]
//! client_id = "102000001"
//! client_secret = "my-key"
//! redirect_uris = ["http://127.0.0.1:*", "https://staging.renran.cn/oauth/"]
//! unionid = true
//!
//! [[users]]
//! name = "laoli"
//! nickname = "老李"
//! gender = "男"
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::wire::UserInfoBody;
pub use crate::SimUser;

/// The dev app (passport's `DEV_QQ_APP_ID`/`_KEY` are these): unionid granted.
pub const DEV_APP_ID: &str = "101000001";
pub const DEV_APP_KEY: &str = "passport-dev-qq-app-key";

/// An approved app without the unionid permission (for 100048 tests).
pub const SIM_NO_UNIONID_APP_ID: &str = "101000002";
pub const SIM_NO_UNIONID_APP_KEY: &str = "passport-sim-no-unionid-key";
/// A registered app that is not online (for 100011 tests).
pub const SIM_UNAPPROVED_APP_ID: &str = "101000003";
pub const SIM_UNAPPROVED_APP_KEY: &str = "passport-sim-unapproved-key";

/// Callbacks every default app accepts.
pub const LOCAL_REDIRECTS: [&str; 2] = ["http://127.0.0.1:*", "http://localhost:*"];

fn local_redirects() -> Vec<String> {
    LOCAL_REDIRECTS.iter().map(|s| s.to_string()).collect()
}

fn yes() -> bool {
    true
}

fn renran() -> String {
    "renran".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimApp {
    pub client_id: String,
    pub client_secret: String,
    /// URL prefixes; `:*` matches any port. Default: `http://127.0.0.1:*`, `http://localhost:*`.
    #[serde(default = "local_redirects")]
    pub redirect_uris: Vec<String>,
    /// Granted the unionid permission.
    #[serde(default)]
    pub unionid: bool,
    /// Online; an app that is not gets 100011 on the authorize page.
    #[serde(default = "yes")]
    pub approved: bool,
    /// Apps of one developer account share unionids.
    #[serde(default = "renran")]
    pub developer: String,
    /// Shown on the consent page.
    #[serde(default)]
    pub name: String,
}

impl SimApp {
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: local_redirects(),
            unionid: false,
            approved: true,
            developer: renran(),
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

/// The `get_user_info` body for `user` as seen by `app_id` under `openid`.
pub fn profile(user: &SimUser, app_id: &str, openid: &str) -> UserInfoBody {
    let qzone = |px: u32| format!("http://qzapp.qlogo.cn/qzapp/{app_id}/{openid}/{px}");
    // The real `k` is opaque; any stable value will do.
    let k = &openid[..openid.len().min(16)];
    let qq = |px: u32| format!("http://thirdqq.qlogo.cn/g?b=oidb&k={k}&s={px}&t=1556496609");
    UserInfoBody {
        is_lost: 0,
        nickname: user.nickname.clone(),
        gender: user.gender.clone(),
        gender_type: Some(if user.gender == "女" { 2 } else { 1 }),
        province: user.province.clone(),
        city: user.city.clone(),
        year: user.year.clone(),
        constellation: user.constellation.clone(),
        figureurl: qzone(30),
        figureurl_1: qzone(50),
        figureurl_2: qzone(100),
        figureurl_qq_1: qq(40),
        figureurl_qq_2: qq(100),
        figureurl_qq: qq(640),
        figureurl_type: "1".into(),
        is_yellow_vip: "0".into(),
        vip: "0".into(),
        yellow_vip_level: "0".into(),
        level: "0".into(),
        is_yellow_year_vip: "0".into(),
    }
}

/// The simulator's configuration. [`Default`] is the dev set: three apps and four users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    #[serde(default)]
    pub apps: Vec<SimApp>,
    #[serde(default)]
    pub users: Vec<SimUser>,
    /// Openids and unionids are derived from it: same seed, same ids across restarts.
    #[serde(default = "default_seed")]
    pub seed: String,
}

fn default_seed() -> String {
    "passport-qq-sim".into()
}

impl Default for SimConfig {
    fn default() -> Self {
        let mut dev = SimApp::new(DEV_APP_ID, DEV_APP_KEY);
        dev.unionid = true;
        dev.name = "荏苒 (dev)".into();
        let mut no_unionid = SimApp::new(SIM_NO_UNIONID_APP_ID, SIM_NO_UNIONID_APP_KEY);
        no_unionid.name = "荏苒测试 (no unionid)".into();
        let mut unapproved = SimApp::new(SIM_UNAPPROVED_APP_ID, SIM_UNAPPROVED_APP_KEY);
        unapproved.approved = false;
        unapproved.name = "未上线应用".into();
        Self {
            apps: vec![dev, no_unionid, unapproved],
            users: crate::users::default_users(),
            seed: default_seed(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid simulator config: {message}")]
    Parse { path: String, message: String },
    #[error("invalid {what} `{value}` (expected {expected})")]
    Flag {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl SimConfig {
    /// Add or replace an app (same client_id).
    pub fn with_app(mut self, app: SimApp) -> Self {
        self.apps.retain(|a| a.client_id != app.client_id);
        self.apps.push(app);
        self
    }

    /// Add or replace a user (same name).
    pub fn with_user(mut self, user: SimUser) -> Self {
        self.users.retain(|u| u.name != user.name);
        self.users.push(user);
        self
    }

    /// The defaults plus the app a client is configured with, so `passport dev` works with a
    /// custom `PASSPORT_QQ_APP_ID`/`_KEY`/`_REDIRECT_URI` too.
    pub fn for_app(app_id: &str, app_key: &str, callback: &str) -> Self {
        let config = Self::default();
        let known = config
            .apps
            .iter()
            .any(|a| a.client_id == app_id && a.client_secret == app_key);
        let allowed = config
            .apps
            .iter()
            .filter(|a| a.client_id == app_id)
            .any(|a| {
                a.redirect_uris
                    .iter()
                    .any(|p| crate::ids::redirect_allowed(p, callback))
            });
        if known && allowed {
            return config;
        }
        let mut app = SimApp::new(app_id, app_key);
        app.unionid = true;
        app.redirect_uris.push(callback.to_owned());
        config.with_app(app)
    }

    /// The defaults plus (or replaced by, same id/name) the apps and users of a TOML file.
    pub fn load_file(path: &Path) -> Result<Self, SimConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| SimConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let file: SimConfig = toml::from_str(&text).map_err(|e| SimConfigError::Parse {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(Self::default().merge(file))
    }

    fn merge(mut self, other: SimConfig) -> Self {
        for app in other.apps {
            self = self.with_app(app);
        }
        for user in other.users {
            self = self.with_user(user);
        }
        self.seed = other.seed;
        self
    }

    /// `--app ID:SECRET[:unionid]`.
    pub fn parse_app_flag(flag: &str) -> Result<SimApp, SimConfigError> {
        let bad = || SimConfigError::Flag {
            what: "--app",
            value: flag.to_owned(),
            expected: "ID:SECRET or ID:SECRET:unionid",
        };
        let mut parts = flag.splitn(3, ':');
        let (Some(id), Some(secret)) = (parts.next(), parts.next()) else {
            return Err(bad());
        };
        if id.is_empty() || secret.is_empty() {
            return Err(bad());
        }
        let mut app = SimApp::new(id, secret);
        match parts.next() {
            None => {}
            Some("unionid") => app.unionid = true,
            Some(_) => return Err(bad()),
        }
        Ok(app)
    }

    /// `--user NAME[:NICKNAME]`.
    pub fn parse_user_flag(flag: &str) -> Result<SimUser, SimConfigError> {
        crate::users::parse_user_flag(flag).ok_or_else(|| SimConfigError::Flag {
            what: "--user",
            value: flag.to_owned(),
            expected: "NAME or NAME:NICKNAME",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_adds_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sim.toml");
        std::fs::write(
            &path,
            "[[apps]]\nclient_id = \"102\"\nclient_secret = \"k\"\nunionid = true\n\n[[users]]\nname = \"xiaoming\"\nnickname = \"大明\"\n",
        )
        .expect("write");
        let c = SimConfig::load_file(&path).expect("loads");
        assert_eq!(c.apps.len(), 4);
        let app = c.apps.iter().find(|a| a.client_id == "102").expect("added");
        assert!(app.unionid && app.approved);
        assert_eq!(app.redirect_uris, local_redirects());
        let user = c.users.iter().find(|u| u.name == "xiaoming").expect("kept");
        assert_eq!(user.nickname, "大明");
        assert_eq!(user.gender, "男");
    }

    #[test]
    fn dev_settings_with_a_custom_app_are_served() {
        let default = SimConfig::for_app(DEV_APP_ID, DEV_APP_KEY, "http://127.0.0.1:8000/cb");
        assert_eq!(default, SimConfig::default());
        let custom = SimConfig::for_app("555", "k", "https://dev.renran.cn/oauth/qq/callback");
        let app = custom
            .apps
            .iter()
            .find(|a| a.client_id == "555")
            .expect("added");
        assert_eq!(app.client_secret, "k");
        assert!(
            app.redirect_uris
                .contains(&"https://dev.renran.cn/oauth/qq/callback".to_string())
        );
        assert_eq!(custom.apps.len(), 4);
    }

    #[test]
    fn flags() {
        let app = SimConfig::parse_app_flag("103:key:unionid").expect("app");
        assert!(app.unionid);
        assert!(SimConfig::parse_app_flag("103").is_err());
        assert!(SimConfig::parse_app_flag("103:k:x").is_err());
        assert_eq!(
            SimConfig::parse_user_flag("li:小李")
                .expect("user")
                .nickname,
            "小李"
        );
        assert_eq!(
            SimConfig::parse_user_flag("li").expect("user").nickname,
            "li"
        );
    }
}
