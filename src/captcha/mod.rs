//! Tencent Cloud captcha (天御验证码) in front of the actions bots love: password login, binding
//! a QQ identity to an account by password, and asking for an SMS code.
//!
//! The ticket travels *with the action it protects* (`captcha: {ticket, randstr}` in the same
//! request) and is verified here, server-side, with the client's address, before any password is
//! checked or SMS queued. Each ticket proves one action: it is marked used in the shared database
//! before Tencent is asked, so a replay fails even on another instance.
//!
//! [`CaptchaPolicy`] decides when a ticket is demanded (`PASSPORT_CAPTCHA`): `off`, `risk` (SMS
//! requests always; login and bind after a failure for that account or client) or `always`.

pub mod verifier;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::accounts::login_attempts::{self, LoginLimits};
use crate::net::ClientAddr;

pub use verifier::{CaptchaVerifier, VerifyError};

/// When a captcha is demanded (`PASSPORT_CAPTCHA`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptchaPolicy {
    /// Never (the dev default).
    Off,
    /// On every SMS request, and on password login and bind once the account or the client has
    /// failed a sign-in (the production default).
    Risk,
    /// On every protected request.
    Always,
}

impl CaptchaPolicy {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "risk" => Ok(Self::Risk),
            "always" => Ok(Self::Always),
            other => Err(format!(
                "unknown captcha policy `{other}` (expected off, risk or always)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Risk => "risk",
            Self::Always => "always",
        }
    }
}

/// What the person solved: the `ticket` and `randstr` Tencent's JS hands to the page.
#[derive(Clone, PartialEq, Eq)]
pub struct CaptchaAnswer {
    ticket: String,
    randstr: String,
}

impl std::fmt::Debug for CaptchaAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A ticket is a bearer proof until used: keep it out of logs.
        f.write_str("CaptchaAnswer([REDACTED])")
    }
}

/// Tencent's tickets are a few hundred characters; anything far longer is not one.
const MAX_TICKET_LEN: usize = 4096;
const MAX_RANDSTR_LEN: usize = 128;

impl CaptchaAnswer {
    /// Printable ASCII, non-empty and of sane length; anything else cannot be a ticket.
    pub fn parse(ticket: &str, randstr: &str) -> Result<Self, CaptchaError> {
        let ok = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_graphic())
        };
        if !ok(ticket, MAX_TICKET_LEN) || !ok(randstr, MAX_RANDSTR_LEN) {
            return Err(CaptchaError::Failed);
        }
        Ok(Self {
            ticket: ticket.to_owned(),
            randstr: randstr.to_owned(),
        })
    }

    pub fn ticket(&self) -> &str {
        &self.ticket
    }

    pub fn randstr(&self) -> &str {
        &self.randstr
    }
}

/// The action a captcha protects, with what the `risk` policy needs to judge it.
#[derive(Clone, Copy, Debug)]
pub enum Protected<'a> {
    /// Password login or bind: `account` as typed (username, mobile or email).
    SignIn { account: &'a str },
    /// Asking for an SMS code.
    SmsCode,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptchaError {
    /// The policy demands a captcha and the request carries none.
    #[error("a captcha is required")]
    Required,
    /// The ticket is not valid: wrong, expired, used, or for another app.
    #[error("the captcha was not passed")]
    Failed,
    /// Tencent could not be asked or refused us (credentials, outage).
    #[error("captcha verification is unavailable: {0}")]
    Unavailable(String),
    /// Our own database failed (or is away: 503 `database_unavailable`).
    #[error(transparent)]
    Fault(#[from] crate::fault::Fault),
}

impl From<sea_orm::DbErr> for CaptchaError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Fault(e.into())
    }
}

/// The policy and, unless it is `off`, the verifier: what handlers call.
pub struct CaptchaGate {
    policy: CaptchaPolicy,
    verifier: Option<CaptchaVerifier>,
}

impl CaptchaGate {
    /// A gate that never asks (policy `off`).
    pub fn off() -> Self {
        Self {
            policy: CaptchaPolicy::Off,
            verifier: None,
        }
    }

    pub fn new(policy: CaptchaPolicy, verifier: CaptchaVerifier) -> Self {
        Self {
            policy,
            verifier: (policy != CaptchaPolicy::Off).then_some(verifier),
        }
    }

    pub fn policy(&self) -> CaptchaPolicy {
        self.policy
    }

    /// Let `action` through, or say why not. Called first thing in each protected operation.
    /// An answer sent when none is demanded is still verified: a client that solved a captcha
    /// must not be told it passed when it did not.
    #[allow(clippy::too_many_arguments)]
    pub async fn check<C: ConnectionTrait>(
        &self,
        db: &C,
        action: Protected<'_>,
        answer: Option<&CaptchaAnswer>,
        client: &ClientAddr,
        limits: LoginLimits,
        now: DateTime<Utc>,
    ) -> Result<(), CaptchaError> {
        let Some(verifier) = &self.verifier else {
            return Ok(());
        };
        let demanded = match (self.policy, action) {
            (CaptchaPolicy::Off, _) => false,
            (CaptchaPolicy::Always, _) | (CaptchaPolicy::Risk, Protected::SmsCode) => true,
            (CaptchaPolicy::Risk, Protected::SignIn { account }) => {
                // The sign-in counters' own answer (same keys and windows as the throttle).
                login_attempts::has_failed_before(db, Some(account), client, limits, now).await?
            }
        };
        match answer {
            None if demanded => Err(CaptchaError::Required),
            None => Ok(()),
            Some(answer) => {
                verifier
                    .verify(db, answer, &client.ip().to_string(), now)
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_case_insensitively_and_refuse_others() {
        assert_eq!(CaptchaPolicy::parse(" Risk "), Ok(CaptchaPolicy::Risk));
        assert_eq!(CaptchaPolicy::parse("off"), Ok(CaptchaPolicy::Off));
        assert_eq!(CaptchaPolicy::parse("ALWAYS"), Ok(CaptchaPolicy::Always));
        assert!(CaptchaPolicy::parse("sometimes").is_err());
    }

    #[test]
    fn answers_must_look_like_tickets() {
        assert!(CaptchaAnswer::parse("tr03abc", "@xYz").is_ok());
        assert!(CaptchaAnswer::parse("", "@xYz").is_err());
        assert!(CaptchaAnswer::parse("tr03abc", "").is_err());
        assert!(CaptchaAnswer::parse("tr03 abc", "@x").is_err());
        assert!(CaptchaAnswer::parse(&"t".repeat(MAX_TICKET_LEN + 1), "@x").is_err());
        let answer = CaptchaAnswer::parse("secret-ticket", "@x").expect("valid");
        assert!(!format!("{answer:?}").contains("secret-ticket"));
    }
}
