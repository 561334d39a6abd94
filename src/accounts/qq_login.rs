//! The QQ side of accounts: the signed `state` of a login attempt, pending identities named by
//! bind tickets, and the three outcomes of a QQ login (already bound, bind an existing account,
//! register and bind), each a single transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::AccountError;
use super::next::SafeNext;
use super::notices::{self, Change, UnboundBy};
use super::sms_codes::SmsError;
use super::token_events::{self, TokenEventKind};
use crate::audit;
use crate::config::Secret;
use crate::crypto::token_cipher::{TokenCipher, TokenField};
use crate::db::UniqueKey;
use crate::domain::open_id;
use crate::domain::{Mobile, Nickname};
use crate::entities::{pending_qq_identities, qq_bindings, users};
use crate::fault::Fault;

pub const STATE_MAX_AGE: Duration = Duration::from_secs(10 * 60);
pub const TICKET_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How long a pending identity lives server-side (as long as its ticket).
pub const PENDING_LIFETIME: Duration = TICKET_MAX_AGE;
/// How long a bound user's stored QQ profile (nickname, avatar) stands in for QQ's
/// `get_user_info`. A bound user's login never waits for the profile: the first login after
/// this age answers with the stored one and has the new one fetched in the background. A
/// nickname changed on QQ shows up within a day (and a login).
pub const PROFILE_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What a QQ login, binding or unbinding can refuse.
#[derive(Debug, thiserror::Error)]
pub enum QqLoginError {
    #[error("state is invalid")]
    StateInvalid,
    #[error("state expired")]
    StateExpired,
    /// The callback came without the cookie of the browser that asked for this state.
    #[error("state was issued to another browser")]
    StateNotThisBrowser,
    #[error("state was already used")]
    StateUsed,
    #[error("next is not a same-site path")]
    UnsafeNext,
    #[error("authorization code is malformed")]
    InvalidCode,
    #[error("too many QQ logins in progress")]
    Overloaded,
    #[error("QQ says the login is no longer valid")]
    QqLoginExpired,
    #[error("QQ is unavailable: {0}")]
    QqUnavailable(String),
    #[error("bind ticket is invalid")]
    TicketInvalid,
    #[error("bind ticket expired")]
    TicketExpired,
    #[error("bind ticket was already used")]
    TicketUsed,
    #[error("this QQ account is already bound")]
    QqAlreadyBound,
    #[error("this account already has a QQ binding")]
    AccountAlreadyBound,
    #[error("no QQ binding")]
    QqNotBound,
    #[error("unbinding would leave no way to sign in")]
    LastLoginMethod,
    /// The account side: credentials, a locked account, taken names, bad input.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The registration's SMS code.
    #[error(transparent)]
    Sms(#[from] SmsError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(QqLoginError);

impl From<crate::domain::DomainError> for QqLoginError {
    fn from(e: crate::domain::DomainError) -> Self {
        Self::Account(e.into())
    }
}

/// What the signed `state` carries through QQ and back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginState {
    pub next: SafeNext,
    /// Makes every state unique; the frontend keeps the state it was given and checks QQ sends
    /// the same one back (login CSRF). Its keyed hash marks the state used at the callback.
    pub nonce: String,
    /// Keyed hash of the nonce in the browser's login cookie: only the browser that asked for
    /// this state can finish the login with it (see [`super::login_state`]).
    #[serde(rename = "b")]
    pub browser: String,
}

/// What a bind ticket names: one pending identity, for one openid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BindTicket {
    #[serde(rename = "p")]
    pub pending_id: String,
    #[serde(rename = "o")]
    pub openid: String,
}

/// A QQ identity as the code exchange found it.
#[derive(Debug, Clone)]
pub struct QqIdentity {
    pub openid: String,
    pub unionid: Option<String>,
    /// Empty (and `avatar` too) when the profile was not fetched: the stored one is kept.
    pub nickname: String,
    pub avatar: String,
    /// Whether `nickname` and `avatar` come from QQ's `get_user_info` just now.
    pub profile_fetched: bool,
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: u64,
}

/// A binding and its user as a read connection saw them during the code exchange: decides
/// whether QQ is asked for the profile, and names the row the login then updates.
#[derive(Debug, Clone)]
pub struct KnownBinding {
    pub binding: qq_bindings::Model,
    pub user: users::Model,
}

impl KnownBinding {
    /// The stored profile may stand in for QQ's.
    pub fn profile_fresh(&self, now: DateTime<Utc>) -> bool {
        let max_age = chrono::Duration::seconds(PROFILE_MAX_AGE.as_secs() as i64);
        self.binding
            .profile_fetched_at
            .is_some_and(|at| at <= now && now - at < max_age)
    }
}

/// What the code exchange hands to the login's write.
#[derive(Debug, Clone)]
pub struct Exchanged {
    pub identity: QqIdentity,
    pub known: Option<KnownBinding>,
}

/// The binding of `openid` and its user, in one statement (a join), outside any transaction
/// (the login's write re-checks the row by id and openid).
pub async fn find_bound<C: ConnectionTrait>(
    db: &C,
    openid: &str,
) -> Result<Option<KnownBinding>, DbErr> {
    let found = qq_bindings::Entity::find()
        .filter(qq_bindings::Column::Openid.eq(openid))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(binding, user)| {
        Some(KnownBinding {
            binding,
            user: user?,
        })
    }))
}

/// How a callback ends.
#[derive(Debug, Clone)]
pub enum CallbackOutcome {
    LoggedIn(users::Model),
    BindRequired(pending_qq_identities::Model),
}

struct SealedTokens {
    access: String,
    refresh: Option<String>,
    expires_at: DateTime<Utc>,
}

fn seal(
    cipher: &TokenCipher,
    identity: &QqIdentity,
    now: DateTime<Utc>,
) -> Result<SealedTokens, QqLoginError> {
    let internal = |e: crate::crypto::token_cipher::CryptoError| {
        Fault::Internal(format!("token encryption: {e}"))
    };
    let access = cipher
        .encrypt(
            TokenField::QqAccessToken,
            &identity.openid,
            identity.access_token.expose(),
        )
        .map_err(internal)?;
    let refresh = match &identity.refresh_token {
        Some(t) => Some(
            cipher
                .encrypt(TokenField::QqRefreshToken, &identity.openid, t.expose())
                .map_err(internal)?,
        ),
        None => None,
    };
    let lifetime = chrono::Duration::seconds(identity.expires_in.min(10 * 365 * 86_400) as i64);
    Ok(SealedTokens {
        access,
        refresh,
        expires_at: now + lifetime,
    })
}

/// A returning QQ user gets their fresh tokens stored and is logged in; a new one gets a pending
/// identity (tokens encrypted) to bind or register with.
pub async fn login_or_pend(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    exchanged: &Exchanged,
    now: DateTime<Utc>,
) -> Result<CallbackOutcome, QqLoginError> {
    let identity = &exchanged.identity;
    let sealed = seal(cipher, identity, now)?;
    // The exchange already read the binding and its user: the write is then one UPDATE and one
    // INSERT. Only when that row is gone (or changed owner) meanwhile, the full path below
    // decides again inside the transaction.
    if let Some(known) = &exchanged.known {
        super::locking::ensure_unlocked(&known.user)?;
        let txn = db.begin().await?;
        if update_known(&txn, known, identity, &sealed, now).await? {
            txn.commit().await?;
            return Ok(CallbackOutcome::LoggedIn(known.user.clone()));
        }
        txn.rollback().await?;
    }
    let txn = db.begin().await?;
    // The binding and its user in one statement (a join): one round trip fewer per login.
    let found = qq_bindings::Entity::find()
        .filter(qq_bindings::Column::Openid.eq(&identity.openid))
        .find_also_related(users::Entity)
        .one(&txn)
        .await?;
    if let Some((binding, user)) = found {
        let user = user.ok_or_else(|| Fault::Internal("binding without user".into()))?;
        super::locking::ensure_unlocked(&user)?;
        let known = KnownBinding { binding, user };
        if !update_known(&txn, &known, identity, &sealed, now).await? {
            return Err(Fault::Internal("the binding vanished mid-login".into()).into());
        }
        txn.commit().await?;
        return Ok(CallbackOutcome::LoggedIn(known.user));
    }
    let id = crate::crypto::token_cipher::random_token(18)
        .map_err(|e| Fault::Internal(e.to_string()))?;
    let pending = pending_qq_identities::ActiveModel {
        id: Set(id),
        openid: Set(identity.openid.clone()),
        unionid: Set(identity.unionid.clone()),
        qq_nickname: Set(identity.nickname.clone()),
        qq_avatar: Set(identity.avatar.clone()),
        access_token_enc: Set(sealed.access),
        refresh_token_enc: Set(sealed.refresh),
        token_expires_at: Set(sealed.expires_at),
        expires_at: Set(now + PENDING_LIFETIME),
        consumed_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CallbackOutcome::BindRequired(pending))
}

/// Store a login's fresh tokens (and the profile, when fetched) on `known`'s binding, and record
/// the event: `false` when the binding is no longer there under this openid. The version is
/// bumped in SQL, so a refresh racing with this login never overwrites the newer tokens.
async fn update_known<C: ConnectionTrait>(
    txn: &C,
    known: &KnownBinding,
    identity: &QqIdentity,
    sealed: &SealedTokens,
    now: DateTime<Utc>,
) -> Result<bool, AccountError> {
    if !update_binding(txn, known, identity, sealed, now).await? {
        return Ok(false);
    }
    token_events::record(
        txn,
        known.binding.id,
        TokenEventKind::Login,
        now,
        Some(login_event_detail(sealed)),
    )
    .await?;
    Ok(true)
}

fn login_event_detail(sealed: &SealedTokens) -> String {
    format!("token expires {}", sealed.expires_at.to_rfc3339())
}

/// The `UPDATE` of [`update_known`], without its event.
async fn update_binding<C: ConnectionTrait>(
    txn: &C,
    known: &KnownBinding,
    identity: &QqIdentity,
    sealed: &SealedTokens,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use qq_bindings::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let mut update = qq_bindings::Entity::update_many()
        .col_expr(C::AccessTokenEnc, Expr::value(sealed.access.clone()))
        .col_expr(C::TokenExpiresAt, Expr::value(sealed.expires_at))
        .col_expr(C::TokenVersion, Expr::col(C::TokenVersion).add(1))
        .col_expr(C::RefreshStatus, Expr::value("ok"))
        .col_expr(C::RefreshError, Expr::value(Option::<String>::None))
        .col_expr(C::LastLoginAt, Expr::value(now));
    // QQ may omit the refresh token; keep the stored one then.
    if let Some(refresh) = &sealed.refresh {
        update = update.col_expr(C::RefreshTokenEnc, Expr::value(refresh.clone()));
    }
    if identity.profile_fetched {
        update = update.col_expr(C::ProfileFetchedAt, Expr::value(now));
        if !identity.nickname.is_empty() {
            update = update.col_expr(C::QqNickname, Expr::value(identity.nickname.clone()));
        }
        if !identity.avatar.is_empty() {
            update = update.col_expr(C::QqAvatar, Expr::value(identity.avatar.clone()));
        }
    }
    if known.binding.unionid.is_none() && identity.unionid.is_some() {
        update = update.col_expr(C::Unionid, Expr::value(identity.unionid.clone()));
    }
    let updated = update
        .filter(C::Id.eq(known.binding.id))
        .filter(C::Openid.eq(&identity.openid))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// A bound user's login, ready for a group commit ([`store_logins`]): the tokens sealed, the
/// account checked unlocked. Built outside the transaction (sealing is CPU work).
pub struct PreparedLogin {
    known: KnownBinding,
    identity: QqIdentity,
    sealed: SealedTokens,
}

impl PreparedLogin {
    /// The binding the login updates (group commits write in this order, so two concurrent
    /// batches on PostgreSQL never wait on each other's rows crosswise).
    pub fn binding_id(&self) -> i64 {
        self.known.binding.id
    }

    /// The user the login signs in.
    pub fn user(&self) -> &users::Model {
        &self.known.user
    }

    /// Back to the exchange as it came (a login to write on its own).
    pub fn into_known(self) -> Exchanged {
        Exchanged {
            identity: self.identity,
            known: Some(self.known),
        }
    }

    /// Back to an exchange that knows no binding: for a login whose binding changed meanwhile,
    /// which [`login_or_pend`] then decides from scratch.
    pub fn into_unknown(self) -> Exchanged {
        Exchanged {
            identity: self.identity,
            known: None,
        }
    }
}

/// Prepare the login of an exchange that found its binding: a locked account is refused here,
/// as [`login_or_pend`] would refuse it.
pub fn prepare_login(
    cipher: &TokenCipher,
    identity: QqIdentity,
    known: KnownBinding,
    now: DateTime<Utc>,
) -> Result<PreparedLogin, QqLoginError> {
    super::locking::ensure_unlocked(&known.user)?;
    let sealed = seal(cipher, &identity, now)?;
    Ok(PreparedLogin {
        known,
        identity,
        sealed,
    })
}

/// Group commit: store the tokens of several bound users' logins in the caller's transaction,
/// one `UPDATE` each and one multi-row `INSERT` for all their events. Returns, per login, whether
/// its binding was still there under its openid (`false`: that login must decide again, through
/// [`login_or_pend`]).
pub async fn store_logins<C: ConnectionTrait>(
    txn: &C,
    logins: &[&PreparedLogin],
    now: DateTime<Utc>,
) -> Result<Vec<bool>, DbErr> {
    use crate::entities::qq_token_events;
    let mut stored = Vec::with_capacity(logins.len());
    let mut events = Vec::with_capacity(logins.len());
    for login in logins {
        let updated =
            update_binding(txn, &login.known, &login.identity, &login.sealed, now).await?;
        if updated {
            events.push(qq_token_events::ActiveModel {
                binding_id: Set(login.known.binding.id),
                kind: Set(TokenEventKind::Login.as_str().to_owned()),
                at: Set(now),
                detail: Set(Some(login_event_detail(&login.sealed))),
                ..Default::default()
            });
        }
        stored.push(updated);
    }
    if !events.is_empty() {
        qq_token_events::Entity::insert_many(events)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(stored)
}

/// Store a bound user's QQ profile fetched in the background (see `actors::qq_exchange`): an
/// empty nickname or avatar keeps the stored one. Nothing happens when the binding is gone or
/// belongs to another openid now.
pub async fn store_profile<C: ConnectionTrait>(
    db: &C,
    binding_id: i64,
    openid: &str,
    nickname: &str,
    avatar: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use qq_bindings::Column as C;
    let mut update =
        qq_bindings::Entity::update_many().col_expr(C::ProfileFetchedAt, Expr::value(now));
    if !nickname.is_empty() {
        update = update.col_expr(C::QqNickname, Expr::value(nickname));
    }
    if !avatar.is_empty() {
        update = update.col_expr(C::QqAvatar, Expr::value(avatar));
    }
    update
        .filter(C::Id.eq(binding_id))
        .filter(C::Openid.eq(openid))
        .exec(db)
        .await?;
    Ok(())
}

/// Check a ticket's pending identity without consuming it.
pub async fn pending_for_ticket<C: sea_orm::ConnectionTrait>(
    db: &C,
    ticket: &BindTicket,
    now: DateTime<Utc>,
) -> Result<pending_qq_identities::Model, QqLoginError> {
    let pending = pending_qq_identities::Entity::find_by_id(ticket.pending_id.clone())
        .one(db)
        .await?
        .filter(|p| p.openid == ticket.openid)
        .ok_or(QqLoginError::TicketInvalid)?;
    if pending.consumed_at.is_some() {
        return Err(QqLoginError::TicketUsed);
    }
    if pending.expires_at <= now {
        return Err(QqLoginError::TicketExpired);
    }
    Ok(pending)
}

/// Consume the ticket's pending identity: exactly one caller wins.
async fn take_pending<C: sea_orm::ConnectionTrait>(
    db: &C,
    ticket: &BindTicket,
    now: DateTime<Utc>,
) -> Result<pending_qq_identities::Model, QqLoginError> {
    let pending = pending_for_ticket(db, ticket, now).await?;
    let taken = pending_qq_identities::Entity::update_many()
        .col_expr(pending_qq_identities::Column::ConsumedAt, Expr::value(now))
        // The tokens move to the binding (from `pending`, read above); none stay behind.
        .col_expr(
            pending_qq_identities::Column::AccessTokenEnc,
            Expr::value(""),
        )
        .col_expr(
            pending_qq_identities::Column::RefreshTokenEnc,
            Expr::value(Option::<String>::None),
        )
        .filter(pending_qq_identities::Column::Id.eq(pending.id.clone()))
        .filter(pending_qq_identities::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Err(QqLoginError::TicketUsed);
    }
    Ok(pending)
}

fn binding_from(
    pending: &pending_qq_identities::Model,
    user_id: i64,
    now: DateTime<Utc>,
) -> qq_bindings::ActiveModel {
    qq_bindings::ActiveModel {
        user_id: Set(user_id),
        openid: Set(pending.openid.clone()),
        unionid: Set(pending.unionid.clone()),
        qq_nickname: Set(pending.qq_nickname.clone()),
        qq_avatar: Set(pending.qq_avatar.clone()),
        // Same owner (the openid) in the associated data, so the ciphertexts move as they are.
        access_token_enc: Set(pending.access_token_enc.clone()),
        refresh_token_enc: Set(pending.refresh_token_enc.clone()),
        token_expires_at: Set(pending.token_expires_at),
        token_version: Set(0),
        refresh_status: Set("ok".into()),
        refresh_error: Set(None),
        last_refreshed_at: Set(None),
        bound_at: Set(now),
        last_login_at: Set(Some(now)),
        ..Default::default()
    }
}

/// A clean `QqAlreadyBound` before the insert; the unique index still decides a race.
async fn ensure_qq_unbound<C: sea_orm::ConnectionTrait>(
    db: &C,
    openid: &str,
) -> Result<(), QqLoginError> {
    let bound = qq_bindings::Entity::find()
        .filter(qq_bindings::Column::Openid.eq(openid))
        .one(db)
        .await?;
    if bound.is_some() {
        return Err(QqLoginError::QqAlreadyBound);
    }
    Ok(())
}

/// Unique violations on the binding's columns, in domain terms.
fn binding_conflict(e: DbErr) -> QqLoginError {
    match UniqueKey::violated(&e) {
        Some(UniqueKey::BindingUser) => QqLoginError::AccountAlreadyBound,
        Some(UniqueKey::BindingOpenid | UniqueKey::BindingUnionid) => QqLoginError::QqAlreadyBound,
        _ => e.into(),
    }
}

/// Where a change to an account came from, for the owner's notice.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// The base of the notice's links.
    pub public_base_url: &'a url::Url,
    /// The client address that asked for the change.
    pub client: &'a str,
}

/// Bind the ticket's QQ identity to an account whose password was just proven, and tell the
/// owner (in the same transaction).
pub async fn bind_existing(
    db: &DatabaseConnection,
    ticket: &BindTicket,
    user: users::Model,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<users::Model, QqLoginError> {
    let txn = db.begin().await?;
    let pending = take_pending(&txn, ticket, now).await?;
    if qq_bindings::Entity::find()
        .filter(qq_bindings::Column::UserId.eq(user.id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(QqLoginError::AccountAlreadyBound);
    }
    ensure_qq_unbound(&txn, &pending.openid).await?;
    let binding = binding_from(&pending, user.id, now)
        .insert(&txn)
        .await
        .map_err(binding_conflict)?;
    token_events::record(&txn, binding.id, TokenEventKind::Bound, now, None).await?;
    notices::queue(
        &txn,
        origin.public_base_url,
        &user,
        Change::QqBound {
            qq_nickname: &binding.qq_nickname,
        },
        origin.client,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// A new account for the ticket's QQ identity.
pub struct NewAccount {
    pub nickname: Nickname,
    pub mobile: Mobile,
    /// argon2id, hashed before the transaction (it is slow).
    pub password_hash: String,
    /// A code already checked by `sms_codes::check`; consumed in the same transaction.
    pub sms_code_id: i64,
}

/// Create the user and the binding, consume the ticket and the SMS code: all or nothing. (The
/// bound notice goes nowhere today, a new account has no email yet; it is queued all the same so
/// that the day registration asks for an email, the owner hears of it.)
pub async fn register(
    db: &DatabaseConnection,
    ticket: &BindTicket,
    account: NewAccount,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<users::Model, QqLoginError> {
    let txn = db.begin().await?;
    let pending = take_pending(&txn, ticket, now).await?;
    if users::Entity::find()
        .filter(users::Column::Nickname.eq(account.nickname.as_ref()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AccountError::NicknameTaken.into());
    }
    if users::Entity::find()
        .filter(users::Column::Mobile.eq(account.mobile.as_ref()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AccountError::MobileTaken.into());
    }
    ensure_qq_unbound(&txn, &pending.openid).await?;
    let username = super::signup::generated_username()?;
    let user = users::ActiveModel {
        username: Set(username),
        mobile: Set(Some(account.mobile.as_ref().to_owned())),
        email: Set(None),
        nickname: Set(account.nickname.as_ref().to_owned()),
        avatar: Set(pending.qq_avatar.clone()),
        password_hash: Set(Some(account.password_hash)),
        token_version: Set(0),
        is_staff: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(AccountError::taken)?;
    let binding = binding_from(&pending, user.id, now)
        .insert(&txn)
        .await
        .map_err(binding_conflict)?;
    token_events::record(&txn, binding.id, TokenEventKind::Bound, now, None).await?;
    if !super::sms_codes::consume(&txn, account.sms_code_id, now).await? {
        return Err(SmsError::CodeInvalid.into());
    }
    notices::queue(
        &txn,
        origin.public_base_url,
        &user,
        Change::QqBound {
            qq_nickname: &binding.qq_nickname,
        },
        origin.client,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// The user removes their own QQ binding; only when a password still lets them in. The owner's
/// notice commits with the change.
pub async fn unbind(
    db: &DatabaseConnection,
    user: &users::Model,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(), QqLoginError> {
    if user.password_hash.is_none() {
        return Err(QqLoginError::LastLoginMethod);
    }
    let txn = db.begin().await?;
    let binding = qq_bindings::Entity::find()
        .filter(qq_bindings::Column::UserId.eq(user.id))
        .one(&txn)
        .await?
        .ok_or(QqLoginError::QqNotBound)?;
    if delete_binding(&txn, &binding, user.id, "user request", now).await? {
        notices::queue(
            &txn,
            origin.public_base_url,
            user,
            Change::QqUnbound {
                qq_nickname: &binding.qq_nickname,
                by: UnboundBy::Owner,
            },
            origin.client,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Delete a binding (the user keeps the account) and audit who removed it, why, and whose it
/// was, in the caller's transaction. `false` when it was already gone.
pub async fn delete_binding<C: sea_orm::ConnectionTrait>(
    txn: &C,
    binding: &qq_bindings::Model,
    actor_user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let deleted = qq_bindings::Entity::delete_by_id(binding.id)
        .exec(txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Ok(false);
    }
    audit::write(
        txn,
        audit::Action {
            actor_user_id,
            action: "qq_binding.unbind",
            target_type: "qq_binding",
            target_id: binding.id.to_string(),
            reason: Some(reason),
            details: Some(serde_json::json!({
                "user_id": binding.user_id,
                "openid": open_id::mask(&binding.openid),
            })),
            at: now,
        },
    )
    .await?;
    Ok(true)
}
