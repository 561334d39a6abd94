//! The bindings list (QQ, WeChat and Weibo, filtered by provider or all), the drawer,
//! refresh-now and unbind.
//!
//! The list pages by keyset (an opaque cursor carrying the last row's sort key and id) on an
//! index `(sort key, id)` for every offered sort, so page N+1 costs what page 1 costs. Numbered
//! pages are served too (`page`/`per_page`): the offset is applied to an id-only scan of the same
//! index, and only the page's rows are then joined with their users (a "deferred join"), which
//! keeps deep pages cheap but still linear in the offset.
//!
//! Status, always computed against the time of the request:
//! - `refresh_failed`: the refresher gave up (`refresh_status = 'refresh_failed'`);
//! - `expired`: refresh ok and `token_expires_at <= now`;
//! - `expiring`: refresh ok and `now < token_expires_at <= now + 7 days`;
//! - `fresh`: refresh ok and `token_expires_at > now + 7 days`.
//!
//! Each is a range on the index `(refresh_status, token_expires_at)`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryResult, Statement,
    TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};

use super::{AdminError, Reason};
use crate::accounts::bindings::delete_binding;
use crate::accounts::notices::{self, Change, UnboundBy};
use crate::audit::{self, Action};
use crate::domain::open_id::mask as mask_openid;
use crate::entities::{social_bindings, users};
use crate::jobs::{self, Enqueued, NewJob};
use crate::oauth::ProviderKind;

/// A token expiring within this is `expiring`.
pub const EXPIRING_WITHIN: chrono::Duration = chrono::Duration::days(7);
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// Matching rows counted exactly up to this many; beyond, `total` is a lower bound or estimate.
pub const COUNT_CAP: i64 = 10_000;
/// Longest search term (characters).
pub const MAX_QUERY_CHARS: usize = 128;
/// Entries of token history and audit log the drawer shows.
pub const DRAWER_LIMIT: u64 = 100;

/// A binding's token status (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingStatus {
    Fresh,
    Expiring,
    Expired,
    RefreshFailed,
}

impl BindingStatus {
    pub fn of(refresh_status: &str, token_expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if refresh_status == "refresh_failed" {
            Self::RefreshFailed
        } else if token_expires_at <= now {
            Self::Expired
        } else if token_expires_at <= now + EXPIRING_WITHIN {
            Self::Expiring
        } else {
            Self::Fresh
        }
    }
}

/// What the list can be sorted by; each has an index `(key, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[serde(rename = "b")]
    BoundAt,
    #[serde(rename = "t")]
    TokenExpiresAt,
    /// The last QQ login; a binding never logged in since it was made counts its bound time.
    #[serde(rename = "l")]
    LastLoginAt,
    #[serde(rename = "n")]
    QqNickname,
}

impl SortKey {
    fn expr(self) -> &'static str {
        match self {
            // Spelled as in the migration's expression index, so both planners match it.
            SortKey::LastLoginAt => "COALESCE(b.last_login_at, b.bound_at)",
            SortKey::BoundAt => "b.bound_at",
            SortKey::TokenExpiresAt => "b.token_expires_at",
            SortKey::QqNickname => "b.nickname",
        }
    }

    fn key_of(self, row: &BindingRow) -> KeyValue {
        match self {
            SortKey::BoundAt => KeyValue::Time(row.bound_at),
            SortKey::TokenExpiresAt => KeyValue::Time(row.token_expires_at),
            SortKey::LastLoginAt => KeyValue::Time(row.last_login_at.unwrap_or(row.bound_at)),
            SortKey::QqNickname => KeyValue::Text(row.qq_nickname.clone()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    #[serde(rename = "k")]
    pub key: SortKey,
    #[serde(rename = "d")]
    pub descending: bool,
}

impl Default for Sort {
    /// Newest bindings first.
    fn default() -> Self {
        Self {
            key: SortKey::BoundAt,
            descending: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum KeyValue {
    Time(DateTime<Utc>),
    Text(String),
}

impl KeyValue {
    fn value(&self) -> Value {
        match self {
            KeyValue::Time(t) => Value::from(*t),
            KeyValue::Text(s) => Value::from(s.as_str()),
        }
    }
}

/// Where the next page starts: after this row, in this sort. Opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "s")]
    sort: Sort,
    #[serde(rename = "v")]
    key: KeyValue,
    #[serde(rename = "i")]
    id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        // Serializing plain data to JSON cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(text: &str) -> Result<Self, AdminError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| AdminError::InvalidCursor)?;
        let cursor: Self = serde_json::from_slice(&bytes).map_err(|_| AdminError::InvalidCursor)?;
        // A time key needs a time sort and a text key a text sort.
        let consistent = matches!(
            (cursor.sort.key, &cursor.key),
            (SortKey::QqNickname, KeyValue::Text(_))
                | (
                    SortKey::BoundAt | SortKey::TokenExpiresAt | SortKey::LastLoginAt,
                    KeyValue::Time(_)
                )
        );
        if consistent {
            Ok(cursor)
        } else {
            Err(AdminError::InvalidCursor)
        }
    }
}

/// A search term: exact openid or unionid, or a prefix of the username, the user's nickname or
/// the QQ nickname (case-sensitive; each an index range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerm(String);

impl SearchTerm {
    /// `None` for an empty or blank term.
    pub fn parse(text: Option<&str>) -> Result<Option<Self>, AdminError> {
        let text = text.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(AdminError::QueryTooLong);
        }
        Ok(Some(Self(text.to_owned())))
    }

    /// The term as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first string after every string that starts with the term (byte order, which is
    /// SQLite's BINARY collation and PostgreSQL's C collation).
    fn upper_bound(&self) -> String {
        format!("{}{}", self.0, char::MAX)
    }
}

/// Which page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// 1-based page number (offset pagination on the index).
    Page(u64),
    /// Right after the cursor's row (keyset pagination).
    After(Cursor),
}

#[derive(Clone, Debug)]
pub struct ListQuery {
    /// Only this provider's bindings (`None`: all).
    pub provider: Option<ProviderKind>,
    pub search: Option<SearchTerm>,
    pub status: Option<BindingStatus>,
    pub sort: Sort,
    pub position: Position,
    pub per_page: u64,
}

/// A binding as the panel sees it: never its tokens.
#[derive(Clone, Debug)]
pub struct BindingRow {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub user_nickname: String,
    pub user_avatar: String,
    /// `qq`, `wechat` or `weibo`.
    pub provider: String,
    /// The subject at the provider (QQ/WeChat openid, Weibo uid).
    pub openid: String,
    pub unionid: Option<String>,
    pub qq_nickname: String,
    pub qq_avatar: String,
    pub token_expires_at: DateTime<Utc>,
    pub token_version: i64,
    pub refresh_status: String,
    pub refresh_error: Option<String>,
    pub last_refreshed_at: Option<DateTime<Utc>>,
    pub bound_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl BindingRow {
    pub fn status(&self, now: DateTime<Utc>) -> BindingStatus {
        BindingStatus::of(&self.refresh_status, self.token_expires_at, now)
    }

    pub fn openid_masked(&self) -> String {
        mask_openid(&self.openid)
    }

    fn from_row(row: &QueryResult) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: row.try_get("", "id")?,
            user_id: row.try_get("", "user_id")?,
            username: row.try_get("", "username")?,
            user_nickname: row.try_get("", "user_nickname")?,
            user_avatar: row.try_get("", "user_avatar")?,
            provider: row.try_get("", "provider")?,
            openid: row.try_get("", "openid")?,
            unionid: row.try_get("", "unionid")?,
            qq_nickname: row.try_get("", "qq_nickname")?,
            qq_avatar: row.try_get("", "qq_avatar")?,
            token_expires_at: row.try_get("", "token_expires_at")?,
            token_version: row.try_get("", "token_version")?,
            refresh_status: row.try_get("", "refresh_status")?,
            refresh_error: row.try_get("", "refresh_error")?,
            last_refreshed_at: row.try_get("", "last_refreshed_at")?,
            bound_at: row.try_get("", "bound_at")?,
            last_login_at: row.try_get("", "last_login_at")?,
        })
    }
}

/// Every provider, as SQL: `provider IN (…)` lets a lookup by subject or unionid use the unique
/// `(provider, subject)` and `(provider, unionid)` indexes.
const ALL_PROVIDERS: &str = "('qq', 'wechat', 'weibo')";

/// The columns of [`BindingRow`]; the token columns are never selected.
const ROW_COLUMNS: &str = "b.id, b.user_id, u.username, u.nickname AS user_nickname, \
     u.avatar AS user_avatar, b.provider, b.subject AS openid, b.unionid, b.nickname AS qq_nickname, \
     b.avatar AS qq_avatar, \
     b.token_expires_at, b.token_version, b.refresh_status, b.refresh_error, \
     b.last_refreshed_at, b.bound_at, b.last_login_at";

/// How `total` was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotalKind {
    /// Counted.
    Exact,
    /// The planner's row estimate (the unfiltered list on PostgreSQL).
    Estimate,
    /// More than [`COUNT_CAP`] rows match; `total` is the cap.
    AtLeast,
}

#[derive(Clone, Debug)]
pub struct ListPage {
    pub rows: Vec<BindingRow>,
    /// Continue after the last row; `None` on the last page.
    pub next_cursor: Option<String>,
    pub total: i64,
    pub total_kind: TotalKind,
}

/// Raw SQL with `$n` placeholders numbered in order of appearance (SQLite binds `$n` by number
/// too), so one text serves both backends.
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new() -> Self {
        Self {
            text: String::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: Value) -> &mut Self {
        self.values.push(value);
        self.text.push_str(&format!("${}", self.values.len()));
        self
    }

    fn statement(self, backend: DbBackend) -> Statement {
        Statement::from_sql_and_values(backend, self.text, self.values)
    }
}

/// The ids of the bindings a search term matches, each branch an index lookup or range.
fn push_search_candidates(sql: &mut Sql, term: &SearchTerm) {
    let q = || Value::from(term.0.as_str());
    let hi = || Value::from(term.upper_bound());
    // The unique indexes lead with the provider: naming every provider keeps them usable.
    sql.push("SELECT id FROM social_bindings WHERE provider IN ")
        .push(ALL_PROVIDERS)
        .push(" AND subject = ")
        .bind(q())
        .push(" UNION ALL SELECT id FROM social_bindings WHERE provider IN ")
        .push(ALL_PROVIDERS)
        .push(" AND unionid = ")
        .bind(q())
        .push(" UNION ALL SELECT id FROM social_bindings WHERE nickname >= ")
        .bind(q())
        .push(" AND nickname < ")
        .bind(hi())
        .push(
            " UNION ALL SELECT qb.id FROM users u JOIN social_bindings qb ON qb.user_id = u.id \
             WHERE u.username >= ",
        )
        .bind(q())
        .push(" AND u.username < ")
        .bind(hi())
        .push(
            " UNION ALL SELECT qb.id FROM users u JOIN social_bindings qb ON qb.user_id = u.id \
             WHERE u.nickname >= ",
        )
        .bind(q())
        .push(" AND u.nickname < ")
        .bind(hi());
}

/// The same match as a per-row test, for walking the sort index when matches are dense.
fn push_search_probe(sql: &mut Sql, term: &SearchTerm) {
    let q = || Value::from(term.0.as_str());
    let hi = || Value::from(term.upper_bound());
    sql.push(" AND (b.subject = ")
        .bind(q())
        .push(" OR b.unionid = ")
        .bind(q())
        .push(" OR (b.nickname >= ")
        .bind(q())
        .push(" AND b.nickname < ")
        .bind(hi())
        .push(") OR EXISTS (SELECT 1 FROM users u WHERE u.id = b.user_id AND ((u.username >= ")
        .bind(q())
        .push(" AND u.username < ")
        .bind(hi())
        .push(") OR (u.nickname >= ")
        .bind(q())
        .push(" AND u.nickname < ")
        .bind(hi())
        .push("))))");
}

/// Whether a search matches more than [`COUNT_CAP`] bindings. Sparse matches are collected and
/// sorted (cheap); dense ones (a short prefix) are found faster by walking the sort index and
/// testing each row, since a page then needs few rows (collecting 100,000 matches to sort them
/// took about a second on PostgreSQL).
async fn search_is_dense(db: &DatabaseConnection, term: &SearchTerm) -> Result<bool, AdminError> {
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) AS n FROM (");
    push_search_candidates(&mut sql, term);
    sql.push(" LIMIT ")
        .bind(Value::from(COUNT_CAP + 1))
        .push(") candidates");
    Ok(single_i64(db, sql.statement(db.get_database_backend()), "n").await? > COUNT_CAP)
}

/// `WHERE …` for the search and the status (and the cursor), over `social_bindings b`.
fn push_filters(
    sql: &mut Sql,
    backend: DbBackend,
    query: &ListQuery,
    now: DateTime<Utc>,
    page_query: bool,
    dense: bool,
) {
    // SQLite's planner (no histograms) takes the status index `(refresh_status,
    // token_expires_at)` for any status filter and then sorts every match: 0.3 s for the
    // `expiring` rows of 1,000,000 bindings, 75 ms for 1% `refresh_failed`. Walking the sort
    // index and filtering finds a page after a few hundred (thousand, for 1%) rows. A unary `+`
    // keeps the status predicates off the index unless the list is sorted by expiry (the capped
    // count keeps the index). PostgreSQL estimates from its statistics and chooses well.
    let plus = if page_query
        && backend == DbBackend::Sqlite
        && query.sort.key != SortKey::TokenExpiresAt
    {
        "+"
    } else {
        ""
    };
    let expiry = format!("{plus}b.token_expires_at");
    let status_col = format!("{plus}b.refresh_status");
    sql.push(" WHERE 1 = 1");
    if let Some(provider) = query.provider {
        // Sorted by bound time, the index `(provider, bound_at, id)` serves filter and order.
        // For another sort, SQLite would take that index too and sort every binding of the
        // provider; the unary `+` keeps it on the sort's index (a page needs few rows).
        let plus =
            if page_query && backend == DbBackend::Sqlite && query.sort.key != SortKey::BoundAt {
                "+"
            } else {
                ""
            };
        sql.push(&format!(" AND {plus}b.provider = "))
            .bind(Value::from(provider.as_str()));
    }
    if let Some(term) = &query.search {
        if dense {
            push_search_probe(sql, term);
        } else {
            sql.push(" AND b.id IN (");
            push_search_candidates(sql, term);
            sql.push(")");
        }
    }
    match query.status {
        None => {}
        Some(BindingStatus::RefreshFailed) => {
            sql.push(&format!(" AND {status_col} = 'refresh_failed'"));
        }
        Some(BindingStatus::Expired) => {
            sql.push(&format!(" AND {status_col} = 'ok' AND {expiry} <= "))
                .bind(Value::from(now));
        }
        Some(BindingStatus::Expiring) => {
            sql.push(&format!(" AND {status_col} = 'ok' AND {expiry} > "))
                .bind(Value::from(now))
                .push(&format!(" AND {expiry} <= "))
                .bind(Value::from(now + EXPIRING_WITHIN));
        }
        Some(BindingStatus::Fresh) => {
            sql.push(&format!(" AND {status_col} = 'ok' AND {expiry} > "))
                .bind(Value::from(now + EXPIRING_WITHIN));
        }
    }
    if page_query && let Position::After(cursor) = &query.position {
        // `key <= v AND (key < v OR (key = v AND id < i))` (mirrored ascending): the leading
        // bound is what both planners turn into an index range, on the expression index too,
        // where SQLite would scan for the equivalent row-value comparison.
        let (op, op_eq) = if query.sort.descending {
            ("<", "<=")
        } else {
            (">", ">=")
        };
        let key = query.sort.key.expr();
        sql.push(&format!(" AND {key} {op_eq} "))
            .bind(cursor.key.value())
            .push(&format!(" AND ({key} {op} "))
            .bind(cursor.key.value())
            .push(&format!(" OR ({key} = "))
            .bind(cursor.key.value())
            .push(&format!(" AND b.id {op} "))
            .bind(Value::from(cursor.id))
            .push("))");
    }
}

/// One page of bindings.
pub async fn list(
    db: &DatabaseConnection,
    query: &ListQuery,
    now: DateTime<Utc>,
) -> Result<ListPage, AdminError> {
    if let Position::After(cursor) = &query.position
        && cursor.sort != query.sort
    {
        return Err(AdminError::InvalidCursor);
    }
    let backend = db.get_database_backend();
    let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    let dense = match &query.search {
        Some(term) => search_is_dense(db, term).await?,
        None => false,
    };

    // 1. The page's ids, from the sort index alone.
    let dir = if query.sort.descending { "DESC" } else { "ASC" };
    let mut ids_sql = Sql::new();
    ids_sql.push("SELECT b.id FROM social_bindings b");
    push_filters(&mut ids_sql, backend, query, now, true, dense);
    ids_sql.push(&format!(
        " ORDER BY {} {dir}, b.id {dir} LIMIT ",
        query.sort.key.expr()
    ));
    ids_sql.bind(Value::from((per_page + 1) as i64));
    if let Position::Page(page) = query.position {
        let offset = page.max(1).saturating_sub(1).saturating_mul(per_page);
        ids_sql
            .push(" OFFSET ")
            .bind(Value::from(i64::try_from(offset).unwrap_or(i64::MAX)));
    }
    let mut ids: Vec<i64> = db
        .query_all_raw(ids_sql.statement(backend))
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let more = ids.len() as u64 > per_page;
    ids.truncate(per_page as usize);

    // 2. Those rows with their users, in the same order.
    let mut rows = rows_by_ids(db, &ids).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    let next_cursor = match rows.last() {
        Some(last) if more => Some(
            Cursor {
                sort: query.sort,
                key: query.sort.key.key_of(last),
                id: last.id,
            }
            .encode(),
        ),
        _ => None,
    };

    let (total, total_kind) = count(db, query, now, dense).await?;
    Ok(ListPage {
        rows,
        next_cursor,
        total,
        total_kind,
    })
}

async fn rows_by_ids(db: &DatabaseConnection, ids: &[i64]) -> Result<Vec<BindingRow>, AdminError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new();
    sql.push(&format!(
        "SELECT {ROW_COLUMNS} FROM social_bindings b JOIN users u ON u.id = b.user_id WHERE b.id IN ("
    ));
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind(Value::from(*id));
    }
    sql.push(")");
    let rows = db
        .query_all_raw(sql.statement(db.get_database_backend()))
        .await?;
    Ok(rows
        .iter()
        .map(BindingRow::from_row)
        .collect::<Result<_, _>>()?)
}

/// Exact up to [`COUNT_CAP`]; the unfiltered list on PostgreSQL beyond that uses the planner's
/// estimate (`pg_class.reltuples`), SQLite counts it (an index scan).
async fn count(
    db: &DatabaseConnection,
    query: &ListQuery,
    now: DateTime<Utc>,
    dense: bool,
) -> Result<(i64, TotalKind), AdminError> {
    let backend = db.get_database_backend();
    let mut sql = Sql::new();
    sql.push("SELECT COUNT(*) AS n FROM (SELECT b.id FROM social_bindings b");
    push_filters(&mut sql, backend, query, now, false, dense);
    sql.push(" LIMIT ")
        .bind(Value::from(COUNT_CAP + 1))
        .push(") capped");
    let capped = single_i64(db, sql.statement(backend), "n").await?;
    if capped <= COUNT_CAP {
        return Ok((capped, TotalKind::Exact));
    }
    if query.search.is_some() || query.status.is_some() || query.provider.is_some() {
        return Ok((COUNT_CAP, TotalKind::AtLeast));
    }
    match backend {
        DbBackend::Postgres => {
            let estimate = single_i64(
                db,
                Statement::from_string(
                    backend,
                    "SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class \
                     WHERE oid = 'social_bindings'::regclass",
                ),
                "n",
            )
            .await?;
            if estimate > COUNT_CAP {
                Ok((estimate, TotalKind::Estimate))
            } else {
                Ok((COUNT_CAP, TotalKind::AtLeast))
            }
        }
        _ => {
            let n = single_i64(
                db,
                Statement::from_string(backend, "SELECT COUNT(*) AS n FROM social_bindings"),
                "n",
            )
            .await?;
            Ok((n, TotalKind::Exact))
        }
    }
}

async fn single_i64(
    db: &DatabaseConnection,
    statement: Statement,
    column: &str,
) -> Result<i64, AdminError> {
    let row = db.query_one_raw(statement).await?.ok_or_else(|| {
        AdminError::Fault(crate::fault::Fault::Internal(
            "a count returned no row".into(),
        ))
    })?;
    Ok(row.try_get::<i64>("", column)?)
}

/// One event of a binding's token history.
#[derive(Clone, Debug)]
pub struct TokenEvent {
    pub id: i64,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub detail: Option<String>,
}

/// The drawer: the binding, its token history and the audit entries about it (newest first).
#[derive(Clone, Debug)]
pub struct BindingDetail {
    pub row: BindingRow,
    pub events: Vec<TokenEvent>,
    pub audit: Vec<audit::Entry>,
}

pub async fn detail(db: &DatabaseConnection, id: i64) -> Result<BindingDetail, AdminError> {
    let row = rows_by_ids(db, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(AdminError::BindingNotFound)?;
    let events = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT id, kind, at, detail FROM binding_token_events WHERE binding_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
            vec![Value::from(id), Value::from(DRAWER_LIMIT as i64)],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok(TokenEvent {
                id: r.try_get("", "id")?,
                kind: r.try_get("", "kind")?,
                at: r.try_get("", "at")?,
                detail: r.try_get("", "detail")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let audit = audit::for_target(db, TARGET_TYPE, &id.to_string(), DRAWER_LIMIT).await?;
    Ok(BindingDetail { row, events, audit })
}

/// The audit log's `target_type` for bindings.
pub const TARGET_TYPE: &str = "qq_binding";

/// What refresh-now did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshQueued {
    /// The live refresh job for the binding (new, or the one already waiting).
    pub job_id: i64,
    /// A refresh job was already waiting; no second one was added.
    pub already_queued: bool,
}

/// Queue a token refresh for the binding now (one live job per binding), and audit it.
pub async fn refresh_now(
    db: &DatabaseConnection,
    admin_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshQueued, AdminError> {
    let txn = db.begin().await?;
    if let Some(provider) = provider_of(&txn, id).await? {
        let job = match provider {
            ProviderKind::Qq => NewJob::qq_token_refresh(id),
            ProviderKind::Wechat => NewJob::wechat_token_refresh(id),
            ProviderKind::Weibo => return Err(AdminError::NotRefreshable(provider)),
        };
        let unique_key = job.unique_key.clone().unwrap_or_default();
        let enqueued = jobs::enqueue(&txn, job).await?;
        let queued = match enqueued {
            Enqueued::Created(job_id) => RefreshQueued {
                job_id,
                already_queued: false,
            },
            Enqueued::Duplicate => {
                let row = txn
                    .query_one_raw(Statement::from_sql_and_values(
                        txn.get_database_backend(),
                        "SELECT id FROM jobs WHERE unique_key = $1 \
                         AND state IN ('available', 'running', 'retryable')",
                        vec![Value::from(unique_key)],
                    ))
                    .await?
                    .ok_or_else(|| {
                        AdminError::Fault(crate::fault::Fault::Internal(
                            "duplicate job vanished".into(),
                        ))
                    })?;
                RefreshQueued {
                    job_id: row.try_get("", "id")?,
                    already_queued: true,
                }
            }
        };
        audit::write(
            &txn,
            Action {
                actor_user_id: admin_id,
                action: "qq_binding.refresh",
                target_type: TARGET_TYPE,
                target_id: id.to_string(),
                reason: None,
                details: Some(serde_json::json!({
                    "job_id": queued.job_id,
                    "already_queued": queued.already_queued,
                })),
                at: now,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(queued)
    } else {
        Err(AdminError::BindingNotFound)
    }
}

/// The provider of binding `id`, `None` when there is no such binding.
async fn provider_of<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<ProviderKind>, AdminError> {
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT provider FROM social_bindings WHERE id = $1",
            vec![Value::from(id)],
        ))
        .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let provider: String = row.try_get("", "provider")?;
            ProviderKind::parse(&provider).map(Some).ok_or_else(|| {
                AdminError::Fault(crate::fault::Fault::Internal(format!(
                    "binding {id} has provider {provider:?}"
                )))
            })
        }
    }
}

/// Delete the binding (the user keeps their account), audit who, why, and what it was, and tell
/// the owner with the staff's reason.
pub async fn unbind(
    db: &DatabaseConnection,
    public_base_url: &url::Url,
    admin_id: i64,
    id: i64,
    reason: &Reason,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let txn = db.begin().await?;
    let binding = social_bindings::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AdminError::BindingNotFound)?;
    if !delete_binding(&txn, &binding, admin_id, reason.as_str(), now).await? {
        return Err(AdminError::BindingNotFound);
    }
    if let Some(owner) = users::Entity::find_by_id(binding.user_id).one(&txn).await? {
        notices::queue(
            &txn,
            public_base_url,
            &owner,
            Change::QqUnbound {
                provider: ProviderKind::parse(&binding.provider).unwrap_or(ProviderKind::Qq),
                qq_nickname: &binding.nickname,
                by: UnboundBy::Staff {
                    reason: reason.as_str(),
                },
            },
            // Not shown for staff changes.
            "",
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_boundaries() {
        let now = Utc::now();
        let of = |s: &str, d: chrono::Duration| BindingStatus::of(s, now + d, now);
        assert_eq!(of("ok", chrono::Duration::zero()), BindingStatus::Expired);
        assert_eq!(
            of("ok", chrono::Duration::seconds(-1)),
            BindingStatus::Expired
        );
        assert_eq!(
            of("ok", chrono::Duration::seconds(1)),
            BindingStatus::Expiring
        );
        assert_eq!(of("ok", EXPIRING_WITHIN), BindingStatus::Expiring);
        assert_eq!(
            of("ok", EXPIRING_WITHIN + chrono::Duration::seconds(1)),
            BindingStatus::Fresh
        );
        assert_eq!(
            of("refresh_failed", chrono::Duration::days(60)),
            BindingStatus::RefreshFailed
        );
    }

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let cursor = Cursor {
            sort: Sort::default(),
            key: KeyValue::Time(Utc::now()),
            id: 42,
        };
        assert_eq!(Cursor::decode(&cursor.encode()).ok(), Some(cursor));
        let by_name = Cursor {
            sort: Sort {
                key: SortKey::QqNickname,
                descending: false,
            },
            key: KeyValue::Text("小明".into()),
            id: 7,
        };
        assert_eq!(Cursor::decode(&by_name.encode()).ok(), Some(by_name));
        assert!(Cursor::decode("not a cursor!").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode(b"{}")).is_err());
        // A text key in a time sort.
        let mixed = URL_SAFE_NO_PAD.encode(br#"{"s":{"k":"b","d":true},"v":"x","i":1}"#);
        assert!(Cursor::decode(&mixed).is_err());
    }

    #[test]
    fn search_terms_are_trimmed_and_bounded() {
        assert_eq!(SearchTerm::parse(Some("  ")).ok(), Some(None));
        assert_eq!(
            SearchTerm::parse(Some(" 小明 ")).ok(),
            Some(Some(SearchTerm("小明".into())))
        );
        assert!(SearchTerm::parse(Some(&"x".repeat(MAX_QUERY_CHARS + 1))).is_err());
        let term = SearchTerm("ab".into());
        assert!("abz".as_bytes() < term.upper_bound().as_bytes());
        assert!("ab\u{10FFFE}zz".as_bytes() < term.upper_bound().as_bytes());
        assert!("ac".as_bytes() > term.upper_bound().as_bytes());
    }
}
