//! `/api/admin`: the admin panel's API (staff only). A missing or bad token is 401 as everywhere;
//! a valid token of a non-staff user is 403 `forbidden` on every endpoint, checked before any
//! input. Every mutating call writes an audit entry (who, what, target, reason).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use crate::accounts::token_events::TokenEventKind;
use crate::admin::bindings::{
    self, BindingRow, BindingStatus, ListQuery, Position, SearchTerm, Sort, SortKey, TotalKind,
};
use crate::admin::{self as domain, Reason, stats};
use crate::api::ApiTags;
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::error::ApiError;
use crate::api::security::StaffAuth;
use crate::api::users::UserView;
use crate::fault::Fault;
use crate::jobs::{JobKind, JobState};
use crate::oauth::ProviderKind;
use crate::state::AppState;

pub struct AdminApi;

/// A binding's token status, computed at the time of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum BindingStatusView {
    /// Refresh ok and the token expires in more than 7 days.
    Fresh,
    /// Refresh ok and the token expires within 7 days.
    Expiring,
    /// Refresh ok but the token has expired (`token_expires_at <= now`).
    Expired,
    /// The refresher could not renew the token (`refresh_error` says why).
    RefreshFailed,
}

impl From<BindingStatus> for BindingStatusView {
    fn from(s: BindingStatus) -> Self {
        match s {
            BindingStatus::Fresh => Self::Fresh,
            BindingStatus::Expiring => Self::Expiring,
            BindingStatus::Expired => Self::Expired,
            BindingStatus::RefreshFailed => Self::RefreshFailed,
        }
    }
}

impl From<BindingStatusView> for BindingStatus {
    fn from(s: BindingStatusView) -> Self {
        match s {
            BindingStatusView::Fresh => Self::Fresh,
            BindingStatusView::Expiring => Self::Expiring,
            BindingStatusView::Expired => Self::Expired,
            BindingStatusView::RefreshFailed => Self::RefreshFailed,
        }
    }
}

/// Sort order of the bindings list; a leading `-` means descending. Each is served by an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum BindingSort {
    /// Newest bindings first (the default).
    #[oai(rename = "-bound_at")]
    BoundAtDesc,
    #[oai(rename = "bound_at")]
    BoundAt,
    /// Soonest token expiry first.
    #[oai(rename = "token_expires_at")]
    TokenExpiresAt,
    #[oai(rename = "-token_expires_at")]
    TokenExpiresAtDesc,
    /// Most recent QQ login first (a binding never used since it was made counts its bound time).
    #[oai(rename = "-last_login_at")]
    LastLoginAtDesc,
    #[oai(rename = "last_login_at")]
    LastLoginAt,
    /// QQ nickname, byte order.
    #[oai(rename = "qq_nickname")]
    QqNickname,
    #[oai(rename = "-qq_nickname")]
    QqNicknameDesc,
}

impl From<BindingSort> for Sort {
    fn from(s: BindingSort) -> Self {
        let (key, descending) = match s {
            BindingSort::BoundAtDesc => (SortKey::BoundAt, true),
            BindingSort::BoundAt => (SortKey::BoundAt, false),
            BindingSort::TokenExpiresAt => (SortKey::TokenExpiresAt, false),
            BindingSort::TokenExpiresAtDesc => (SortKey::TokenExpiresAt, true),
            BindingSort::LastLoginAtDesc => (SortKey::LastLoginAt, true),
            BindingSort::LastLoginAt => (SortKey::LastLoginAt, false),
            BindingSort::QqNickname => (SortKey::QqNickname, false),
            BindingSort::QqNicknameDesc => (SortKey::QqNickname, true),
        };
        Sort { key, descending }
    }
}

/// One row of the bindings list. Never a token; the openid only masked.
#[derive(Debug, Object)]
pub struct BindingSummary {
    /// The binding's id (path parameter of the detail, refresh and unbind endpoints).
    pub id: i64,
    /// Where the identity is: `qq`, `wechat` or `weibo`.
    pub provider: ProviderKind,
    /// The Renran account.
    pub user: UserView,
    /// The nickname at the provider (the name predates WeChat and Weibo).
    pub qq_nickname: String,
    /// The avatar URL at the provider; empty when none.
    pub qq_avatar: String,
    /// The subject at the provider (QQ/WeChat openid, Weibo uid), masked: `D5A3…E0B2`, first
    /// and last four characters.
    pub openid_masked: String,
    /// Whether a unionid is stored.
    pub has_unionid: bool,
    pub bound_at: DateTime<Utc>,
    /// The last login through this binding (the bind itself counts as one).
    #[oai(nullable)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub token_expires_at: DateTime<Utc>,
    pub status: BindingStatusView,
    /// Why the last refresh failed, when it did.
    #[oai(nullable)]
    pub refresh_error: Option<String>,
}

/// A row's provider (the column's check constraint allows only the three).
fn provider_of(row: &BindingRow) -> ProviderKind {
    ProviderKind::parse(&row.provider).unwrap_or(ProviderKind::Qq)
}

fn summary(row: &BindingRow, now: DateTime<Utc>) -> BindingSummary {
    BindingSummary {
        id: row.id,
        provider: provider_of(row),
        user: UserView {
            id: row.user_id,
            username: row.username.clone(),
            nickname: row.user_nickname.clone(),
            avatar: row.user_avatar.clone(),
        },
        qq_nickname: row.qq_nickname.clone(),
        qq_avatar: row.qq_avatar.clone(),
        openid_masked: row.openid_masked(),
        has_unionid: row.unionid.is_some(),
        bound_at: row.bound_at,
        last_login_at: row.last_login_at,
        token_expires_at: row.token_expires_at,
        status: row.status(now).into(),
        refresh_error: row.refresh_error.clone(),
    }
}

/// How `total` was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum TotalKindView {
    /// Counted exactly.
    Exact,
    /// The database's row estimate (the unfiltered list on PostgreSQL, over 10,000 rows).
    Estimate,
    /// More than 10,000 bindings match the filters; `total` is 10,000 (show "10,000+").
    AtLeast,
}

impl From<TotalKind> for TotalKindView {
    fn from(k: TotalKind) -> Self {
        match k {
            TotalKind::Exact => Self::Exact,
            TotalKind::Estimate => Self::Estimate,
            TotalKind::AtLeast => Self::AtLeast,
        }
    }
}

/// One page of bindings.
#[derive(Debug, Object)]
pub struct BindingPage {
    pub items: Vec<BindingSummary>,
    /// Pass as `cursor` for the next page (keyset: as fast at any depth); null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
    /// The page number served, when paging by number (null when a cursor was given).
    #[oai(nullable)]
    pub page: Option<u64>,
    pub per_page: u64,
    /// Matching bindings; see `total_kind`.
    pub total: i64,
    pub total_kind: TotalKindView,
}

/// What happened to a binding's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum TokenEventKindView {
    /// The binding was made (bind to an existing account, or register).
    Bound,
    /// A login through the binding stored fresh tokens.
    Login,
    /// The refresher renewed the access token.
    Refresh,
    /// The refresher could not renew it (`detail` says why).
    RefreshFailed,
}

impl From<TokenEventKind> for TokenEventKindView {
    fn from(k: TokenEventKind) -> Self {
        match k {
            TokenEventKind::Bound => Self::Bound,
            TokenEventKind::Login => Self::Login,
            TokenEventKind::Refresh => Self::Refresh,
            TokenEventKind::RefreshFailed => Self::RefreshFailed,
        }
    }
}

/// One event of a binding's token history.
#[derive(Debug, Object)]
pub struct TokenEventView {
    pub id: i64,
    pub kind: TokenEventKindView,
    pub at: DateTime<Utc>,
    /// For people: the new expiry, an error text. Never a token.
    #[oai(nullable)]
    pub detail: Option<String>,
    /// The access token's new expiry, when the event set one (structured `detail`).
    #[oai(nullable)]
    pub token_expires_at: Option<DateTime<Utc>>,
    /// The event in Chinese, times in Beijing time with the zone named, for the panel.
    pub summary: String,
}

/// The expiry the login and refresh paths write into `detail` (`token expires <RFC 3339>`,
/// `new token valid until YYYY-MM-DD HH:MM UTC`).
fn expiry_in(detail: &str) -> Option<DateTime<Utc>> {
    if let Some(rest) = detail.strip_prefix("token expires ") {
        return DateTime::parse_from_rfc3339(rest.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc));
    }
    let rest = detail.strip_prefix("new token valid until ")?;
    chrono::NaiveDateTime::parse_from_str(rest.trim().trim_end_matches(" UTC"), "%Y-%m-%d %H:%M")
        .ok()
        .map(|t| t.and_utc())
}

/// Fails only for a kind the code never writes. `provider`: the binding's, named in the summary.
fn token_event_view(
    e: domain::bindings::TokenEvent,
    provider: ProviderKind,
) -> Result<TokenEventView, Fault> {
    let kind = TokenEventKind::parse(&e.kind)
        .ok_or_else(|| Fault::Internal(format!("token event {} has kind {:?}", e.id, e.kind)))?;
    let expires = e.detail.as_deref().and_then(expiry_in);
    let until = expires
        .map(|t| {
            format!(
                "，{}",
                provider.say(&format!(
                    "{{p}}令牌有效期至 {}",
                    crate::accounts::notices::beijing_time(t)
                ))
            )
        })
        .unwrap_or_default();
    let summary = match kind {
        TokenEventKind::Bound => format!("{}{until}", provider.say("绑定{p}")),
        TokenEventKind::Login => format!("{}{until}", provider.say("{p}登录")),
        TokenEventKind::Refresh => format!("令牌已刷新{until}"),
        TokenEventKind::RefreshFailed => format!(
            "令牌刷新失败：{}",
            e.detail.as_deref().unwrap_or("原因未知")
        ),
    };
    Ok(TokenEventView {
        id: e.id,
        kind: kind.into(),
        at: e.at,
        detail: e.detail,
        token_expires_at: expires,
        summary,
    })
}

/// Who did an audited action.
#[derive(Debug, Object)]
pub struct AuditActor {
    pub id: i64,
    /// Null when the account no longer exists.
    #[oai(nullable)]
    pub username: Option<String>,
}

/// An audit log entry.
#[derive(Debug, Object)]
pub struct AuditEntryView {
    pub id: i64,
    pub action: AuditActionView,
    /// Null for the system or an actor since deleted.
    #[oai(nullable)]
    pub actor: Option<AuditActor>,
    #[oai(nullable)]
    pub reason: Option<String>,
    /// Action-specific facts (masked identifiers only).
    #[oai(nullable)]
    pub details: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<crate::audit::Entry> for AuditEntryView {
    type Error = Fault;

    fn try_from(e: crate::audit::Entry) -> Result<Self, Fault> {
        Ok(Self {
            id: e.id,
            action: AuditActionView::parse(&e.action)?,
            actor: e.actor_user_id.map(|id| AuditActor {
                id,
                username: e.actor_username,
            }),
            reason: e.reason,
            details: e.details,
            created_at: e.created_at,
        })
    }
}

/// The drawer: everything about one binding except its tokens.
#[derive(Debug, Object)]
pub struct BindingDetail {
    #[oai(flatten)]
    pub summary: BindingSummary,
    /// The whole openid (only here, never in the list).
    pub openid: String,
    #[oai(nullable)]
    pub unionid: Option<String>,
    /// Bumped on each token rotation.
    pub token_version: i64,
    #[oai(nullable)]
    pub last_refreshed_at: Option<DateTime<Utc>>,
    /// Newest first, at most 100.
    pub token_events: Vec<TokenEventView>,
    /// Audit entries about this binding, newest first, at most 100.
    pub audit: Vec<AuditEntryView>,
}

#[derive(Debug, Object)]
pub struct RefreshQueuedView {
    /// The live refresh job of this binding.
    pub job_id: i64,
    /// A refresh was already queued; no second job was added.
    pub already_queued: bool,
}

#[derive(ApiResponse)]
pub enum RefreshResponse {
    /// A refresh job is queued (the refresher does the work).
    #[oai(status = 202)]
    Queued(Json<RefreshQueuedView>),
}

#[derive(ApiResponse)]
pub enum UnbindResponse {
    /// Unbound (the binding is deleted; the account stays).
    #[oai(status = 204)]
    Unbound,
}

/// A job's states, for the `state` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum JobStateView {
    Available,
    Running,
    Retryable,
    Completed,
    /// Gave up after its last attempt (a "dead" job).
    Discarded,
}

impl From<JobStateView> for JobState {
    fn from(s: JobStateView) -> Self {
        match s {
            JobStateView::Available => Self::Available,
            JobStateView::Running => Self::Running,
            JobStateView::Retryable => Self::Retryable,
            JobStateView::Completed => Self::Completed,
            JobStateView::Discarded => Self::Discarded,
        }
    }
}

impl From<JobState> for JobStateView {
    fn from(s: JobState) -> Self {
        match s {
            JobState::Available => Self::Available,
            JobState::Running => Self::Running,
            JobState::Retryable => Self::Retryable,
            JobState::Completed => Self::Completed,
            JobState::Discarded => Self::Discarded,
        }
    }
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum JobKindView {
    Mail,
    Sms,
    QqTokenRefresh,
    PasswordResetRequest,
    SmsCodeRequest,
    /// The QQ unionid back-fill (`POST /api/admin/qq/unionid-backfill`).
    QqUnionidBackfill,
    /// Refresh one WeChat binding's access token.
    WechatTokenRefresh,
}

impl From<JobKind> for JobKindView {
    fn from(k: JobKind) -> Self {
        match k {
            JobKind::Mail => Self::Mail,
            JobKind::Sms => Self::Sms,
            JobKind::QqTokenRefresh => Self::QqTokenRefresh,
            JobKind::PasswordResetRequest => Self::PasswordResetRequest,
            JobKind::SmsCodeRequest => Self::SmsCodeRequest,
            JobKind::QqUnionidBackfill => Self::QqUnionidBackfill,
            JobKind::WechatTokenRefresh => Self::WechatTokenRefresh,
        }
    }
}

/// What staff did, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum AuditActionView {
    #[oai(rename = "qq_binding.refresh")]
    QqBindingRefresh,
    #[oai(rename = "qq_binding.unbind")]
    QqBindingUnbind,
    #[oai(rename = "job.retry")]
    JobRetry,
    #[oai(rename = "user.lock")]
    UserLock,
    #[oai(rename = "user.unlock")]
    UserUnlock,
    #[oai(rename = "user.force_password_reset")]
    UserForcePasswordReset,
    /// An admin asked for a QQ unionid back-fill (details: the job, whether one was running).
    #[oai(rename = "qq_unionid.backfill")]
    QqUnionidBackfill,
    /// A QQ unionid back-fill ended (details: the job, outcome, counts); the actor is the admin
    /// who asked for it.
    #[oai(rename = "qq_unionid.backfill_finished")]
    QqUnionidBackfillFinished,
}

impl AuditActionView {
    const ALL: [(Self, &'static str); 8] = [
        (Self::QqBindingRefresh, "qq_binding.refresh"),
        (Self::QqBindingUnbind, "qq_binding.unbind"),
        (Self::JobRetry, "job.retry"),
        (Self::UserLock, "user.lock"),
        (Self::UserUnlock, "user.unlock"),
        (Self::UserForcePasswordReset, "user.force_password_reset"),
        (Self::QqUnionidBackfill, "qq_unionid.backfill"),
        (
            Self::QqUnionidBackfillFinished,
            "qq_unionid.backfill_finished",
        ),
    ];

    fn parse(text: &str) -> Result<Self, Fault> {
        Self::ALL
            .iter()
            .find(|a| a.1 == text)
            .map(|a| a.0)
            .ok_or_else(|| Fault::Internal(format!("unknown audit action {text:?}")))
    }
}

/// A job, without its payload (which may hold a reset link).
#[derive(Debug, Object)]
pub struct JobView {
    pub id: i64,
    pub kind: JobKindView,
    pub queue: String,
    pub state: JobStateView,
    /// Attempts made so far.
    pub attempt: i32,
    pub max_attempts: i32,
    /// When it runs (next).
    pub run_at: DateTime<Utc>,
    #[oai(nullable)]
    pub last_error: Option<String>,
    /// For `qq_token_refresh` and `wechat_token_refresh`: the binding it refreshes.
    #[oai(nullable)]
    pub binding_id: Option<i64>,
    /// What the job is for, in Chinese, never a secret: whose mail (masked email), which SMS
    /// (masked mobile), which binding's refresh (id and masked openid).
    #[oai(nullable)]
    pub subject: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[oai(nullable)]
    pub finished_at: Option<DateTime<Utc>>,
}

impl TryFrom<domain::jobs::JobEntry> for JobView {
    type Error = Fault;

    /// Fails only for a row the schema and the code would never write (an unknown kind or state).
    fn try_from(entry: domain::jobs::JobEntry) -> Result<Self, Fault> {
        let j = &entry.row;
        let unknown =
            |what: &str, v: &str| Fault::Internal(format!("job {} has {what} {v:?}", j.id));
        Ok(Self {
            id: j.id,
            kind: JobKind::parse(&j.kind)
                .ok_or_else(|| unknown("kind", &j.kind))?
                .into(),
            queue: j.queue.clone(),
            state: JobState::parse(&j.state)
                .ok_or_else(|| unknown("state", &j.state))?
                .into(),
            attempt: j.attempt,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            last_error: j.last_error.clone(),
            binding_id: domain::jobs::binding_id(j),
            subject: entry.subject,
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        })
    }
}

/// How many jobs are in each state.
#[derive(Debug, Object)]
pub struct JobCounts {
    pub available: i64,
    pub running: i64,
    pub retryable: i64,
    pub completed: i64,
    pub discarded: i64,
}

#[derive(Debug, Object)]
pub struct JobPage {
    pub counts: JobCounts,
    /// Newest first.
    pub items: Vec<JobView>,
    pub page: u64,
    pub per_page: u64,
}

/// One provider's share of a day.
#[derive(Debug, Object)]
pub struct ProviderDayStats {
    /// Successful sign-ins at this provider: returning users plus first logins that ended in a
    /// new binding.
    pub logins: i64,
    /// Bindings of this provider made that day (still counted after an unbind).
    pub new_bindings: i64,
}

impl From<stats::Counts> for ProviderDayStats {
    fn from(c: stats::Counts) -> Self {
        Self {
            logins: c.logins,
            new_bindings: c.new_bindings,
        }
    }
}

/// A day's counts per provider.
#[derive(Debug, Object)]
pub struct DayByProvider {
    pub qq: ProviderDayStats,
    pub wechat: ProviderDayStats,
    pub weibo: ProviderDayStats,
}

/// One day (Beijing time) of the dashboard chart.
#[derive(Debug, Object)]
pub struct DayStats {
    /// `YYYY-MM-DD` (Beijing time).
    pub date: String,
    /// Successful social sign-ins at every provider: returning users plus first logins that
    /// ended in a new binding (`by_provider` splits them).
    pub logins: i64,
    /// Bindings made that day at every provider (still counted after an unbind).
    pub new_bindings: i64,
    /// The same counts per provider.
    pub by_provider: DayByProvider,
}

#[derive(Debug, Object)]
pub struct DailyStats {
    /// Oldest first, one entry per day, today (Beijing time) last.
    pub days: Vec<DayStats>,
    /// The zone the days are counted in: `Asia/Shanghai` (UTC+8), as the dashboard's "今日".
    pub time_zone: String,
}

operation_errors! {
    /// `adminListBindings`
    pub AdminListBindingsError(Gate::Staff, input) {
        400 => [invalid_page, invalid_per_page, invalid_cursor, query_too_long],
    }

    /// `adminGetBinding`
    pub AdminGetBindingError(Gate::Staff, input) {
        404 => [binding_not_found],
    }

    /// `adminRefreshBinding`
    pub AdminRefreshBindingError(Gate::Staff, input) {
        404 => [binding_not_found],
        409 => [binding_not_refreshable],
    }

    /// `adminUnbindBinding`
    pub AdminUnbindBindingError(Gate::Staff, input) {
        400 => [reason_required, reason_too_long],
        404 => [binding_not_found],
    }

    /// `adminListJobs`
    pub AdminListJobsError(Gate::Staff, input) {
        400 => [invalid_page, invalid_per_page],
    }

    /// `adminRetryJob`
    pub AdminRetryJobError(Gate::Staff, input) {
        404 => [job_not_found],
        409 => [job_not_retryable, job_conflict],
    }

    /// `adminDailyStats`
    pub AdminDailyStatsError(Gate::Staff, input) {
        400 => [invalid_days],
    }

    /// `adminStartUnionidBackfill`
    pub AdminStartUnionidBackfillError(Gate::Staff, no_input) {}

    /// `adminGetUnionidBackfill`
    pub AdminGetUnionidBackfillError(Gate::Staff, no_input) {}
}

/// How a QQ unionid back-fill run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum UnionidBackfillState {
    /// Waiting for a worker.
    Queued,
    /// Walking the bindings (`counts` grow after each page of 200).
    Running,
    /// Stopped by a database error; runs again after a backoff, resuming where it stopped.
    Retrying,
    /// Every binding without a unionid was looked at.
    Completed,
    /// QQ has not granted the app the unionid permission (QQ 100048); `message` says what to
    /// do. Nothing was changed.
    NotPermitted,
    /// QQ refused the app's credentials; `message` says what to do.
    Misconfigured,
    /// Gave up after its last attempt (`last_error` says why).
    Failed,
}

/// What a run did so far, binding by binding.
#[derive(Debug, Object)]
pub struct UnionidBackfillCounts {
    /// Bindings without a unionid looked at.
    pub scanned: u64,
    /// Unionids stored.
    pub filled: u64,
    /// Skipped: the stored access token has expired (filled at the user's next QQ login).
    pub expired: u64,
    /// Skipped: QQ refused the stored access token (filled at the user's next QQ login).
    pub refused: u64,
    /// Skipped: another binding already holds this unionid (left for an admin to sort out).
    pub conflicts: u64,
    /// Skipped: QQ answered for another openid than the binding's.
    pub mismatched: u64,
    /// Skipped: QQ failed; a new run retries them.
    pub failed: u64,
    /// The highest binding id looked at.
    pub last_id: i64,
}

impl From<crate::accounts::unionid_backfill::BackfillReport> for UnionidBackfillCounts {
    fn from(r: crate::accounts::unionid_backfill::BackfillReport) -> Self {
        Self {
            scanned: r.scanned,
            filled: r.filled,
            expired: r.expired,
            refused: r.refused,
            conflicts: r.conflicts,
            mismatched: r.mismatched,
            failed: r.failed,
            last_id: r.last_id,
        }
    }
}

/// One QQ unionid back-fill run.
#[derive(Debug, Object)]
pub struct UnionidBackfillRun {
    /// Its job (see the job queue).
    pub job_id: i64,
    pub state: UnionidBackfillState,
    /// The admin who asked for it.
    pub requested_by: AuditActor,
    pub queued_at: DateTime<Utc>,
    #[oai(nullable)]
    pub started_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Zero until it starts; growing while it runs.
    pub counts: UnionidBackfillCounts,
    /// Why it ended early, in Chinese, fit to show (`not_permitted`, `misconfigured`).
    #[oai(nullable)]
    pub message: Option<String>,
    /// The job's last error, for developers (`retrying`, `failed`).
    #[oai(nullable)]
    pub last_error: Option<String>,
}

/// The latest back-fill run, for the panel.
#[derive(Debug, Object)]
pub struct UnionidBackfillStatus {
    /// Null when no run was ever made.
    #[oai(nullable)]
    pub latest: Option<UnionidBackfillRun>,
}

#[derive(Debug, Object)]
pub struct UnionidBackfillStarted {
    /// The live run's job.
    pub job_id: i64,
    /// A run was already queued or running (another click, another admin): that one is
    /// answered and no second run was started.
    pub already_running: bool,
    pub run: UnionidBackfillRun,
}

#[derive(ApiResponse)]
pub enum UnionidBackfillResponse {
    /// A run is queued or was already live (`already_running`); poll the GET for its progress.
    #[oai(status = 202)]
    Queued(Json<UnionidBackfillStarted>),
}

fn backfill_state(run: &domain::unionid_backfill::Run) -> UnionidBackfillState {
    use crate::accounts::unionid_backfill::RunOutcome;
    use UnionidBackfillState as S;
    match run.record.as_ref().map(|r| r.outcome) {
        Some(RunOutcome::Completed) => return S::Completed,
        Some(RunOutcome::NotPermitted) => return S::NotPermitted,
        Some(RunOutcome::Misconfigured) => return S::Misconfigured,
        Some(RunOutcome::Running) | None => {}
    }
    match run.job_state {
        Some(JobState::Available) => S::Queued,
        Some(JobState::Running) => S::Running,
        Some(JobState::Retryable) => S::Retrying,
        Some(JobState::Discarded) => S::Failed,
        Some(JobState::Completed) | None => S::Completed,
    }
}

async fn backfill_run_view(
    db: &sea_orm::DatabaseConnection,
    run: domain::unionid_backfill::Run,
) -> Result<UnionidBackfillRun, Fault> {
    use sea_orm::EntityTrait;
    let username = crate::entities::users::Entity::find_by_id(run.requested_by)
        .one(db)
        .await?
        .map(|u| u.username);
    Ok(UnionidBackfillRun {
        job_id: run.job_id,
        state: backfill_state(&run),
        requested_by: AuditActor {
            id: run.requested_by,
            username,
        },
        queued_at: run.queued_at,
        started_at: run.record.as_ref().map(|r| r.started_at),
        finished_at: run.finished_at,
        counts: run
            .record
            .as_ref()
            .map(|r| r.report)
            .unwrap_or_default()
            .into(),
        message: run.record.and_then(|r| r.message),
        last_error: run.last_error,
    })
}

/// The deepest numbered page served. Deeper offsets only scan for nothing (and an unbounded page
/// times `per_page` overflowed the offset); the bindings list has a cursor for going further.
pub const MAX_PAGE: u64 = 1_000_000;

pub(crate) fn invalid_page() -> ApiError {
    ApiError::bad_request("invalid_page", &format!("页码须在 1 到 {MAX_PAGE} 之间"))
}

fn per_page_refused(max: u64) -> ApiError {
    ApiError::bad_request("invalid_per_page", &format!("每页条数须在 1 到 {max} 之间"))
}

/// `per_page` refused by its validator, whose text (`maximum(100, exclusive: false)`,
/// `minimum(1, …)`) names the operation's bound.
pub(crate) fn invalid_per_page(validator: &str) -> ApiError {
    let max = validator
        .strip_prefix("maximum(")
        .and_then(|rest| rest.split([',', ')']).next())
        .and_then(|n| n.trim().parse::<f64>().ok())
        .map(|n| n as u64);
    match max {
        Some(max) => per_page_refused(max),
        None => ApiError::bad_request("invalid_per_page", "每页条数至少为 1"),
    }
}

pub(crate) fn invalid_days() -> ApiError {
    ApiError::bad_request("invalid_days", "天数须在 1 到 90 之间")
}

pub(crate) fn page_number(page: Option<u64>) -> Result<u64, ApiError> {
    match page {
        None => Ok(1),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(invalid_page()),
    }
}

pub(crate) fn per_page_of(per_page: Option<u64>, default: u64, max: u64) -> Result<u64, ApiError> {
    match per_page {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(per_page_refused(max)),
    }
}

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::Admin")]
impl AdminApi {
    /// List bindings / 查询 QQ、微信、微博绑定列表（仅管理员）
    ///
    /// QQ, WeChat and Weibo bindings, searched, filtered, sorted and paged (staff only).
    ///
    /// `provider` keeps one provider's bindings (all when absent). `q` matches an exact openid
    /// (Weibo: uid) or unionid, or a prefix (case-sensitive) of the username, the user's
    /// nickname or the nickname at the provider. `status`: `fresh` (refresh ok, token expires in more
    /// than 7 days), `expiring` (refresh ok, expires within 7 days), `expired` (refresh ok,
    /// `token_expires_at <= now`), `refresh_failed` (the refresher gave up). Paging: pass the
    /// previous answer's `next_cursor` as `cursor` (keyset, equally fast at any depth), or
    /// `page` (1-based) with `per_page` (1–100, default 20); a cursor wins over `page`.
    #[oai(path = "/bindings", method = "get", operation_id = "adminListBindings")]
    #[allow(clippy::too_many_arguments)]
    async fn list_bindings(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        /// Only this provider's bindings; all when absent.
        provider: Query<Option<ProviderKind>>,
        /// Search: openid, unionid (exact), username, nickname or QQ nickname (prefix).
        #[oai(validator(max_length = 128))]
        q: Query<Option<String>>,
        /// Token status filter.
        status: Query<Option<BindingStatusView>>,
        /// Sort order, default `-bound_at`.
        sort: Query<Option<BindingSort>>,
        /// 1-based page number, 1–1000000 (ignored when `cursor` is given).
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// Rows per page, 1–100, default 20.
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u64>>,
        /// `next_cursor` of the previous page, for the same `provider`, `q`, `status` and `sort`.
        cursor: Query<Option<String>>,
    ) -> Result<Json<BindingPage>, OpError<AdminListBindingsError>> {
        let sort: Sort = sort.0.map(Sort::from).unwrap_or_default();
        let per_page = per_page_of(
            per_page.0,
            bindings::DEFAULT_PER_PAGE,
            bindings::MAX_PER_PAGE,
        )?;
        let position = match cursor.0.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => Position::After(bindings::Cursor::decode(c)?),
            None => Position::Page(page_number(page.0)?),
        };
        let page_served = match position {
            Position::Page(n) => Some(n),
            Position::After(_) => None,
        };
        let query = ListQuery {
            provider: provider.0,
            search: SearchTerm::parse(q.0.as_deref())?,
            status: status.0.map(BindingStatus::from),
            sort,
            position,
            per_page,
        };
        let now = Utc::now();
        let result = bindings::list(&state.db, &query, now).await?;
        Ok(Json(BindingPage {
            items: result.rows.iter().map(|r| summary(r, now)).collect(),
            next_cursor: result.next_cursor,
            page: page_served,
            per_page,
            total: result.total,
            total_kind: result.total_kind.into(),
        }))
    }

    /// One binding / 查看绑定详情（仅管理员）
    ///
    /// One binding with its whole openid, token history and audit entries (never its tokens).
    #[oai(
        path = "/bindings/:id",
        method = "get",
        operation_id = "adminGetBinding"
    )]
    async fn get_binding(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        id: Path<i64>,
    ) -> Result<Json<BindingDetail>, OpError<AdminGetBindingError>> {
        let now = Utc::now();
        let detail = bindings::detail(&state.db, id.0).await?;
        let provider = provider_of(&detail.row);
        Ok(Json(BindingDetail {
            summary: summary(&detail.row, now),
            openid: detail.row.openid.clone(),
            unionid: detail.row.unionid.clone(),
            token_version: detail.row.token_version,
            last_refreshed_at: detail.row.last_refreshed_at,
            token_events: detail
                .events
                .into_iter()
                .map(|e| token_event_view(e, provider))
                .collect::<Result<_, _>>()?,
            audit: detail
                .audit
                .into_iter()
                .map(AuditEntryView::try_from)
                .collect::<Result<_, _>>()?,
        }))
    }

    /// Refresh a binding's token now / 立即刷新令牌（仅管理员）
    ///
    /// Refresh the binding's token now through its provider (QQ, WeChat): queues a refresh job
    /// (at most one live job per binding; asking again returns the queued one). Audited as
    /// `qq_binding.refresh`. Weibo has no refresh grant for websites: 409
    /// `binding_not_refreshable` (its token is renewed at the user's next Weibo login).
    #[oai(
        path = "/bindings/:id/refresh",
        method = "post",
        operation_id = "adminRefreshBinding"
    )]
    async fn refresh_binding(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
    ) -> Result<RefreshResponse, OpError<AdminRefreshBindingError>> {
        let admin = auth.0;
        let queued = bindings::refresh_now(&state.db, admin.id, id.0, Utc::now()).await?;
        Ok(RefreshResponse::Queued(Json(RefreshQueuedView {
            job_id: queued.job_id,
            already_queued: queued.already_queued,
        })))
    }

    /// Unbind a binding / 解除绑定（须填原因，记入审计，仅管理员）
    ///
    /// Unbind: delete the binding (the account stays). `reason` is required (400
    /// `reason_required` when missing or blank); audited as `qq_binding.unbind` with it.
    #[oai(
        path = "/bindings/:id",
        method = "delete",
        operation_id = "adminUnbindBinding"
    )]
    async fn unbind_binding(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
        /// Why (required, 1–500 characters); kept in the audit log.
        #[oai(validator(pattern = r"\S", max_length = 500))]
        reason: Query<Option<String>>,
    ) -> Result<UnbindResponse, OpError<AdminUnbindBindingError>> {
        let admin = auth.0;
        let reason = Reason::parse(reason.0.as_deref())?;
        bindings::unbind(
            &state.db,
            &state.settings.public_base_url,
            admin.id,
            id.0,
            &reason,
            Utc::now(),
        )
        .await?;
        Ok(UnbindResponse::Unbound)
    }

    /// The job queue / 查看任务队列（仅管理员）
    ///
    /// The job queue: counts by state, and the newest jobs (of one `state`, or all) with their
    /// last error. Payloads are not shown.
    #[oai(path = "/jobs", method = "get", operation_id = "adminListJobs")]
    async fn list_jobs(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        /// Only jobs in this state.
        #[oai(name = "state")]
        job_state: Query<Option<JobStateView>>,
        /// 1-based page number, 1–1000000.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// Rows per page, 1–200, default 50.
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        per_page: Query<Option<u64>>,
    ) -> Result<Json<JobPage>, OpError<AdminListJobsError>> {
        let page = page_number(page.0)?;
        let per_page = per_page_of(
            per_page.0,
            domain::jobs::DEFAULT_PER_PAGE,
            domain::jobs::MAX_PER_PAGE,
        )?;
        let result = domain::jobs::list(
            &state.db,
            &state.security.cipher,
            job_state.0.map(JobState::from),
            page,
            per_page,
        )
        .await?;
        let count = |s: JobState| result.counts.get(&s).copied().unwrap_or(0);
        Ok(Json(JobPage {
            counts: JobCounts {
                available: count(JobState::Available),
                running: count(JobState::Running),
                retryable: count(JobState::Retryable),
                completed: count(JobState::Completed),
                discarded: count(JobState::Discarded),
            },
            items: result
                .jobs
                .into_iter()
                .map(JobView::try_from)
                .collect::<Result<_, Fault>>()?,
            page,
            per_page,
        }))
    }

    /// Retry a job / 重试任务（仅管理员）
    ///
    /// Put a discarded or retryable job back in the queue now with fresh attempts. Audited as
    /// `job.retry`.
    #[oai(
        path = "/jobs/:id/retry",
        method = "post",
        operation_id = "adminRetryJob"
    )]
    async fn retry_job(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
    ) -> Result<Json<JobView>, OpError<AdminRetryJobError>> {
        let admin = auth.0;
        let job = domain::jobs::retry(
            &state.db,
            &state.security.cipher,
            admin.id,
            id.0,
            Utc::now(),
        )
        .await?;
        Ok(Json(JobView::try_from(job)?))
    }

    /// Start a QQ unionid back-fill / 补全 QQ unionid（后台任务，仅管理员）
    ///
    /// Queue one background run of the QQ unionid back-fill (as `passport qq backfill-unionid`
    /// at its default rate): bindings without a unionid get the one QQ reports for their stored
    /// access token. At most one run is live: while one is queued or running, asking again
    /// (another click, another admin) answers that run with `already_running: true` instead of
    /// starting a second. Audited as `qq_unionid.backfill`; the run's end as
    /// `qq_unionid.backfill_finished` with its counts. An app without QQ's unionid permission
    /// ends the run as `not_permitted` with a Chinese `message`.
    #[oai(
        path = "/qq/unionid-backfill",
        method = "post",
        operation_id = "adminStartUnionidBackfill"
    )]
    async fn start_unionid_backfill(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
    ) -> Result<UnionidBackfillResponse, OpError<AdminStartUnionidBackfillError>> {
        let admin = auth.0;
        let started = domain::unionid_backfill::start(&state.db, admin.id, Utc::now()).await?;
        let run = domain::unionid_backfill::latest(&state.db)
            .await?
            .filter(|run| run.job_id == started.job_id)
            .ok_or_else(|| Fault::Internal("the queued back-fill job vanished".into()))?;
        Ok(UnionidBackfillResponse::Queued(Json(
            UnionidBackfillStarted {
                job_id: started.job_id,
                already_running: started.already_running,
                run: backfill_run_view(&state.db, run).await?,
            },
        )))
    }

    /// The latest QQ unionid back-fill / 查看最近一次 unionid 补全（仅管理员）
    ///
    /// The latest run of the QQ unionid back-fill: its state, counts so far (updated after each
    /// page while it runs), when it was queued, started and finished; `latest` is null when no
    /// run was ever made.
    #[oai(
        path = "/qq/unionid-backfill",
        method = "get",
        operation_id = "adminGetUnionidBackfill"
    )]
    async fn get_unionid_backfill(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
    ) -> Result<Json<UnionidBackfillStatus>, OpError<AdminGetUnionidBackfillError>> {
        let latest = match domain::unionid_backfill::latest(&state.db).await? {
            Some(run) => Some(backfill_run_view(&state.db, run).await?),
            None => None,
        };
        Ok(Json(UnionidBackfillStatus { latest }))
    }

    /// Daily statistics / 每日统计：各渠道登录与新增绑定（仅管理员）
    ///
    /// Social sign-ins and new bindings per Beijing-time day, in total and per provider (QQ,
    /// WeChat, Weibo), for the last `days` days (1–90, default 30), today included.
    #[oai(
        path = "/stats/daily",
        method = "get",
        operation_id = "adminDailyStats"
    )]
    async fn daily_stats(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        /// How many days, 1–90, default 30.
        #[oai(validator(minimum(value = "1"), maximum(value = "90")))]
        days: Query<Option<u32>>,
    ) -> Result<Json<DailyStats>, OpError<AdminDailyStatsError>> {
        let days = match days.0 {
            None => stats::DEFAULT_DAYS,
            Some(n) if (1..=stats::MAX_DAYS).contains(&n) => n,
            Some(_) => {
                return Err(invalid_days().into());
            }
        };
        let days = stats::daily(&state.db, days, Utc::now()).await?;
        Ok(Json(DailyStats {
            time_zone: stats::TIME_ZONE.to_owned(),
            days: days
                .into_iter()
                .map(|d| DayStats {
                    date: d.date.format("%Y-%m-%d").to_string(),
                    logins: d.logins,
                    new_bindings: d.new_bindings,
                    by_provider: DayByProvider {
                        qq: d.of(ProviderKind::Qq).into(),
                        wechat: d.of(ProviderKind::Wechat).into(),
                        weibo: d.of(ProviderKind::Weibo).into(),
                    },
                })
                .collect(),
        }))
    }
}
