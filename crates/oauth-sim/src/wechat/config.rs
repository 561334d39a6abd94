//! The WeChat apps (网站应用) and users the simulator knows.

use serde::{Deserialize, Serialize};

use crate::SimUser;

/// The dev website app.
pub const DEV_APP_ID: &str = "wx1000000000000001";
pub const DEV_APP_SECRET: &str = "passport-dev-wechat-app-secret00";
/// Another app of the same open-platform account: same unionids, other openids.
pub const SIBLING_APP_ID: &str = "wx1000000000000002";
pub const SIBLING_APP_SECRET: &str = "passport-sim-wechat-sibling-key0";
/// An app of another open-platform account: other unionids.
pub const STRANGER_APP_ID: &str = "wx2000000000000001";
pub const STRANGER_APP_SECRET: &str = "passport-sim-wechat-stranger-key";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatApp {
    pub appid: String,
    pub secret: String,
    /// Callback prefixes (WeChat checks the 授权回调域); `:*` matches any port.
    #[serde(default = "local_redirects")]
    pub redirect_uris: Vec<String>,
    /// The open-platform account: its apps share unionids.
    #[serde(default = "renran")]
    pub developer: String,
    /// Shown on the QR page.
    #[serde(default)]
    pub name: String,
}

fn local_redirects() -> Vec<String> {
    crate::qq::config::LOCAL_REDIRECTS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn renran() -> String {
    "renran".into()
}

impl WechatApp {
    pub fn new(appid: &str, secret: &str) -> Self {
        Self {
            appid: appid.into(),
            secret: secret.into(),
            redirect_uris: local_redirects(),
            developer: renran(),
            name: String::new(),
        }
    }

    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.appid
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatConfig {
    #[serde(default)]
    pub apps: Vec<WechatApp>,
    #[serde(default)]
    pub users: Vec<SimUser>,
    #[serde(default = "default_seed")]
    pub seed: String,
}

fn default_seed() -> String {
    "passport-wechat-sim".into()
}

impl Default for WechatConfig {
    fn default() -> Self {
        let mut dev = WechatApp::new(DEV_APP_ID, DEV_APP_SECRET);
        dev.name = "荏苒 (dev)".into();
        let mut sibling = WechatApp::new(SIBLING_APP_ID, SIBLING_APP_SECRET);
        sibling.name = "荏苒移动版".into();
        let mut stranger = WechatApp::new(STRANGER_APP_ID, STRANGER_APP_SECRET);
        stranger.developer = "someone-else".into();
        stranger.name = "别家的应用".into();
        Self {
            apps: vec![dev, sibling, stranger],
            users: crate::users::default_users(),
            seed: default_seed(),
        }
    }
}

impl WechatConfig {
    /// Add or replace an app (same appid).
    pub fn with_app(mut self, app: WechatApp) -> Self {
        self.apps.retain(|a| a.appid != app.appid);
        self.apps.push(app);
        self
    }

    /// Add or replace a user (same name).
    pub fn with_user(mut self, user: SimUser) -> Self {
        self.users.retain(|u| u.name != user.name);
        self.users.push(user);
        self
    }
}
