//! The QQ side of accounts: the signed `state` of a login attempt, pending identities named by
//! bind tickets, and the three outcomes of a QQ login (already bound, bind an existing account,
//! register and bind), each a single transaction.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::AccountError;
use super::callback_replay::{self, Admission};
use super::login_attempts::LoginLimits;
use super::login_state::{self, BrowserNonce};
use super::next::SafeNext;
use super::notices::{self, Change, UnboundBy};
use super::sms_codes::{self, SmsError, SmsPurpose};
use super::token_events::{self, TokenEventKind};
use crate::audit;
use crate::captcha::{CaptchaError, CaptchaGate, Protected};
use crate::config::Secret;
use crate::crypto::token_cipher::{TokenCipher, TokenField};
use crate::crypto::{Security, SignerError};
use crate::db::UniqueKey;
use crate::domain::open_id;
use crate::domain::{Mobile, Nickname, Password};
use crate::entities::{pending_identities, social_bindings, users};
use crate::fault::Fault;
use crate::metrics::{CallbackOutcome as CallbackMetric, Metrics};
use crate::net::ClientAddr;
use crate::qq::client::{QqClient, QqError};

pub const STATE_MAX_AGE: Duration = Duration::from_secs(10 * 60);
pub const TICKET_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How long a pending identity lives server-side (as long as its ticket).
pub const PENDING_LIFETIME: Duration = TICKET_MAX_AGE;

/// The provider column's value for QQ.
const QQ: &str = crate::oauth::ProviderKind::Qq.as_str();
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
    /// The captcha a bind may need.
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
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
    pub binding: social_bindings::Model,
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

/// The binding of `openid` (else of `unionid`: the same QQ user through another app of the
/// same developer, see `unionid_backfill`) and its user, in one statement (a join), outside any
/// transaction (the login's write re-checks the row by id and openid).
pub async fn find_bound<C: ConnectionTrait>(
    db: &C,
    openid: &str,
    unionid: Option<&str>,
) -> Result<Option<KnownBinding>, DbErr> {
    let mut who = sea_orm::Condition::any().add(social_bindings::Column::Subject.eq(openid));
    let who_at_qq = social_bindings::Column::Provider.eq(QQ);
    if let Some(unionid) = unionid.filter(|u| !u.is_empty()) {
        who = who.add(social_bindings::Column::Unionid.eq(unionid));
    }
    let found = social_bindings::Entity::find()
        .filter(who_at_qq)
        .filter(who)
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    // Two rows only when one person bound two accounts through two apps: the openid's wins.
    let best = found
        .into_iter()
        .max_by_key(|(binding, _)| binding.subject == openid);
    Ok(best.and_then(|(binding, user)| {
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
    BindRequired(pending_identities::Model),
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
    let found = find_bound(&txn, &identity.openid, identity.unionid.as_deref()).await?;
    if let Some(known) = found {
        super::locking::ensure_unlocked(&known.user)?;
        if !update_known(&txn, &known, identity, &sealed, now).await? {
            return Err(Fault::Internal("the binding vanished mid-login".into()).into());
        }
        txn.commit().await?;
        return Ok(CallbackOutcome::LoggedIn(known.user));
    }
    let id = crate::crypto::token_cipher::random_token(18)
        .map_err(|e| Fault::Internal(e.to_string()))?;
    let pending = pending_identities::ActiveModel {
        id: Set(id),
        provider: Set(QQ.to_owned()),
        subject: Set(identity.openid.clone()),
        unionid: Set(identity.unionid.clone()),
        nickname: Set(identity.nickname.clone()),
        avatar: Set(identity.avatar.clone()),
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
        &known.binding,
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
    use sea_orm::sea_query::ExprTrait;
    use social_bindings::Column as C;
    let mut update = social_bindings::Entity::update_many()
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
            update = update.col_expr(C::Nickname, Expr::value(identity.nickname.clone()));
        }
        if !identity.avatar.is_empty() {
            update = update.col_expr(C::Avatar, Expr::value(identity.avatar.clone()));
        }
    }
    if known.binding.unionid.is_none() && identity.unionid.is_some() {
        update = update.col_expr(C::Unionid, Expr::value(identity.unionid.clone()));
    }
    // Found by unionid through another app of the developer: the binding follows the app this
    // instance logs in with (its tokens are sealed to, and only refresh under, that openid).
    if known.binding.subject != identity.openid {
        update = update.col_expr(C::Subject, Expr::value(identity.openid.clone()));
    }
    let updated = update
        .filter(C::Id.eq(known.binding.id))
        .filter(C::Subject.eq(&known.binding.subject))
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
    use crate::entities::binding_token_events;
    let mut stored = Vec::with_capacity(logins.len());
    let mut events = Vec::with_capacity(logins.len());
    for login in logins {
        let updated =
            update_binding(txn, &login.known, &login.identity, &login.sealed, now).await?;
        if updated {
            events.push(binding_token_events::ActiveModel {
                binding_id: Set(login.known.binding.id),
                provider: Set(login.known.binding.provider.clone()),
                kind: Set(TokenEventKind::Login.as_str().to_owned()),
                at: Set(now),
                detail: Set(Some(login_event_detail(&login.sealed))),
                ..Default::default()
            });
        }
        stored.push(updated);
    }
    if !events.is_empty() {
        binding_token_events::Entity::insert_many(events)
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
    use social_bindings::Column as C;
    let mut update =
        social_bindings::Entity::update_many().col_expr(C::ProfileFetchedAt, Expr::value(now));
    if !nickname.is_empty() {
        update = update.col_expr(C::Nickname, Expr::value(nickname));
    }
    if !avatar.is_empty() {
        update = update.col_expr(C::Avatar, Expr::value(avatar));
    }
    update
        .filter(C::Id.eq(binding_id))
        .filter(C::Subject.eq(openid))
        .exec(db)
        .await?;
    Ok(())
}

/// Check a ticket's pending identity without consuming it.
pub async fn pending_for_ticket<C: sea_orm::ConnectionTrait>(
    db: &C,
    ticket: &BindTicket,
    now: DateTime<Utc>,
) -> Result<pending_identities::Model, QqLoginError> {
    let pending = pending_identities::Entity::find_by_id(ticket.pending_id.clone())
        .one(db)
        .await?
        .filter(|p| p.subject == ticket.openid)
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
) -> Result<pending_identities::Model, QqLoginError> {
    let pending = pending_for_ticket(db, ticket, now).await?;
    let taken = pending_identities::Entity::update_many()
        .col_expr(pending_identities::Column::ConsumedAt, Expr::value(now))
        // The tokens move to the binding (from `pending`, read above); none stay behind.
        .col_expr(pending_identities::Column::AccessTokenEnc, Expr::value(""))
        .col_expr(
            pending_identities::Column::RefreshTokenEnc,
            Expr::value(Option::<String>::None),
        )
        .filter(pending_identities::Column::Id.eq(pending.id.clone()))
        .filter(pending_identities::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Err(QqLoginError::TicketUsed);
    }
    Ok(pending)
}

fn binding_from(
    pending: &pending_identities::Model,
    user_id: i64,
    now: DateTime<Utc>,
) -> social_bindings::ActiveModel {
    social_bindings::ActiveModel {
        user_id: Set(user_id),
        provider: Set(pending.provider.clone()),
        subject: Set(pending.subject.clone()),
        unionid: Set(pending.unionid.clone()),
        nickname: Set(pending.nickname.clone()),
        avatar: Set(pending.avatar.clone()),
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
    let bound = social_bindings::Entity::find()
        .filter(social_bindings::Column::Provider.eq(QQ))
        .filter(social_bindings::Column::Subject.eq(openid))
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
    if social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user.id))
        .filter(social_bindings::Column::Provider.eq(QQ))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(QqLoginError::AccountAlreadyBound);
    }
    ensure_qq_unbound(&txn, &pending.subject).await?;
    bind_pending(&txn, &pending, &user, origin, now).await?;
    txn.commit().await?;
    Ok(user)
}

/// Bind `pending` to `user`, record it in the token history and queue the owner's notice, in the
/// caller's transaction.
async fn bind_pending<C: ConnectionTrait>(
    txn: &C,
    pending: &pending_identities::Model,
    user: &users::Model,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(), QqLoginError> {
    let binding = binding_from(pending, user.id, now)
        .insert(txn)
        .await
        .map_err(binding_conflict)?;
    token_events::record(txn, &binding, TokenEventKind::Bound, now, None).await?;
    notices::queue(
        txn,
        origin.public_base_url,
        user,
        Change::QqBound {
            qq_nickname: &binding.nickname,
        },
        origin.client,
        now,
    )
    .await?;
    Ok(())
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
pub async fn register_and_bind(
    db: &DatabaseConnection,
    ticket: &BindTicket,
    account: NewAccount,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<users::Model, QqLoginError> {
    let txn = db.begin().await?;
    let pending = take_pending(&txn, ticket, now).await?;
    if super::signup::nickname_taken(&txn, &account.nickname).await? {
        return Err(AccountError::NicknameTaken.into());
    }
    if super::signup::mobile_taken(&txn, &account.mobile).await? {
        return Err(AccountError::MobileTaken.into());
    }
    ensure_qq_unbound(&txn, &pending.subject).await?;
    let user = super::signup::insert_user(
        &txn,
        &account.nickname,
        &account.mobile,
        pending.avatar.clone(),
        account.password_hash,
        now,
    )
    .await?;
    bind_pending(&txn, &pending, &user, origin, now).await?;
    if !super::sms_codes::consume(&txn, account.sms_code_id, now).await? {
        return Err(SmsError::CodeInvalid.into());
    }
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
    let binding = social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user.id))
        .filter(social_bindings::Column::Provider.eq(QQ))
        .one(&txn)
        .await?
        .ok_or(QqLoginError::QqNotBound)?;
    if delete_binding(&txn, &binding, user.id, "user request", now).await? {
        notices::queue(
            &txn,
            origin.public_base_url,
            user,
            Change::QqUnbound {
                qq_nickname: &binding.nickname,
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
    binding: &social_bindings::Model,
    actor_user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let deleted = social_bindings::Entity::delete_by_id(binding.id)
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
                "openid": open_id::mask(&binding.subject),
            })),
            at: now,
        },
    )
    .await?;
    Ok(true)
}

// The journey as the HTTP layer sees it: the authorize URL, then the callback, start to end.

/// The ticket as it travels: who it names and where to go afterwards.
#[derive(Serialize, Deserialize)]
pub struct TicketPayload {
    #[serde(flatten)]
    pub ticket: BindTicket,
    #[serde(rename = "n")]
    pub next: SafeNext,
}

/// Open a signed bind ticket.
pub fn load_ticket(security: &Security, token: &str) -> Result<TicketPayload, QqLoginError> {
    security
        .ticket_signer
        .loads::<TicketPayload>(token, TICKET_MAX_AGE)
        .map_err(|e| match e {
            SignerError::Expired { .. } => QqLoginError::TicketExpired,
            _ => QqLoginError::TicketInvalid,
        })
}

/// Where to send the browser to log in with QQ, and the cookie that ties the login to it.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    /// The signed `state` inside `url`.
    pub state: String,
    /// The `Set-Cookie` value of the browser's login cookie.
    pub set_cookie: String,
}

/// A login that returns to `next` (a same-site path), for the browser whose login cookie is
/// `cookie` (a fresh one when it has none yet: two tabs of one browser share it).
pub fn authorize(
    security: &Security,
    qq: &QqClient,
    public_base_url: &url::Url,
    next: Option<&str>,
    cookie: Option<BrowserNonce>,
) -> Result<Authorization, QqLoginError> {
    let next = SafeNext::parse_optional(next).map_err(|_| QqLoginError::UnsafeNext)?;
    let browser = match cookie {
        Some(existing) => existing,
        None => BrowserNonce::fresh()?,
    };
    let login = LoginState {
        next,
        nonce: crate::crypto::token_cipher::random_token(12)?,
        browser: login_state::browser_binding(&security.hasher, &browser),
    };
    let state = security
        .state_signer
        .dumps(&login)
        .map_err(|e| Fault::internal("signing the login state", e))?;
    Ok(Authorization {
        url: qq.authorize_url(&state).to_string(),
        set_cookie: browser.set_cookie(
            STATE_MAX_AGE.as_secs(),
            login_state::cookie_is_secure(public_base_url),
        ),
        state,
    })
}

/// Why the code exchange gave no identity.
#[derive(Debug)]
pub enum ExchangeFailed {
    /// Every exchange worker stayed busy while the request waited.
    Overloaded,
    /// QQ refused the code or failed.
    Qq(QqError),
    /// The exchange did not finish (its deadline passed, or its worker died).
    Unfinished(String),
}

/// The two steps of a callback that run on the actors: the code exchange (QQ's round trips, on
/// the exchange pool) and the login's write (on a binder). The actor side implements them
/// (`AppState`), so this feature names what it needs without depending on `actors`.
pub trait CallbackSteps: Sync {
    fn exchange(
        &self,
        code: &str,
    ) -> impl Future<Output = Result<Exchanged, ExchangeFailed>> + Send;

    /// [`login_or_pend`], on a binder.
    fn log_in_or_pend(
        &self,
        exchanged: Exchanged,
    ) -> impl Future<Output = Result<CallbackOutcome, QqLoginError>> + Send;
}

/// What a callback needs besides the request.
pub struct CallbackDeps<'a, S> {
    pub db: &'a DatabaseConnection,
    pub security: &'a Security,
    pub metrics: &'a Metrics,
    pub steps: &'a S,
}

/// A login that ended: its session token, who, and where to go now.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub user: users::Model,
    pub next: SafeNext,
}

/// A QQ identity no account has yet: the signed ticket that names it, its QQ profile (to prefill
/// the forms), and where to go afterwards.
#[derive(Debug)]
pub struct BindOffer {
    pub ticket: String,
    pub qq_nickname: String,
    pub qq_avatar: String,
    pub next: SafeNext,
}

/// How a callback ends for the browser.
#[derive(Debug)]
pub enum Outcome {
    LoggedIn(SignedIn),
    BindRequired(BindOffer),
}

/// A session for `user`, going on to `next`.
pub fn signed_in(
    security: &Security,
    user: users::Model,
    next: SafeNext,
) -> Result<SignedIn, QqLoginError> {
    Ok(SignedIn {
        token: super::session_token(security, &user)?,
        user,
        next,
    })
}

/// Finish a QQ login: check the `state` (ours, unexpired, issued to the browser whose login
/// cookie is `browser`, unused, or a retry of the same callback: see [`super::callback_replay`]),
/// exchange the `code`, then log in its bound user or pend its identity and hand out a ticket.
#[tracing::instrument(skip_all)]
pub async fn callback<S: CallbackSteps>(
    deps: &CallbackDeps<'_, S>,
    state: &str,
    code: &str,
    browser: Option<&BrowserNonce>,
    now: DateTime<Utc>,
) -> Result<Outcome, QqLoginError> {
    if !valid_code(code) {
        return Err(QqLoginError::InvalidCode);
    }
    let (login, admission) = accept_state(deps, state, code, browser, now)
        .await
        .inspect_err(|e| {
            if !matches!(e, QqLoginError::Fault(_)) {
                deps.metrics.callback(CallbackMetric::StateInvalid);
            }
        })?;
    let outcome = match admission {
        Admission::Replay(outcome) => *outcome,
        Admission::Fresh | Admission::Retry => {
            let exchanged = deps.steps.exchange(code).await.map_err(|e| {
                deps.metrics.callback(match &e {
                    ExchangeFailed::Overloaded => CallbackMetric::Overloaded,
                    ExchangeFailed::Qq(e) => CallbackMetric::QqError(e.qq_code()),
                    ExchangeFailed::Unfinished(_) => CallbackMetric::QqError(None),
                });
                match e {
                    ExchangeFailed::Overloaded => QqLoginError::Overloaded,
                    ExchangeFailed::Qq(e) if e.needs_relogin() => QqLoginError::QqLoginExpired,
                    ExchangeFailed::Qq(e) => QqLoginError::QqUnavailable(e.to_string()),
                    ExchangeFailed::Unfinished(e) => QqLoginError::QqUnavailable(e),
                }
            })?;
            let outcome = deps.steps.log_in_or_pend(exchanged).await?;
            let recorded =
                callback_replay::record(deps.db, &deps.security.hasher, &login.nonce, &outcome);
            if let Err(e) = recorded.await {
                // The login stands; only a retry of it would now be refused.
                tracing::warn!(error = %e, "could not record the QQ callback for a retry");
            }
            outcome
        }
    };
    match outcome {
        CallbackOutcome::LoggedIn(user) => {
            deps.metrics.callback(CallbackMetric::LoggedIn);
            Ok(Outcome::LoggedIn(signed_in(
                deps.security,
                user,
                login.next,
            )?))
        }
        CallbackOutcome::BindRequired(pending) => {
            deps.metrics.callback(CallbackMetric::BindRequired);
            let payload = TicketPayload {
                ticket: BindTicket {
                    pending_id: pending.id,
                    openid: pending.subject,
                },
                next: login.next,
            };
            let ticket = deps
                .security
                .ticket_signer
                .dumps(&payload)
                .map_err(|e| Fault::internal("signing the bind ticket", e))?;
            Ok(Outcome::BindRequired(BindOffer {
                ticket,
                qq_nickname: pending.nickname,
                qq_avatar: pending.avatar,
                next: payload.next,
            }))
        }
    }
}

/// QQ's codes are 32 hex digits today; accept any short printable token and let QQ judge it.
fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 256
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// The callback's `state`, if it is ours, unexpired, issued to this browser and not used yet;
/// it is used up here, before QQ is asked, so a replay never reaches the code exchange. A used
/// state passes only as a retry of the same callback (same code; see `callback_replay`).
async fn accept_state<S>(
    deps: &CallbackDeps<'_, S>,
    signed: &str,
    code: &str,
    browser: Option<&BrowserNonce>,
    now: DateTime<Utc>,
) -> Result<(LoginState, Admission), QqLoginError> {
    let login: LoginState = deps
        .security
        .state_signer
        .loads(signed, STATE_MAX_AGE)
        .map_err(|e| {
            if e.is_expired() {
                QqLoginError::StateExpired
            } else {
                QqLoginError::StateInvalid
            }
        })?;
    let hasher = &deps.security.hasher;
    login_state::same_browser(hasher, &login.browser, browser)?;
    let expires = now + chrono::Duration::seconds(STATE_MAX_AGE.as_secs() as i64);
    let consumed = login_state::consume(deps.db, hasher, &login.nonce, expires, now).await;
    let admission =
        callback_replay::admit(deps.db, hasher, &login.nonce, code, consumed, now).await?;
    Ok((login, admission))
}

// A bind ticket's two ends: bind an existing account, or register a new one.

/// The two transactions a bind ticket can end with, run on a binder. The actor side implements
/// them (`AppState`), as it does [`CallbackSteps`].
pub trait TicketSteps: Sync {
    /// [`bind_existing`], on a binder.
    fn bind_existing(
        &self,
        ticket: BindTicket,
        user: users::Model,
        client: &ClientAddr,
    ) -> impl Future<Output = Result<users::Model, QqLoginError>> + Send;

    /// [`register_and_bind`], on a binder.
    fn register_and_bind(
        &self,
        ticket: BindTicket,
        account: NewAccount,
        client: &ClientAddr,
    ) -> impl Future<Output = Result<users::Model, QqLoginError>> + Send;
}

/// What a bind or a registration needs besides the request.
pub struct TicketDeps<'a, S> {
    pub db: &'a DatabaseConnection,
    pub security: &'a Security,
    /// Demands a captcha of a bind as the policy says (a bind is a password sign-in).
    pub captcha: &'a CaptchaGate,
    /// The sign-in throttle a bind's password goes through.
    pub limits: LoginLimits,
    pub steps: &'a S,
}

/// Bind the ticket's QQ identity to an existing account proven by its password, and sign it in:
/// the captcha (as the policy says), then the ticket's pending identity (a dead ticket is refused
/// before any password is tried), then the password (throttled), then the binding on a binder.
#[tracing::instrument(skip_all)]
pub async fn bind<S: TicketSteps>(
    deps: &TicketDeps<'_, S>,
    payload: TicketPayload,
    credentials: super::Credentials<'_>,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<SignedIn, QqLoginError> {
    let action = Protected::SignIn {
        account: credentials.account,
    };
    deps.captcha
        .check(
            deps.db,
            action,
            credentials.captcha,
            client,
            deps.limits,
            now,
        )
        .await?;
    pending_for_ticket(deps.db, &payload.ticket, now).await?;
    let user = super::authenticate(
        deps.db,
        &deps.security.passwords,
        credentials.account,
        credentials.password,
        client,
        deps.limits,
        now,
    )
    .await?;
    let user = deps
        .steps
        .bind_existing(payload.ticket, user, client)
        .await?;
    signed_in(deps.security, user, payload.next)
}

/// A new account's form, parsed.
pub struct Registration<'a> {
    pub nickname: Nickname,
    pub mobile: Mobile,
    pub password: Password,
    /// The 6-digit `qq_register` code, as typed (trimmed).
    pub sms_code: &'a str,
}

/// Create an account for the ticket's QQ identity and sign it in: the ticket's pending identity,
/// then the SMS code, then the password's hash (slow, outside any transaction), then the user and
/// its binding on a binder.
#[tracing::instrument(skip_all)]
pub async fn register<S: TicketSteps>(
    deps: &TicketDeps<'_, S>,
    payload: TicketPayload,
    form: Registration<'_>,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<SignedIn, QqLoginError> {
    pending_for_ticket(deps.db, &payload.ticket, now).await?;
    let sms_code_id = sms_codes::check(
        deps.db,
        &deps.security.hasher,
        &form.mobile,
        SmsPurpose::QqRegister,
        form.sms_code,
        now,
    )
    .await?;
    let password_hash = deps.security.passwords.hash(&form.password).await?;
    let account = NewAccount {
        nickname: form.nickname,
        mobile: form.mobile,
        password_hash,
        sms_code_id,
    };
    let user = deps
        .steps
        .register_and_bind(payload.ticket, account, client)
        .await?;
    signed_in(deps.security, user, payload.next)
}
