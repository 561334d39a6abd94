//! The captcha half of the Tencent Cloud simulator: the apps it knows, the tickets it issued, and
//! `DescribeCaptchaResult` judging them as Tencent documents it.
//!
//! `CaptchaCode`: 1 OK; 7 `captcha no match` (Randstr differs); 8 `ticket expired` (older than 5
//! minutes); 9 `ticket reused`; 15 `decrypt fail` (not a ticket this simulator issued); 16
//! `appid-ticket mismatch` (issued for another app); 100 `appid-secretkey-ticket mismatch`
//! (unknown CaptchaAppId, or AppSecretKey not the app's). Where Tencent's behaviour is
//! unconfirmed the simulator chooses: a ticket is spent by the first verification that names
//! its own app, whatever the outcome (so a wrong Randstr also burns it).

use std::collections::HashMap;

use rand::Rng;
use serde_json::{Value, json};

/// Tencent's tickets live 5 minutes.
pub const TICKET_LIFETIME_SECS: i64 = 300;
/// The dev app, as `passport dev` configures passport (`config::DEV_CAPTCHA_APP_*`).
pub const DEV_APP_ID: u64 = crate::config::DEV_CAPTCHA_APP_ID;
pub const DEV_APP_SECRET_KEY: &str = crate::config::DEV_CAPTCHA_APP_SECRET_KEY;
/// A second app, so tests can present another app's ticket.
pub const OTHER_APP_ID: u64 = 190000002;
pub const OTHER_APP_SECRET_KEY: &str = "passport-sim-other-captcha-secret-key";

/// One ticket as the simulator minted it.
#[derive(Clone, Debug)]
struct Issued {
    app_id: u64,
    randstr: String,
    issued_at: i64,
    used: bool,
}

/// What the JS callback (or the control endpoint) hands out.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MintedTicket {
    pub ticket: String,
    pub randstr: String,
    pub appid: String,
}

/// A `DescribeCaptchaResult` request refused as a whole (Tencent's `Error` envelope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptchaApiError {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug)]
pub struct CaptchaState {
    apps: HashMap<u64, String>,
    tickets: HashMap<String, Issued>,
}

impl Default for CaptchaState {
    fn default() -> Self {
        let apps = [
            (DEV_APP_ID, DEV_APP_SECRET_KEY.to_owned()),
            (OTHER_APP_ID, OTHER_APP_SECRET_KEY.to_owned()),
        ]
        .into_iter()
        .collect();
        Self {
            apps,
            tickets: HashMap::new(),
        }
    }
}

fn random_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

impl CaptchaState {
    /// Add or replace an app.
    pub fn add_app(&mut self, app_id: u64, secret_key: impl Into<String>) {
        self.apps.insert(app_id, secret_key.into());
    }

    /// Forget every ticket (`DELETE /_sim/state`); the apps stay.
    pub fn forget_tickets(&mut self) {
        self.tickets.clear();
    }

    pub fn knows_app(&self, app_id: u64) -> bool {
        self.apps.contains_key(&app_id)
    }

    /// The ids of the apps (never their keys).
    pub fn app_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.apps.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// A ticket for `app_id`, as if a person had just solved the captcha. `None` for an unknown
    /// app.
    pub fn mint(&mut self, app_id: u64, now: i64) -> Option<MintedTicket> {
        if !self.knows_app(app_id) {
            return None;
        }
        // Drop what can no longer matter so a long-running simulator stays small.
        self.tickets
            .retain(|_, t| now - t.issued_at <= 2 * TICKET_LIFETIME_SECS);
        let ticket = format!("tr03{}", random_text(96));
        let randstr = format!("@{}", random_text(6));
        self.tickets.insert(
            ticket.clone(),
            Issued {
                app_id,
                randstr: randstr.clone(),
                issued_at: now,
                used: false,
            },
        );
        Some(MintedTicket {
            ticket,
            randstr,
            appid: app_id.to_string(),
        })
    }

    /// `DescribeCaptchaResult`: the `Response` fields (without `RequestId`), or an error.
    pub fn describe(&mut self, params: &Value, now: i64) -> Result<Value, CaptchaApiError> {
        for name in [
            "CaptchaType",
            "Ticket",
            "UserIp",
            "Randstr",
            "CaptchaAppId",
            "AppSecretKey",
        ] {
            if params.get(name).is_none_or(Value::is_null) {
                return Err(CaptchaApiError {
                    code: "MissingParameter",
                    message: format!("The request is missing a required parameter `{name}`."),
                });
            }
        }
        let integer = |name: &str| {
            params[name].as_u64().ok_or_else(|| CaptchaApiError {
                code: "InvalidParameter",
                message: format!("The value type of parameter `{name}` is not valid."),
            })
        };
        let text = |name: &str| {
            params[name].as_str().ok_or_else(|| CaptchaApiError {
                code: "InvalidParameter",
                message: format!("The value type of parameter `{name}` is not valid."),
            })
        };
        let captcha_type = integer("CaptchaType")?;
        let app_id = integer("CaptchaAppId")?;
        let (ticket, randstr, secret) = (text("Ticket")?, text("Randstr")?, text("AppSecretKey")?);
        text("UserIp")?;
        if captcha_type != 9 {
            return Err(CaptchaApiError {
                code: "InvalidParameterValue",
                message: "CaptchaType must be 9.".into(),
            });
        }
        let verdict = |code: i64, msg: &str| {
            json!({
                "CaptchaCode": code,
                "CaptchaMsg": msg,
                "EvilLevel": 0,
                "GetCaptchaTime": 0,
                "EvilBitmap": null,
                "SubmitCaptchaTime": 0,
                "DeviceRiskCategory": null,
            })
        };
        if self.apps.get(&app_id).map(String::as_str) != Some(secret) {
            return Ok(verdict(100, "appid-secretkey-ticket mismatch"));
        }
        let Some(issued) = self.tickets.get_mut(ticket) else {
            return Ok(verdict(15, "decrypt fail"));
        };
        if issued.app_id != app_id {
            return Ok(verdict(16, "appid-ticket mismatch"));
        }
        let was_used = std::mem::replace(&mut issued.used, true);
        if was_used {
            return Ok(verdict(9, "ticket reused"));
        }
        if now - issued.issued_at > TICKET_LIFETIME_SECS {
            return Ok(verdict(8, "ticket expired"));
        }
        if issued.randstr != randstr {
            return Ok(verdict(7, "captcha no match"));
        }
        let mut pass = verdict(1, "OK");
        if params["NeedGetCaptchaTime"].as_u64() == Some(1) {
            pass["GetCaptchaTime"] = json!(issued.issued_at);
        }
        pass["SubmitCaptchaTime"] = json!(issued.issued_at);
        Ok(pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(state: &mut CaptchaState, t: &MintedTicket, app: u64, key: &str, now: i64) -> i64 {
        let params = json!({
            "CaptchaType": 9, "Ticket": t.ticket, "UserIp": "127.0.0.1", "Randstr": t.randstr,
            "CaptchaAppId": app, "AppSecretKey": key,
        });
        state.describe(&params, now).expect("answered")["CaptchaCode"]
            .as_i64()
            .expect("code")
    }

    #[test]
    fn a_ticket_passes_once_for_its_own_app_within_its_lifetime() {
        let mut s = CaptchaState::default();
        let t = s.mint(DEV_APP_ID, 1000).expect("dev app");
        assert_eq!(ask(&mut s, &t, DEV_APP_ID, DEV_APP_SECRET_KEY, 1010), 1);
        assert_eq!(ask(&mut s, &t, DEV_APP_ID, DEV_APP_SECRET_KEY, 1011), 9);

        let other = s.mint(OTHER_APP_ID, 1000).expect("other app");
        assert_eq!(
            ask(&mut s, &other, DEV_APP_ID, DEV_APP_SECRET_KEY, 1001),
            16
        );
        assert_eq!(ask(&mut s, &other, DEV_APP_ID, "wrong-key", 1001), 100);

        let old = s.mint(DEV_APP_ID, 1000).expect("dev app");
        assert_eq!(
            ask(&mut s, &old, DEV_APP_ID, DEV_APP_SECRET_KEY, 1000 + 301),
            8
        );

        let mut forged = s.mint(DEV_APP_ID, 1000).expect("dev app");
        forged.randstr = "@nope00".into();
        assert_eq!(
            ask(&mut s, &forged, DEV_APP_ID, DEV_APP_SECRET_KEY, 1001),
            7
        );
        forged.ticket = "tr03-not-issued".into();
        assert_eq!(
            ask(&mut s, &forged, DEV_APP_ID, DEV_APP_SECRET_KEY, 1001),
            15
        );
        assert!(s.mint(123, 1000).is_none());
    }

    #[test]
    fn missing_or_mistyped_parameters_are_refused_as_tencent_does() {
        let mut s = CaptchaState::default();
        let err = s
            .describe(&json!({"CaptchaType": 9}), 0)
            .expect_err("missing");
        assert_eq!(err.code, "MissingParameter");
        let err = s
            .describe(
                &json!({"CaptchaType": 9, "Ticket": "t", "UserIp": "1.2.3.4", "Randstr": "@r",
                        "CaptchaAppId": "190000001", "AppSecretKey": "k"}),
                0,
            )
            .expect_err("string app id");
        assert_eq!(err.code, "InvalidParameter");
    }
}
