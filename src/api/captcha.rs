//! `/api/captcha`: what the web app needs to show Tencent's captcha (policy, app id, script), and
//! the `captcha` field protected requests carry.

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use crate::api::ApiTags;
use crate::api::contract::{Gate, OpError, operation_errors};

operation_errors! {
    /// `getCaptchaConfig`: only what any operation can meet (CORS, a panic).
    pub CaptchaConfigError(Gate::Open, no_input) {}
}
use crate::captcha::{CaptchaAnswer, CaptchaError, CaptchaPolicy};
use crate::state::AppState;

pub struct CaptchaApi;

/// A solved captcha, as Tencent's JS hands it to the page (`res.ticket`, `res.randstr`). Send it
/// with the request it protects; each ticket works once.
#[derive(Clone, Object)]
pub struct CaptchaTicket {
    pub ticket: String,
    pub randstr: String,
}

impl std::fmt::Debug for CaptchaTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaptchaTicket([REDACTED])")
    }
}

/// When the server demands a captcha.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum CaptchaPolicyView {
    /// Never.
    Off,
    /// On SMS code requests, and on password login and bind after a failed sign-in.
    Risk,
    /// On every password login, bind and SMS code request.
    Always,
}

#[derive(Debug, Object)]
pub struct CaptchaConfig {
    pub policy: CaptchaPolicyView,
    /// `CaptchaAppId` for `new TencentCaptcha(app_id, callback)`; absent when the policy is off.
    #[oai(skip_serializing_if_is_none)]
    pub app_id: Option<String>,
    /// The captcha script to load (Tencent's, or the simulator's in dev); absent when off.
    #[oai(skip_serializing_if_is_none)]
    pub script_url: Option<String>,
}

#[OpenApi(tag = "ApiTags::System")]
impl CaptchaApi {
    /// Captcha settings for the page / 获取安全验证（验证码）配置
    ///
    /// How to show the captcha: the policy, the app id and the script to load. Protected
    /// requests (password login, QQ bind, SMS codes) answer 400 `captcha_required` when they need
    /// a `captcha` and 400 `captcha_failed` when the one sent did not pass.
    #[oai(
        path = "/captcha/config",
        method = "get",
        operation_id = "getCaptchaConfig"
    )]
    async fn config(
        &self,
        state: Data<&AppState>,
    ) -> Result<Json<CaptchaConfig>, OpError<CaptchaConfigError>> {
        let settings = &state.settings.captcha;
        let policy = state.captcha.policy();
        let on = policy != CaptchaPolicy::Off;
        Ok(Json(CaptchaConfig {
            policy: match policy {
                CaptchaPolicy::Off => CaptchaPolicyView::Off,
                CaptchaPolicy::Risk => CaptchaPolicyView::Risk,
                CaptchaPolicy::Always => CaptchaPolicyView::Always,
            },
            app_id: on.then(|| settings.app_id.to_string()),
            script_url: on.then(|| settings.script_url.to_string()),
        }))
    }
}

/// The request's `captcha` field, parsed (400 `captcha_failed` when it cannot be a ticket).
pub fn answer(captcha: Option<&CaptchaTicket>) -> Result<Option<CaptchaAnswer>, CaptchaError> {
    captcha
        .map(|c| CaptchaAnswer::parse(&c.ticket, &c.randstr))
        .transpose()
}
