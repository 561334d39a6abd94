//! Social sign-in (QQ, WeChat, Weibo) on the accounts side: the signed `state` of a login
//! attempt, pending identities named by bind tickets, and the outcomes of a provider login
//! (already bound, bind an existing account, register and bind, link to the signed-in account),
//! each a single transaction. Every state, ticket and pending identity names its provider: one
//! issued for a provider is refused by another.

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
use super::callback_replay::{self, Admission, ReplayKey};
use super::login_attempts::LoginLimits;
use super::login_state::{self, BrowserNonce};
use super::next::SafeNext;
use super::notices::{self, Change};
use super::sms_codes::{self, SmsError, SmsPurpose};
use super::token_events::{self, TokenEventKind};
use crate::captcha::{CaptchaError, CaptchaGate, Protected};
use crate::config::Secret;
use crate::crypto::token_cipher::{TokenCipher, TokenField};
use crate::crypto::{Security, SignerError};
use crate::db::UniqueKey;
use crate::domain::{Mobile, Nickname, Password};
use crate::entities::{pending_identities, social_bindings, users};
use crate::fault::Fault;
use crate::metrics::{CallbackOutcome as CallbackMetric, Metrics};
use crate::net::ClientAddr;
use crate::oauth::{Provider, ProviderError, ProviderKind};

pub const STATE_MAX_AGE: Duration = Duration::from_secs(10 * 60);
pub const TICKET_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How long a pending identity lives server-side (as long as its ticket).
pub const PENDING_LIFETIME: Duration = TICKET_MAX_AGE;
/// How long a bound user's stored profile (nickname, avatar) stands in for the provider's (QQ's
/// `get_user_info`, WeChat's `/sns/userinfo`, Weibo's `users/show`). A bound user's login never
/// waits for the profile: the first login after this age answers with the stored one and has the
/// new one fetched in the background. A nickname changed at the provider shows up within a day
/// (and a login).
pub const PROFILE_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What a social login, binding or unbinding can refuse. The provider named in a variant is the
/// one the request was for (its path), so each message names the provider the person used.
#[derive(Debug, thiserror::Error)]
pub enum SocialLoginError {
    #[error("state is invalid")]
    StateInvalid,
    #[error("state expired")]
    StateExpired,
    /// The callback came without the cookie of the browser that asked for this state.
    #[error("state was issued to another browser")]
    StateNotThisBrowser(ProviderKind),
    #[error("state was already used")]
    StateUsed,
    #[error("next is not a same-site path")]
    UnsafeNext,
    #[error("authorization code is malformed")]
    InvalidCode(ProviderKind),
    #[error("too many social logins in progress")]
    Overloaded,
    #[error("{0} says the login is no longer valid")]
    LoginExpired(ProviderKind),
    /// Down, failing, or not configured on this instance.
    #[error("{0} is unavailable: {1}")]
    Unavailable(ProviderKind, String),
    #[error("bind ticket is invalid")]
    TicketInvalid(ProviderKind),
    #[error("bind ticket expired")]
    TicketExpired(ProviderKind),
    #[error("bind ticket was already used")]
    TicketUsed(ProviderKind),
    #[error("this {0} identity is already bound")]
    AlreadyBound(ProviderKind),
    #[error("this account already has a {0} binding")]
    AccountAlreadyBound(ProviderKind),
    #[error("no {0} binding")]
    NotBound(ProviderKind),
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

crate::fault_from!(SocialLoginError);

impl From<crate::domain::DomainError> for SocialLoginError {
    fn from(e: crate::domain::DomainError) -> Self {
        Self::Account(e.into())
    }
}

/// States and tickets signed before they named a provider are QQ's.
fn qq() -> ProviderKind {
    ProviderKind::Qq
}

/// What the signed `state` carries through the provider and back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginState {
    /// The provider it was issued for: another provider's callback refuses it.
    #[serde(rename = "p", default = "qq")]
    pub provider: ProviderKind,
    pub next: SafeNext,
    /// Makes every state unique; the frontend keeps the state it was given and checks the
    /// provider sends the same one back (login CSRF). Its keyed hash marks the state used at the callback.
    pub nonce: String,
    /// Keyed hash of the nonce in the browser's login cookie: only the browser that asked for
    /// this state can finish the login with it (see [`super::login_state`]).
    #[serde(rename = "b")]
    pub browser: String,
}

/// What a bind ticket names: one pending identity, for one subject at one provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BindTicket {
    #[serde(rename = "k", default = "qq")]
    pub provider: ProviderKind,
    #[serde(rename = "p")]
    pub pending_id: String,
    /// The openid (QQ, WeChat) or uid (Weibo).
    #[serde(rename = "o")]
    pub subject: String,
}

/// An identity at a provider as the code exchange found it.
#[derive(Debug, Clone)]
pub struct SocialIdentity {
    pub provider: ProviderKind,
    /// The openid (QQ, WeChat) or uid (Weibo).
    pub subject: String,
    pub unionid: Option<String>,
    /// Empty (and `avatar` too) when the profile was not fetched: the stored one is kept.
    pub nickname: String,
    pub avatar: String,
    /// Whether `nickname` and `avatar` come from the provider's profile call just now.
    pub profile_fetched: bool,
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: u64,
}

/// A binding and its user as a read connection saw them during the code exchange: decides
/// whether the provider is asked for the profile, and names the row the login then updates.
#[derive(Debug, Clone)]
pub struct KnownBinding {
    pub binding: social_bindings::Model,
    pub user: users::Model,
}

impl KnownBinding {
    /// The stored profile may stand in for the provider's.
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
    pub identity: SocialIdentity,
    pub known: Option<KnownBinding>,
}

/// The `provider` binding of `subject` (else of `unionid`: the same person through another app of
/// the same developer, see `unionid_backfill`) and its user, outside any transaction (the login's
/// write re-checks the row by id and subject).
///
/// The subject first, alone: a bound user's login is then one equality lookup on the
/// `(provider, subject)` key and its join, a plain index scan. (One query with `subject = … OR
/// unionid = …` is a bitmap scan, which never marks the index entries of the row's dead versions
/// as dead: every login updates its binding, so each lookup waded through all of them, 0.6 ms of
/// PostgreSQL's time per login in the bench.) The unionid only when the subject has no binding.
pub async fn find_bound<C: ConnectionTrait>(
    db: &C,
    provider: ProviderKind,
    subject: &str,
    unionid: Option<&str>,
) -> Result<Option<KnownBinding>, DbErr> {
    let by = |column: social_bindings::Column, value: &str| {
        social_bindings::Entity::find()
            .filter(social_bindings::Column::Provider.eq(provider.as_str()))
            .filter(column.eq(value))
            .find_also_related(users::Entity)
            .one(db)
    };
    let found = match by(social_bindings::Column::Subject, subject).await? {
        Some(found) => Some(found),
        None => match unionid.filter(|u| !u.is_empty()) {
            Some(unionid) => by(social_bindings::Column::Unionid, unionid).await?,
            None => None,
        },
    };
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
    BindRequired(pending_identities::Model),
}

struct SealedTokens {
    access: String,
    refresh: Option<String>,
    expires_at: DateTime<Utc>,
}

fn seal(
    cipher: &TokenCipher,
    identity: &SocialIdentity,
    now: DateTime<Utc>,
) -> Result<SealedTokens, SocialLoginError> {
    let internal = |e: crate::crypto::token_cipher::CryptoError| {
        Fault::Internal(format!("token encryption: {e}"))
    };
    // Every provider's tokens are sealed as these two fields, for the owner
    // `social_bindings::token_owner` names (QQ's openid; `{provider}:{subject}` for the others,
    // so a ciphertext never opens under another provider's identity).
    let owner = social_bindings::token_owner(identity.provider.as_str(), &identity.subject);
    let access = cipher
        .encrypt(
            TokenField::QqAccessToken,
            &owner,
            identity.access_token.expose(),
        )
        .map_err(internal)?;
    let refresh = match &identity.refresh_token {
        Some(t) => Some(
            cipher
                .encrypt(TokenField::QqRefreshToken, &owner, t.expose())
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

/// A returning user gets their fresh tokens stored and is logged in; a new identity gets a
/// pending identity (tokens encrypted) to bind or register with.
pub async fn login_or_pend(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    exchanged: &Exchanged,
    replay: &ReplayKey,
    now: DateTime<Utc>,
) -> Result<CallbackOutcome, SocialLoginError> {
    let identity = &exchanged.identity;
    let sealed = seal(cipher, identity, now)?;
    // The exchange already read the binding and its user: the write is then one UPDATE and one
    // INSERT. Only when that row is gone (or changed owner) meanwhile, the full path below
    // decides again inside the transaction.
    if let Some(known) = &exchanged.known {
        super::locking::ensure_unlocked(&known.user)?;
        let txn = db.begin().await?;
        if update_known(&txn, known, identity, &sealed, now).await? {
            let outcome = CallbackOutcome::LoggedIn(known.user.clone());
            callback_replay::record(&txn, replay, &outcome).await?;
            txn.commit().await?;
            return Ok(outcome);
        }
        txn.rollback().await?;
    }
    let txn = db.begin().await?;
    // The binding and its user in one statement (a join): one round trip fewer per login.
    let found = find_bound(
        &txn,
        identity.provider,
        &identity.subject,
        identity.unionid.as_deref(),
    )
    .await?;
    if let Some(known) = found {
        super::locking::ensure_unlocked(&known.user)?;
        if !update_known(&txn, &known, identity, &sealed, now).await? {
            return Err(Fault::Internal("the binding vanished mid-login".into()).into());
        }
        let outcome = CallbackOutcome::LoggedIn(known.user);
        callback_replay::record(&txn, replay, &outcome).await?;
        txn.commit().await?;
        return Ok(outcome);
    }
    let id = crate::crypto::token_cipher::random_token(18)
        .map_err(|e| Fault::Internal(e.to_string()))?;
    let pending = pending_identities::ActiveModel {
        id: Set(id),
        provider: Set(identity.provider.as_str().to_owned()),
        subject: Set(identity.subject.clone()),
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
    let outcome = CallbackOutcome::BindRequired(pending);
    callback_replay::record(&txn, replay, &outcome).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Store a login's fresh tokens (and the profile, when fetched) on `known`'s binding, and record
/// the event: `false` when the binding is no longer there under this subject. The version is
/// bumped in SQL, so a refresh racing with this login never overwrites the newer tokens.
async fn update_known<C: ConnectionTrait>(
    txn: &C,
    known: &KnownBinding,
    identity: &SocialIdentity,
    sealed: &SealedTokens,
    now: DateTime<Utc>,
) -> Result<bool, AccountError> {
    if !update_binding(txn, (known, identity, sealed), now).await? {
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

/// The `UPDATE` of [`update_known`], without its event: [`update_bindings`] for one login.
async fn update_binding<C: ConnectionTrait>(
    txn: &C,
    write: BindingWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = update_bindings(txn, &[write], now).await?;
    Ok(!updated.is_empty())
}

/// One login's write of its binding: the binding as read, the identity, the sealed tokens.
type BindingWrite<'a> = (&'a KnownBinding, &'a SocialIdentity, &'a SealedTokens);

/// A bound user's login, ready for a group commit ([`store_logins`]): the tokens sealed, the
/// account checked unlocked. Built outside the transaction (sealing is CPU work).
pub struct PreparedLogin {
    known: KnownBinding,
    identity: SocialIdentity,
    sealed: SealedTokens,
}

impl PreparedLogin {
    /// The binding the login updates (group commits write in this order, so two concurrent
    /// batches on PostgreSQL never wait on each other's rows crosswise).
    pub fn binding_id(&self) -> i64 {
        self.known.binding.id
    }

    /// What [`update_bindings`] writes for this login.
    fn write(&self) -> BindingWrite<'_> {
        (&self.known, &self.identity, &self.sealed)
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
    identity: SocialIdentity,
    known: KnownBinding,
    now: DateTime<Utc>,
) -> Result<PreparedLogin, SocialLoginError> {
    super::locking::ensure_unlocked(&known.user)?;
    let sealed = seal(cipher, &identity, now)?;
    Ok(PreparedLogin {
        known,
        identity,
        sealed,
    })
}

/// Group commit: store the tokens of several bound users' logins in the caller's transaction,
/// one `UPDATE` each, one multi-row `INSERT` for all their events and one `UPDATE` recording
/// their outcomes for retries (`callback_replay`). Returns, per login, whether
/// its binding was still there under its subject (`false`: that login must decide again, through
/// [`login_or_pend`]).
pub async fn store_logins<C: ConnectionTrait>(
    txn: &C,
    logins: &[(&PreparedLogin, &ReplayKey)],
    now: DateTime<Utc>,
) -> Result<Vec<bool>, DbErr> {
    use crate::entities::binding_token_events;
    // One statement for the first login of each binding; a binding's further logins in the same
    // batch (one person, two tabs) are written after it one by one, each bumping the version.
    let mut seen = std::collections::HashSet::with_capacity(logins.len());
    let (firsts, again): (Vec<_>, Vec<_>) =
        (0..logins.len()).partition(|&i| seen.insert(logins[i].0.known.binding.id));
    let bulk: Vec<BindingWrite> = firsts.iter().map(|&i| logins[i].0.write()).collect();
    let updated = update_bindings(txn, &bulk, now).await?;
    let mut stored = vec![false; logins.len()];
    for &i in &firsts {
        stored[i] = updated.contains(&logins[i].0.known.binding.id);
    }
    for &i in &again {
        stored[i] = update_binding(txn, logins[i].0.write(), now).await?;
    }
    let mut events = Vec::with_capacity(logins.len());
    let mut outcomes = Vec::with_capacity(logins.len());
    for ((login, replay), _) in logins.iter().zip(&stored).filter(|(_, stored)| **stored) {
        events.push(binding_token_events::ActiveModel {
            binding_id: Set(login.known.binding.id),
            provider: Set(login.known.binding.provider.clone()),
            kind: Set(TokenEventKind::Login.as_str().to_owned()),
            at: Set(now),
            detail: Set(Some(login_event_detail(&login.sealed))),
            ..Default::default()
        });
        outcomes.push((*replay, login.known.user.id));
    }
    if !events.is_empty() {
        binding_token_events::Entity::insert_many(events)
            .exec_without_returning(txn)
            .await?;
    }
    callback_replay::record_logins(txn, &outcomes).await?;
    Ok(stored)
}

/// Store logins' fresh tokens (and the profile, when fetched) on their bindings in one statement
/// (`UPDATE … FROM (VALUES …)`, one row of values per login; at most one login per binding): the
/// ids of the bindings updated, each still there under the subject the login read. The version
/// is bumped in SQL, so a refresh racing with a login never overwrites the newer tokens.
async fn update_bindings<C: ConnectionTrait>(
    txn: &C,
    logins: &[BindingWrite<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    if logins.is_empty() {
        return Ok(Vec::new());
    }
    const COLUMNS: usize = 10;
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(1 + logins.len() * COLUMNS);
    values.push(now.into());
    let mut rows = Vec::with_capacity(logins.len());
    for &(known, identity, sealed) in logins {
        let profiled = identity.profile_fetched;
        let keep_empty = |v: &str| (profiled && !v.is_empty()).then(|| v.to_owned());
        let first = values.len() + 1;
        values.extend([
            known.binding.id.into(),
            known.binding.subject.clone().into(),
            sealed.access.clone().into(),
            sealed.expires_at.into(),
            sealed.refresh.clone().into(),
            profiled.into(),
            keep_empty(&identity.nickname).into(),
            keep_empty(&identity.avatar).into(),
            identity.unionid.clone().into(),
            identity.subject.clone().into(),
        ]);
        let row: Vec<String> = (first..first + COLUMNS).map(|i| format!("${i}")).collect();
        rows.push(format!("({})", row.join(", ")));
    }
    // column1 id, 2 subject read, 3 access, 4 expiry, 5 refresh (none, as QQ may omit it and
    // Weibo has none: keep the stored one), 6 profiled, 7 nickname and 8 avatar (none: keep),
    // 9 unionid (kept once known), 10 subject now (found by unionid through another app of the
    // developer, the binding follows the app this instance logs in with: its tokens are sealed
    // to, and only refresh under, that openid).
    let sql = format!(
        "UPDATE social_bindings SET \
           access_token_enc = v.column3, token_expires_at = v.column4, \
           token_version = social_bindings.token_version + 1, \
           refresh_status = 'ok', refresh_error = NULL, last_login_at = $1, \
           refresh_token_enc = COALESCE(v.column5, social_bindings.refresh_token_enc), \
           profile_fetched_at = CASE WHEN v.column6 THEN $1 ELSE social_bindings.profile_fetched_at END, \
           nickname = COALESCE(v.column7, social_bindings.nickname), \
           avatar = COALESCE(v.column8, social_bindings.avatar), \
           unionid = COALESCE(social_bindings.unionid, v.column9), \
           subject = v.column10 \
         FROM (VALUES {}) AS v \
         WHERE social_bindings.id = v.column1 AND social_bindings.subject = v.column2 \
         RETURNING social_bindings.id",
        rows.join(", ")
    );
    let backend = txn.get_database_backend();
    txn.query_all_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?
    .iter()
    .map(|row| row.try_get_by_index::<i64>(0))
    .collect()
}

/// Store a bound user's profile fetched in the background (see `actors::exchange`): an empty
/// nickname or avatar keeps the stored one. Nothing happens when the binding is gone or belongs
/// to another subject now.
pub async fn store_profile<C: ConnectionTrait>(
    db: &C,
    binding_id: i64,
    subject: &str,
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
        .filter(C::Subject.eq(subject))
        .exec(db)
        .await?;
    Ok(())
}

/// Check a ticket's pending identity without consuming it.
pub async fn pending_for_ticket<C: sea_orm::ConnectionTrait>(
    db: &C,
    ticket: &BindTicket,
    now: DateTime<Utc>,
) -> Result<pending_identities::Model, SocialLoginError> {
    let provider = ticket.provider;
    let pending = pending_identities::Entity::find_by_id(ticket.pending_id.clone())
        .one(db)
        .await?
        .filter(|p| p.subject == ticket.subject && p.provider == provider.as_str())
        .ok_or(SocialLoginError::TicketInvalid(provider))?;
    if pending.consumed_at.is_some() {
        return Err(SocialLoginError::TicketUsed(provider));
    }
    if pending.expires_at <= now {
        return Err(SocialLoginError::TicketExpired(provider));
    }
    Ok(pending)
}

/// Consume the ticket's pending identity: exactly one caller wins.
async fn take_pending<C: sea_orm::ConnectionTrait>(
    db: &C,
    ticket: &BindTicket,
    now: DateTime<Utc>,
) -> Result<pending_identities::Model, SocialLoginError> {
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
        return Err(SocialLoginError::TicketUsed(ticket.provider));
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
        // Same owner (provider and subject) in the associated data, so the ciphertexts move as they are.
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

/// A clean `AlreadyBound` before the insert; the unique index still decides a race.
async fn ensure_unbound<C: sea_orm::ConnectionTrait>(
    db: &C,
    provider: ProviderKind,
    subject: &str,
) -> Result<(), SocialLoginError> {
    let bound = social_bindings::Entity::find()
        .filter(social_bindings::Column::Provider.eq(provider.as_str()))
        .filter(social_bindings::Column::Subject.eq(subject))
        .one(db)
        .await?;
    if bound.is_some() {
        return Err(SocialLoginError::AlreadyBound(provider));
    }
    Ok(())
}

/// A clean `AccountAlreadyBound` before the insert: `user_id` has a `provider` binding already.
async fn ensure_user_unbound<C: sea_orm::ConnectionTrait>(
    db: &C,
    provider: ProviderKind,
    user_id: i64,
) -> Result<(), SocialLoginError> {
    let bound = social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user_id))
        .filter(social_bindings::Column::Provider.eq(provider.as_str()))
        .one(db)
        .await?;
    if bound.is_some() {
        return Err(SocialLoginError::AccountAlreadyBound(provider));
    }
    Ok(())
}

/// Unique violations on the binding's columns, in domain terms.
fn binding_conflict(provider: ProviderKind) -> impl Fn(DbErr) -> SocialLoginError {
    move |e| match UniqueKey::violated(&e) {
        Some(UniqueKey::BindingUser) => SocialLoginError::AccountAlreadyBound(provider),
        Some(UniqueKey::BindingOpenid | UniqueKey::BindingUnionid) => {
            SocialLoginError::AlreadyBound(provider)
        }
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

/// Bind the ticket's identity to an account whose password was just proven (or that is signed
/// in: a link from the account page), and tell the owner (in the same transaction).
pub async fn bind_existing(
    db: &DatabaseConnection,
    ticket: &BindTicket,
    user: users::Model,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(users::Model, social_bindings::Model), SocialLoginError> {
    let txn = db.begin().await?;
    let pending = take_pending(&txn, ticket, now).await?;
    ensure_user_unbound(&txn, ticket.provider, user.id).await?;
    ensure_unbound(&txn, ticket.provider, &pending.subject).await?;
    let binding = bind_pending(&txn, ticket.provider, &pending, &user, origin, now).await?;
    txn.commit().await?;
    Ok((user, binding))
}

/// Bind `pending` to `user`, record it in the token history and queue the owner's notice, in the
/// caller's transaction.
async fn bind_pending<C: ConnectionTrait>(
    txn: &C,
    provider: ProviderKind,
    pending: &pending_identities::Model,
    user: &users::Model,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<social_bindings::Model, SocialLoginError> {
    let binding = binding_from(pending, user.id, now)
        .insert(txn)
        .await
        .map_err(binding_conflict(provider))?;
    token_events::record(txn, &binding, TokenEventKind::Bound, now, None).await?;
    notices::queue(
        txn,
        origin.public_base_url,
        user,
        Change::QqBound {
            provider,
            qq_nickname: &binding.nickname,
        },
        origin.client,
        now,
    )
    .await?;
    Ok(binding)
}

/// A new account for the ticket's identity.
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
) -> Result<users::Model, SocialLoginError> {
    let txn = db.begin().await?;
    let pending = take_pending(&txn, ticket, now).await?;
    if super::signup::nickname_taken(&txn, &account.nickname).await? {
        return Err(AccountError::NicknameTaken.into());
    }
    if super::signup::mobile_taken(&txn, &account.mobile).await? {
        return Err(AccountError::MobileTaken.into());
    }
    ensure_unbound(&txn, ticket.provider, &pending.subject).await?;
    let user = super::signup::insert_user(
        &txn,
        &account.nickname,
        &account.mobile,
        pending.avatar.clone(),
        account.password_hash,
        now,
    )
    .await?;
    bind_pending(&txn, ticket.provider, &pending, &user, origin, now).await?;
    if !super::sms_codes::consume(&txn, account.sms_code_id, now).await? {
        return Err(SmsError::CodeInvalid.into());
    }
    txn.commit().await?;
    Ok(user)
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

/// Open a signed bind ticket for `provider` (the one in the request's path): a ticket of
/// another provider is invalid here.
pub fn load_ticket(
    security: &Security,
    provider: ProviderKind,
    token: &str,
) -> Result<TicketPayload, SocialLoginError> {
    let payload = open_ticket(security, provider, token)?;
    if payload.ticket.provider != provider {
        return Err(SocialLoginError::TicketInvalid(provider));
    }
    Ok(payload)
}

/// Open a signed bind ticket of any provider (the SMS code of a registration: the ticket says
/// which provider); `provider` only words a refusal.
pub fn open_ticket(
    security: &Security,
    provider: ProviderKind,
    token: &str,
) -> Result<TicketPayload, SocialLoginError> {
    security
        .ticket_signer
        .loads::<TicketPayload>(token, TICKET_MAX_AGE)
        .map_err(|e| match e {
            SignerError::Expired { .. } => SocialLoginError::TicketExpired(provider),
            _ => SocialLoginError::TicketInvalid(provider),
        })
}

/// Where to send the browser to log in at a provider, and the cookie that ties the login to it.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    /// The signed `state` inside `url`.
    pub state: String,
    /// The `Set-Cookie` value of the browser's login cookie.
    pub set_cookie: String,
}

/// The provider `kind`, or `Unavailable` when this instance has no app there.
pub fn provider(
    providers: &crate::oauth::Providers,
    kind: ProviderKind,
) -> Result<&dyn Provider, SocialLoginError> {
    providers
        .get(kind)
        .ok_or_else(|| SocialLoginError::Unavailable(kind, "not configured".into()))
}

/// A login at `provider` that returns to `next` (a same-site path), for the browser whose login
/// cookie (of this provider) is `cookie` (a fresh one when it has none yet: two tabs of one
/// browser share it).
pub fn authorize(
    security: &Security,
    provider: &dyn Provider,
    public_base_url: &url::Url,
    next: Option<&str>,
    cookie: Option<BrowserNonce>,
) -> Result<Authorization, SocialLoginError> {
    let kind = provider.kind();
    let next = SafeNext::parse_optional(next).map_err(|_| SocialLoginError::UnsafeNext)?;
    let browser = match cookie {
        Some(existing) => existing,
        None => BrowserNonce::fresh()?,
    };
    let login = LoginState {
        provider: kind,
        next,
        nonce: crate::crypto::token_cipher::random_token(12)?,
        browser: login_state::browser_binding(&security.hasher, &browser),
    };
    let state = security
        .state_signer
        .dumps(&login)
        .map_err(|e| Fault::internal("signing the login state", e))?;
    Ok(Authorization {
        url: provider.authorize_url(&state).to_string(),
        set_cookie: browser.set_cookie(
            kind,
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
    /// The provider refused the code or failed.
    Provider(ProviderError),
    /// The exchange did not finish (its deadline passed, or its worker died).
    Unfinished(String),
}

/// The two steps of a callback that run on the actors: the code exchange (the provider's round
/// trips, on the exchange pool) and the login's write (on a binder). The actor side implements
/// them (`AppState`), so this feature names what it needs without depending on `actors`.
pub trait CallbackSteps: Sync {
    fn exchange(
        &self,
        provider: ProviderKind,
        code: &str,
    ) -> impl Future<Output = Result<Exchanged, ExchangeFailed>> + Send;

    /// [`login_or_pend`], on a binder.
    fn log_in_or_pend(
        &self,
        exchanged: Exchanged,
        replay: ReplayKey,
    ) -> impl Future<Output = Result<CallbackOutcome, SocialLoginError>> + Send;
}

/// What a callback needs besides the request.
pub struct CallbackDeps<'a, S> {
    pub db: &'a DatabaseConnection,
    pub security: &'a Security,
    pub metrics: &'a Metrics,
    pub providers: &'a crate::oauth::Providers,
    pub steps: &'a S,
}

/// A login that ended: its session token, who, and where to go now.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub user: users::Model,
    pub next: SafeNext,
}

/// An identity no account has yet: the signed ticket that names it, its profile at the provider
/// (to prefill the forms), and where to go afterwards.
#[derive(Debug)]
pub struct BindOffer {
    pub ticket: String,
    pub nickname: String,
    pub avatar: String,
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
) -> Result<SignedIn, SocialLoginError> {
    Ok(SignedIn {
        token: super::session_token(security, &user)?,
        user,
        next,
    })
}

/// Finish a login at `provider`: check the `state` (ours, for this provider, unexpired, issued to
/// the browser whose login cookie is `browser`, unused, or a retry of the same callback: see
/// [`super::callback_replay`]), exchange the `code`, then log in its bound user or pend its
/// identity and hand out a ticket.
#[tracing::instrument(skip_all, fields(provider = provider.as_str()))]
pub async fn callback<S: CallbackSteps>(
    deps: &CallbackDeps<'_, S>,
    provider: ProviderKind,
    state: &str,
    code: &str,
    browser: Option<&BrowserNonce>,
    now: DateTime<Utc>,
) -> Result<Outcome, SocialLoginError> {
    if !valid_code(code) {
        return Err(SocialLoginError::InvalidCode(provider));
    }
    // Refused before the state is used up: a provider this instance has no app at.
    self::provider(deps.providers, provider)?;
    let (login, admission) = accept_state(deps, provider, state, code, browser, now)
        .await
        .inspect_err(|e| {
            if !matches!(e, SocialLoginError::Fault(_)) {
                deps.metrics
                    .callback(provider, CallbackMetric::StateInvalid);
            }
        })?;
    let outcome = match admission {
        Admission::Replay(outcome) => *outcome,
        Admission::Fresh(replay) | Admission::Retry(replay) => {
            let exchanged = deps.steps.exchange(provider, code).await.map_err(|e| {
                deps.metrics.callback(
                    provider,
                    match &e {
                        ExchangeFailed::Overloaded => CallbackMetric::Overloaded,
                        ExchangeFailed::Provider(e) => CallbackMetric::ProviderError(e.code()),
                        ExchangeFailed::Unfinished(_) => CallbackMetric::ProviderError(None),
                    },
                );
                match e {
                    ExchangeFailed::Overloaded => SocialLoginError::Overloaded,
                    ExchangeFailed::Provider(e) if e.needs_relogin() => {
                        SocialLoginError::LoginExpired(provider)
                    }
                    ExchangeFailed::Provider(e) => {
                        SocialLoginError::Unavailable(provider, e.to_string())
                    }
                    ExchangeFailed::Unfinished(e) => SocialLoginError::Unavailable(provider, e),
                }
            })?;
            // Its transaction also records the outcome for a retry (`callback_replay`).
            deps.steps.log_in_or_pend(exchanged, replay).await?
        }
    };
    match outcome {
        CallbackOutcome::LoggedIn(user) => {
            deps.metrics.callback(provider, CallbackMetric::LoggedIn);
            Ok(Outcome::LoggedIn(signed_in(
                deps.security,
                user,
                login.next,
            )?))
        }
        CallbackOutcome::BindRequired(pending) => {
            deps.metrics
                .callback(provider, CallbackMetric::BindRequired);
            let payload = TicketPayload {
                ticket: BindTicket {
                    provider,
                    pending_id: pending.id,
                    subject: pending.subject,
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
                nickname: pending.nickname,
                avatar: pending.avatar,
                next: payload.next,
            }))
        }
    }
}

/// QQ's codes are 32 hex digits, WeChat's and Weibo's 32 characters too today; accept any short
/// printable token and let the provider judge it.
fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 256
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// The callback's `state`, if it is ours, for this provider, unexpired, issued to this browser
/// and not used yet; it is used up here, before the provider is asked, so a replay never reaches
/// the code exchange. A used state passes only as a retry of the same callback (same code; see
/// `callback_replay`).
async fn accept_state<S>(
    deps: &CallbackDeps<'_, S>,
    provider: ProviderKind,
    signed: &str,
    code: &str,
    browser: Option<&BrowserNonce>,
    now: DateTime<Utc>,
) -> Result<(LoginState, Admission), SocialLoginError> {
    let login: LoginState = deps
        .security
        .state_signer
        .loads(signed, STATE_MAX_AGE)
        .map_err(|e| {
            if e.is_expired() {
                SocialLoginError::StateExpired
            } else {
                SocialLoginError::StateInvalid
            }
        })?;
    if login.provider != provider {
        return Err(SocialLoginError::StateInvalid);
    }
    let hasher = &deps.security.hasher;
    login_state::same_browser(hasher, provider, &login.browser, browser)?;
    let expires = now + chrono::Duration::seconds(STATE_MAX_AGE.as_secs() as i64);
    let admission =
        callback_replay::admit(deps.db, hasher, provider, &login.nonce, code, expires, now).await?;
    Ok((login, admission))
}

// A bind ticket's ends: bind an existing account, register a new one, or link the signed-in one.

/// The transactions a bind ticket can end with, run on a binder. The actor side implements them
/// (`AppState`), as it does [`CallbackSteps`].
pub trait TicketSteps: Sync {
    /// [`bind_existing`], on a binder.
    fn bind_existing(
        &self,
        ticket: BindTicket,
        user: users::Model,
        client: &ClientAddr,
    ) -> impl Future<Output = Result<(users::Model, social_bindings::Model), SocialLoginError>> + Send;

    /// [`register_and_bind`], on a binder.
    fn register_and_bind(
        &self,
        ticket: BindTicket,
        account: NewAccount,
        client: &ClientAddr,
    ) -> impl Future<Output = Result<users::Model, SocialLoginError>> + Send;
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

/// Bind the ticket's identity to an existing account proven by its password, and sign it in:
/// the captcha (as the policy says), then the ticket's pending identity (a dead ticket is refused
/// before any password is tried), then the password (throttled), then the binding on a binder.
#[tracing::instrument(skip_all, fields(provider = payload.ticket.provider.as_str()))]
pub async fn bind<S: TicketSteps>(
    deps: &TicketDeps<'_, S>,
    payload: TicketPayload,
    credentials: super::Credentials<'_>,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<SignedIn, SocialLoginError> {
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
    let (user, _) = deps
        .steps
        .bind_existing(payload.ticket, user, client)
        .await?;
    signed_in(deps.security, user, payload.next)
}

/// Link the ticket's identity to the signed-in `user` (the account page's "绑定": the provider's
/// login came back `bind_required` in this browser): the ticket's pending identity, then the
/// binding on a binder. No password: the session proves the account.
#[tracing::instrument(skip_all, fields(provider = payload.ticket.provider.as_str()))]
pub async fn link<S: TicketSteps>(
    deps: &TicketDeps<'_, S>,
    payload: TicketPayload,
    user: users::Model,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<social_bindings::Model, SocialLoginError> {
    pending_for_ticket(deps.db, &payload.ticket, now).await?;
    let (_, binding) = deps
        .steps
        .bind_existing(payload.ticket, user, client)
        .await?;
    Ok(binding)
}

/// A new account's form, parsed.
pub struct Registration<'a> {
    pub nickname: Nickname,
    pub mobile: Mobile,
    pub password: Password,
    /// The 6-digit `qq_register` code (the purpose of every provider's registration), as typed
    /// (trimmed).
    pub sms_code: &'a str,
}

/// Create an account for the ticket's identity and sign it in: the ticket's pending identity,
/// then the SMS code, then the password's hash (slow, outside any transaction), then the user and
/// its binding on a binder.
#[tracing::instrument(skip_all, fields(provider = payload.ticket.provider.as_str()))]
pub async fn register<S: TicketSteps>(
    deps: &TicketDeps<'_, S>,
    payload: TicketPayload,
    form: Registration<'_>,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<SignedIn, SocialLoginError> {
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
