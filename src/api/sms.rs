//! `/api/sms`: verification codes for registration. The code is stored hashed and its delivery
//! is a durable job committed in the same transaction: no code without its message, and no
//! message for a code that was never stored. Only a caller holding a live bind ticket (the one
//! consumer is QQ registration) may ask, within per-client, per-mobile and global quotas.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use sea_orm::TransactionTrait;

use crate::accounts::{AccountError, qq_login, sms_codes};
use crate::api::ApiTags;
use crate::api::captcha::{self, CaptchaTicket};
use crate::api::error::ApiError;
use crate::api::oauth_qq::load_ticket;
use crate::captcha::Protected;
use crate::domain::Mobile;
use crate::jobs::{self, NewJob};
use crate::net::ClientAddr;
use crate::sms::Sms;
use crate::startup::AppState;

pub struct SmsApi;

#[derive(Debug, Object)]
pub struct SmsCodeRequest {
    /// Mainland China mobile, 11 digits.
    pub mobile: String,
    /// The bind ticket of the QQ registration the code is for (from the callback); it must be
    /// live (unused, unexpired).
    pub bind_ticket: String,
    /// The solved captcha, when the server asks for one (`captcha_required`).
    pub captcha: Option<CaptchaTicket>,
}

#[derive(Debug, Object)]
pub struct SmsCodeSent {
    /// Seconds before another code may be requested for this mobile.
    pub retry_after: u64,
    /// Seconds the code stays valid.
    pub expires_in: u64,
}

#[derive(ApiResponse)]
pub enum SmsCodeResponse {
    /// The code is on its way.
    #[oai(status = 202)]
    Accepted(Json<SmsCodeSent>),
}

/// The message a person receives: the verification-code template with the code and its minutes.
pub fn verification_sms(mobile: &Mobile, code: &str) -> Sms {
    Sms::verification_code(
        mobile.as_ref(),
        code,
        (sms_codes::CODE_LIFETIME.as_secs() / 60) as u32,
    )
}

#[OpenApi(tag = "ApiTags::Sms")]
impl SmsApi {
    /// Send a 6-digit code to a mobile, for the registration of a live bind ticket. Once per 60
    /// seconds per mobile; quotas per client (hour and day), per mobile (day) and for the whole
    /// service (day) answer 429 with `retry_after`.
    #[oai(path = "/sms/codes", method = "post", operation_id = "sendSmsCode")]
    async fn send_code(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<SmsCodeRequest>,
    ) -> Result<SmsCodeResponse, ApiError> {
        let ticket = load_ticket(&state, &body.bind_ticket)?;
        let mobile = Mobile::parse(&body.mobile).map_err(AccountError::from)?;
        captcha::check(&state, Protected::SmsCode, body.captcha.as_ref(), &client).await?;
        let now = Utc::now();
        qq_login::pending_for_ticket(&state.db, &ticket.ticket, now).await?;
        let txn = state.db.begin().await.map_err(AccountError::from)?;
        let code = sms_codes::issue(&txn, &state.security.hasher, &mobile, now).await?;
        sms_codes::charge_quotas(&txn, &mobile, &client, &state.settings.limits, now).await?;
        // Sealed: the code is in the database only as a keyed hash and inside this ciphertext.
        jobs::enqueue_sealed(
            &txn,
            NewJob::sms(verification_sms(&mobile, &code)),
            &state.security.cipher,
        )
        .await
        .map_err(|e| ApiError::internal(&e))?;
        txn.commit().await.map_err(AccountError::from)?;
        Ok(SmsCodeResponse::Accepted(Json(SmsCodeSent {
            retry_after: sms_codes::RESEND_AFTER.as_secs(),
            expires_in: sms_codes::CODE_LIFETIME.as_secs(),
        })))
    }
}
