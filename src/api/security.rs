//! `Authorization: Bearer <JWT>`: the token must verify, and its token version must still be the
//! user's (a password reset bumps it, revoking every token issued before).

use poem::Request;
use poem::http::StatusCode;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;
use sea_orm::EntityTrait;

use crate::api::error::{CodedError, ErrorBody};
use crate::entities::users;
use crate::state::AppState;

/// A signed-in user, loaded fresh from the database.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_bearer")]
pub struct BearerAuth(pub users::Model);

/// A signed-in staff user: a valid token of a non-staff user is 403 `forbidden` (checked before
/// any other input of the endpoint), no or a bad token 401.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_staff")]
pub struct StaffAuth(pub users::Model);

async fn check_staff(req: &Request, bearer: Bearer) -> poem::Result<users::Model> {
    let user = check_bearer(req, bearer).await?;
    if user.is_staff {
        Ok(user)
    } else {
        let forbidden = crate::api::error::ApiError::FORBIDDEN;
        Err(CodedError {
            status: StatusCode::FORBIDDEN,
            body: ErrorBody::new(forbidden.0, forbidden.1),
        }
        .into())
    }
}

fn unauthorized(code: &str, message: &str) -> poem::Error {
    CodedError {
        status: StatusCode::UNAUTHORIZED,
        body: ErrorBody::new(code, message),
    }
    .into()
}

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<users::Model> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    let claims = state
        .security
        .jwt
        .verify(&bearer.token)
        .map_err(|e| match e {
            crate::crypto::jwt::JwtError::Expired => {
                unauthorized("token_expired", "登录已过期，请重新登录")
            }
            _ => unauthorized("unauthorized", "请先登录"),
        })?;
    let user_id = claims
        .user_id()
        .map_err(|_| unauthorized("unauthorized", "请先登录"))?;
    let user = users::Entity::find_by_id(user_id)
        .one(&state.db)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot load the signed-in user");
            // The one reason this lookup fails: the database (what /readyz reports too).
            poem::Error::from(CodedError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                body: ErrorBody::new("database_unavailable", "服务暂时不可用：数据库无法连接"),
            })
        })?
        .ok_or_else(|| unauthorized("unauthorized", "请先登录"))?;
    if user.token_version != claims.ver {
        return Err(unauthorized("token_revoked", "登录已失效，请重新登录"));
    }
    Ok(user)
}

/// When the request's bearer token was issued; `None` without a valid one. For checks that need
/// a fresh sign-in (the email change of an account without a password) after [`BearerAuth`]
/// has let the request in.
pub fn session_issued_at(req: &Request) -> Option<chrono::DateTime<chrono::Utc>> {
    let state = req.data::<AppState>()?;
    let header = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = state.security.jwt.verify(token.trim()).ok()?;
    chrono::DateTime::from_timestamp(i64::try_from(claims.iat).ok()?, 0)
}
