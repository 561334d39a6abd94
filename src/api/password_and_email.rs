//! `/api/password-resets` and the email address of an account: the reset journey (ask → mail →
//! confirm) and setting a verified email.

use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::accounts::{email_change, password_reset, reauth};
use crate::api::ApiTags;
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::security::{BearerAuth, session_issued_at};
use crate::domain::{Email, Password};
use crate::net::ClientAddr;
use crate::state::AppState;

pub struct PasswordAndEmailApi;

#[derive(Debug, Object)]
pub struct ResetRequest {
    /// At most 254 characters.
    #[oai(validator(max_length = 254))]
    pub email: String,
}

#[derive(Debug, Object)]
pub struct Accepted {
    /// What to tell the person (the same whatever happened).
    pub message: String,
}

#[derive(ApiResponse)]
pub enum AcceptedResponse {
    /// Accepted; if the address belongs to an account, a mail is on its way.
    #[oai(status = 202)]
    Accepted(Json<Accepted>),
}

#[derive(Debug, Object)]
pub struct ResetConfirm {
    /// The `token` of the reset link.
    pub token: String,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub new_password: String,
}

#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

#[derive(Debug, Object)]
pub struct EmailChange {
    /// At most 254 characters.
    #[oai(validator(max_length = 254))]
    pub email: String,
    /// The account's current password. Accounts without one (made through QQ) leave it out and
    /// must have signed in with QQ within the last 10 minutes instead.
    pub current_password: Option<String>,
}

#[derive(Debug, Object)]
pub struct EmailVerification {
    /// The `token` of the verification link.
    pub token: String,
}

#[derive(Debug, Object)]
pub struct EmailVerified {
    /// The account's email from now on.
    pub email: String,
}

operation_errors! {
    /// `requestPasswordReset`: always 202 for a well-formed address.
    pub RequestPasswordResetError(Gate::Open, input) {
        400 => [invalid_email],
    }

    /// `confirmPasswordReset`: the new password and the link's token.
    pub ConfirmPasswordResetError(Gate::Open, input) {
        400 => [invalid_password],
        401 => [reset_token_invalid, reset_token_expired, reset_token_used, reset_token_superseded],
    }

    /// `changeEmail`: the address and the proof of the current owner.
    pub ChangeEmailError(Gate::Bearer, input) {
        400 => [invalid_email, current_password_required, wrong_password, recent_qq_login_required],
        429 => [too_many_attempts],
    }

    /// `verifyEmail`: the link's token; the address taken by another account meanwhile.
    pub VerifyEmailError(Gate::Open, input) {
        401 => [email_token_invalid, email_token_expired, email_token_used, email_token_superseded],
        409 => [email_taken],
    }
}

const RESET_ACCEPTED: &str = "如果该邮箱已绑定荏苒账号，重置链接已发送，请在 30 分钟内查收邮件。";

#[OpenApi(tag = "ApiTags::Password")]
impl PasswordAndEmailApi {
    /// Request a reset link by email / 通过邮箱申请重置密码链接
    ///
    /// Ask for a reset link. Always 202 with the same body, whether or not the address has an
    /// account; throttled per address and per client (beyond it, still 202, nothing is sent).
    #[oai(
        path = "/password-resets",
        method = "post",
        operation_id = "requestPasswordReset"
    )]
    async fn request(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<ResetRequest>,
    ) -> Result<AcceptedResponse, OpError<RequestPasswordResetError>> {
        let email = Email::parse(&body.email)?;
        state.reset_intake.submit(email, &client).await?;
        Ok(AcceptedResponse::Accepted(Json(Accepted {
            message: RESET_ACCEPTED.to_owned(),
        })))
    }

    /// Set a new password with a reset link / 用重置链接设置新密码
    ///
    /// Set a new password with the token of a reset link.
    #[oai(
        path = "/password-resets/confirm",
        method = "post",
        operation_id = "confirmPasswordReset"
    )]
    async fn confirm(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<ResetConfirm>,
    ) -> Result<NoContent, OpError<ConfirmPasswordResetError>> {
        let password = Password::parse(&body.new_password)?;
        password_reset::confirm(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            &body.token,
            &password,
            &client.to_string(),
            Utc::now(),
        )
        .await?;
        Ok(NoContent::Done)
    }

    /// Set the account's email / 设置账号邮箱（发送验证链接）
    ///
    /// Set the signed-in account's email: a verification link is mailed to it; the address is
    /// the account's once the link is followed. Needs the current password (throttled like
    /// logins), or for an account without one a QQ login within the last 10 minutes. A new
    /// request voids every older link.
    #[oai(path = "/users/me/email", method = "put", operation_id = "changeEmail")]
    async fn change_email(
        &self,
        state: Data<&AppState>,
        req: &Request,
        client: ClientAddr,
        auth: BearerAuth,
        body: Json<EmailChange>,
    ) -> Result<AcceptedResponse, OpError<ChangeEmailError>> {
        let email = Email::parse(&body.email)?;
        let proof = reauth::Proof {
            current_password: body.current_password.as_deref(),
            session_issued_at: session_issued_at(req).unwrap_or_default(),
        };
        email_change::request(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            &auth.0,
            proof,
            &email,
            (&state.settings.limits).into(),
            &client,
            Utc::now(),
        )
        .await?;
        Ok(AcceptedResponse::Accepted(Json(Accepted {
            message: "验证邮件已发送，请在 24 小时内打开邮件中的链接完成验证。".to_owned(),
        })))
    }

    /// Verify an email / 验证邮箱（打开验证链接）
    ///
    /// Follow an email verification link.
    #[oai(
        path = "/email-verifications",
        method = "post",
        operation_id = "verifyEmail"
    )]
    async fn verify_email(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<EmailVerification>,
    ) -> Result<Json<EmailVerified>, OpError<VerifyEmailError>> {
        let email = email_change::verify(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            &body.token,
            &client.to_string(),
            Utc::now(),
        )
        .await?;
        Ok(Json(EmailVerified {
            email: email.as_ref().to_owned(),
        }))
    }
}
