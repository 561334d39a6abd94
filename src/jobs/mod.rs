//! The durable job queue: the `jobs` table and the operations on it. Actors (`actors::dispatcher`
//! and the workers) drive it; features only call [`enqueue`], inside their own transaction:
//!
//! ```ignore
//! let txn = db.begin().await?;
//! // … write the reset record …
//! jobs::enqueue(&txn, NewJob::mail(Mail::text(to, subject, body))).await?;
//! txn.commit().await?; // the record and its mail commit together, or neither does
//! ```
//!
//! Life of a job: `available` → claimed under a lease (`running`, owner + expiry, attempt + 1) →
//! `completed`, or `retryable` with a backoff delay, or `discarded` once `max_attempts` is spent
//! (its last error kept for the admin panel). A running job whose lease expired (its process
//! died) is made `retryable` again by [`reclaim_expired`].
//!
//! Delivery is at least once. Each job carries an idempotency key; a worker records the key in
//! `job_deliveries` right after the side effect, atomically with the job's completion
//! ([`ack`], batched by the worker), and skips
//! the side effect when the key is already recorded. What remains is the window between the side
//! effect (SMTP said 250) and that record's commit: a crash exactly there sends the mail again.
//! Mails carry a `Message-ID` made from the key, so a receiving system can drop that duplicate.
//!
//! Work that carries a secret (an SMS code, a reset or verification link) is queued with
//! [`enqueue_sealed`]: the row's `payload` then says only `{"kind": …, "sealed": true}` and the
//! whole payload sits in `sealed_payload`, AES-256-GCM sealed under the token key (bound to the
//! job's idempotency key), until the job completes or is discarded, when it is cleared. A
//! retried job opens the same sealed payload, so it sends the same text. Reading the database
//! alone gives no code and no link.

mod backoff;
mod perform;
pub mod queue_depth;

pub use backoff::Backoff;
pub use perform::{Perform, PerformError, PerformFuture, Performed};

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};

use crate::crypto::token_cipher::{CryptoError, TokenCipher, TokenField};
use crate::entities::jobs;
use crate::mail::Mail;
use crate::sms::Sms;

/// The PostgreSQL channel enqueues notify, so idle dispatchers wake at once.
pub const NOTIFY_CHANNEL: &str = "passport_jobs";

/// Longest `last_error` kept.
const MAX_ERROR_LEN: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("job payload is not valid: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("another live job has the same unique key")]
    Conflict,
    #[error("no such job")]
    NotFound,
    #[error("cannot seal or open the job's payload: {0}")]
    Sealed(#[from] CryptoError),
    /// A sealed job whose payload was cleared (it completed or was discarded before).
    #[error("the job's sealed payload was cleared when it completed or was discarded")]
    SealedPayloadCleared,
}

/// The states of the `jobs.state` column (the schema refuses any other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Available,
    Running,
    Retryable,
    Completed,
    Discarded,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Available,
        JobState::Running,
        JobState::Retryable,
        JobState::Completed,
        JobState::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Available => "available",
            JobState::Running => "running",
            JobState::Retryable => "retryable",
            JobState::Completed => "completed",
            JobState::Discarded => "discarded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What a job does. Stored as the `kind` column plus the variant's fields as the JSON payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    Mail,
    Sms,
    /// Refresh one QQ binding's access token (journey 8); performed by
    /// `accounts::qq_refresher::RefreshQqToken`, queued by its scheduler.
    QqTokenRefresh,
    /// Look up an address asking for a password reset and, for an account, store the link and
    /// queue its mail (journey 7). A job, so the HTTP answer costs the same for every address.
    PasswordResetRequest,
    /// Look up a mobile asking for a sign-in or password-reset SMS code and, for an account,
    /// issue the code and queue its SMS. A job for the same reason as the reset request: the
    /// HTTP answer costs the same whether or not the mobile has an account.
    SmsCodeRequest,
    /// Refresh one WeChat binding's access token through WeChat's refresh grant; performed by
    /// `accounts::qq_refresher::RefreshWechatToken`, queued by the same scheduler.
    WechatTokenRefresh,
    /// Walk the QQ bindings without a unionid and ask QQ for each (the admin panel's
    /// "补全 unionid"); performed by `accounts::unionid_backfill::RunBackfill`. One live run at a
    /// time (its unique key).
    QqUnionidBackfill,
}

impl JobKind {
    pub const ALL: [JobKind; 7] = [
        JobKind::Mail,
        JobKind::Sms,
        JobKind::QqTokenRefresh,
        JobKind::PasswordResetRequest,
        JobKind::SmsCodeRequest,
        JobKind::QqUnionidBackfill,
        JobKind::WechatTokenRefresh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Mail => "mail",
            JobKind::Sms => "sms",
            JobKind::QqTokenRefresh => "qq_token_refresh",
            JobKind::PasswordResetRequest => "password_reset_request",
            JobKind::SmsCodeRequest => "sms_code_request",
            JobKind::QqUnionidBackfill => "qq_unionid_backfill",
            JobKind::WechatTokenRefresh => "wechat_token_refresh",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Queues order the work: a person waits for an SMS code at the form, a mail is read later,
    /// token refreshes are background upkeep.
    pub fn queue(self) -> &'static str {
        match self {
            JobKind::Sms => "sms",
            JobKind::Mail => "mail",
            JobKind::QqTokenRefresh => "qq",
            JobKind::PasswordResetRequest => "mail",
            JobKind::SmsCodeRequest => "sms",
            JobKind::QqUnionidBackfill => "qq",
            JobKind::WechatTokenRefresh => "wechat",
        }
    }

    /// Higher runs first when several jobs are due.
    pub fn default_priority(self) -> i32 {
        match self {
            JobKind::Sms => 20,
            JobKind::Mail => 10,
            JobKind::QqTokenRefresh => 0,
            JobKind::PasswordResetRequest => 15,
            JobKind::SmsCodeRequest => 20,
            JobKind::QqUnionidBackfill => 0,
            JobKind::WechatTokenRefresh => 0,
        }
    }
}

/// The work itself, tagged by kind (`{"kind":"mail","to":…}`) in the payload column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobPayload {
    Mail(Mail),
    Sms(Sms),
    QqTokenRefresh {
        binding_id: i64,
    },
    WechatTokenRefresh {
        binding_id: i64,
    },
    PasswordResetRequest {
        email: String,
    },
    /// `purpose` is `login` or `reset_password` (`accounts::sms_codes::SmsPurpose`).
    SmsCodeRequest {
        mobile: String,
        purpose: String,
    },
    /// `requested_by`: the admin who asked. `record`: the run so far, written by the job as it
    /// goes (counts, the last binding id looked at), so a run that is stopped resumes after
    /// that id, and the panel reads its progress and outcome here.
    QqUnionidBackfill {
        requested_by: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<crate::accounts::unionid_backfill::RunRecord>,
    },
}

impl JobPayload {
    pub fn kind(&self) -> JobKind {
        match self {
            JobPayload::Mail(_) => JobKind::Mail,
            JobPayload::Sms(_) => JobKind::Sms,
            JobPayload::QqTokenRefresh { .. } => JobKind::QqTokenRefresh,
            JobPayload::WechatTokenRefresh { .. } => JobKind::WechatTokenRefresh,
            JobPayload::PasswordResetRequest { .. } => JobKind::PasswordResetRequest,
            JobPayload::SmsCodeRequest { .. } => JobKind::SmsCodeRequest,
            JobPayload::QqUnionidBackfill { .. } => JobKind::QqUnionidBackfill,
        }
    }
}

/// A job to enqueue. Start from [`NewJob::mail`], [`NewJob::sms`] or
/// [`NewJob::qq_token_refresh`] and adjust with the builder methods.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub payload: JobPayload,
    pub queue: String,
    pub priority: i32,
    pub max_attempts: i32,
    /// Not before this time (`None`: now).
    pub run_at: Option<DateTime<Utc>>,
    /// At most one live (available, running, retryable) job per key.
    pub unique_key: Option<String>,
    /// Deduplicates the side effect; a random one when `None`.
    pub idempotency_key: Option<String>,
}

/// The unique key of the QQ unionid back-fill job.
pub const QQ_UNIONID_BACKFILL_KEY: &str = "qq_unionid_backfill";

/// Attempts before a job is discarded, unless the caller says otherwise. With the default
/// backoff (1 s doubling, capped at 1 h) the last attempt is about a day after the first.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 25;

impl NewJob {
    pub fn new(payload: JobPayload) -> Self {
        let kind = payload.kind();
        Self {
            payload,
            queue: kind.queue().to_owned(),
            priority: kind.default_priority(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            run_at: None,
            unique_key: None,
            idempotency_key: None,
        }
    }

    pub fn mail(mail: Mail) -> Self {
        Self::new(JobPayload::Mail(mail))
    }

    /// `email` is already normalised (the `Email` domain type).
    pub fn password_reset_request(email: impl Into<String>) -> Self {
        Self::new(JobPayload::PasswordResetRequest {
            email: email.into(),
        })
    }

    /// `mobile` is already normalised (the `Mobile` domain type).
    pub fn sms_code_request(mobile: impl Into<String>, purpose: &str) -> Self {
        Self::new(JobPayload::SmsCodeRequest {
            mobile: mobile.into(),
            purpose: purpose.to_owned(),
        })
    }

    pub fn sms(sms: Sms) -> Self {
        Self::new(JobPayload::Sms(sms))
    }

    /// One live refresh per binding: the unique key makes a second enqueue a no-op.
    pub fn qq_token_refresh(binding_id: i64) -> Self {
        Self::new(JobPayload::QqTokenRefresh { binding_id })
            .unique_key(format!("qq_token_refresh:{binding_id}"))
    }

    /// As [`NewJob::qq_token_refresh`], for a WeChat binding.
    pub fn wechat_token_refresh(binding_id: i64) -> Self {
        Self::new(JobPayload::WechatTokenRefresh { binding_id })
            .unique_key(format!("wechat_token_refresh:{binding_id}"))
    }

    /// One live back-fill at a time: a second enqueue (a second click, another admin) while
    /// one is queued or running is a no-op. Few attempts: only database trouble retries it.
    pub fn qq_unionid_backfill(requested_by: i64) -> Self {
        Self::new(JobPayload::QqUnionidBackfill {
            requested_by,
            record: None,
        })
        .unique_key(QQ_UNIONID_BACKFILL_KEY)
        .max_attempts(5)
    }

    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }

    pub fn unique_key(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    pub fn max_attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    pub fn queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = queue.into();
        self
    }
}

/// What [`enqueue`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job with this id.
    Created(i64),
    /// A live job with the same unique key exists; nothing was added.
    Duplicate,
}

impl Enqueued {
    pub fn id(self) -> Option<i64> {
        match self {
            Enqueued::Created(id) => Some(id),
            Enqueued::Duplicate => None,
        }
    }
}

/// Timestamps as the database keeps them (PostgreSQL has microseconds), so values read back
/// compare equal to values written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn to_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

fn ts(t: DateTime<Utc>) -> Value {
    Value::from(t)
}

fn random_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Add a job. Works on a pool or inside the caller's transaction (`&txn`), so the job commits
/// with the caller's own writes. A live job with the same unique key makes this a no-op
/// ([`Enqueued::Duplicate`]) without aborting the transaction.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, job: NewJob) -> Result<Enqueued, JobError> {
    insert(conn, job, None).await
}

/// [`enqueue`] for work that carries a secret: the payload is stored only sealed under the
/// token key (`sealed_payload`), and cleared once the job completes or is discarded. Workers
/// read it with [`Job::open`].
pub async fn enqueue_sealed<C: ConnectionTrait>(
    conn: &C,
    job: NewJob,
    cipher: &TokenCipher,
) -> Result<Enqueued, JobError> {
    insert(conn, job, Some(cipher)).await
}

/// What `payload` says of a sealed job: only its kind.
fn sealed_marker(kind: JobKind) -> serde_json::Value {
    serde_json::json!({"kind": kind.as_str(), "sealed": true})
}

/// A job's row as [`insert_all`] writes it: the values of `queue, kind, payload, priority,
/// max_attempts, run_at, unique_key, idempotency_key, created_at, sealed_payload`, and whether
/// it is due now.
struct Row {
    values: [Value; 10],
    due_now: bool,
    idempotency_key: String,
}

fn row(job: NewJob, seal_with: Option<&TokenCipher>, now: DateTime<Utc>) -> Result<Row, JobError> {
    let kind = job.payload.kind();
    let run_at = job.run_at.map(|t| t.trunc_subsecs(6)).unwrap_or(now);
    let key = job.idempotency_key.unwrap_or_else(random_key);
    let (payload, sealed) = match seal_with {
        None => (serde_json::to_value(&job.payload)?, None),
        Some(cipher) => {
            let plain = serde_json::to_string(&job.payload)?;
            // The idempotency key as the owner: a sealed payload opens only in its own job.
            let sealed = cipher.encrypt(TokenField::JobPayload, &key, &plain)?;
            (sealed_marker(kind), Some(sealed))
        }
    };
    Ok(Row {
        values: [
            job.queue.into(),
            kind.as_str().into(),
            payload.into(),
            job.priority.into(),
            job.max_attempts.into(),
            ts(run_at),
            job.unique_key.into(),
            key.as_str().into(),
            ts(now),
            sealed.into(),
        ],
        due_now: run_at <= now,
        idempotency_key: key,
    })
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    job: NewJob,
    seal_with: Option<&TokenCipher>,
) -> Result<Enqueued, JobError> {
    let ids = insert_all(conn, vec![job], seal_with, Insertion::Queued)
        .await?
        .ids()?;
    Ok(match ids.first() {
        Some(&id) => Enqueued::Created(id),
        None => Enqueued::Duplicate,
    })
}

/// [`enqueue`] for several jobs in one statement (one round trip, not one per job). Returns
/// the ids of the jobs added (a job whose unique key is live is left out).
pub async fn enqueue_all<C: ConnectionTrait>(
    conn: &C,
    jobs: Vec<NewJob>,
) -> Result<Vec<i64>, JobError> {
    insert_all(conn, jobs, None, Insertion::Queued).await?.ids()
}

/// [`enqueue_sealed`] for several jobs in one statement (one round trip, not one per job).
/// Returns the ids of the jobs added (a job whose unique key is live is left out).
pub async fn enqueue_sealed_all<C: ConnectionTrait>(
    conn: &C,
    jobs: Vec<NewJob>,
    cipher: &TokenCipher,
) -> Result<Vec<i64>, JobError> {
    insert_all(conn, jobs, Some(cipher), Insertion::Queued)
        .await?
        .ids()
}

/// [`enqueue_all`] (or [`enqueue_sealed_all`], given the cipher) for follow-up jobs of `parent`
/// that its process runs itself, next: each is inserted already claimed by `parent`'s holder
/// (`running`, attempt 1, for `parent`'s lease), so no dispatcher claims it and none waits for a
/// claim. For work due now: a held job runs when it is handed on, whatever its `run_at`. The
/// parent's worker hands them to its dispatcher once the transaction has committed
/// ([`Performed::then_run`]). Should the process stop first, the lease runs out and they are
/// reclaimed like any job whose holder died; should they find no worker, they are released.
/// The jobs, in the order of `jobs` (`None` for one whose unique key is live).
pub async fn enqueue_held_all<C: ConnectionTrait>(
    conn: &C,
    jobs: Vec<NewJob>,
    seal_with: Option<&TokenCipher>,
    parent: &Job,
) -> Result<Vec<Option<Job>>, JobError> {
    let holder = Insertion::Held {
        owner: &parent.lease_owner,
        lease: parent.lease,
    };
    let inserted = insert_all(conn, jobs, seal_with, holder).await?;
    let mut by_key: HashMap<String, Job> = inserted
        .rows
        .iter()
        .map(|row| {
            let job = Job::from_model(jobs::Model::from_query_result(row, "")?, parent.lease);
            Ok((job.idempotency_key.clone(), job))
        })
        .collect::<Result<_, DbErr>>()?;
    Ok(inserted
        .idempotency_keys
        .iter()
        .map(|key| by_key.remove(key))
        .collect())
}

/// Whom [`insert_all`] inserts jobs for.
#[derive(Clone, Copy)]
enum Insertion<'a> {
    /// The queue: any dispatcher claims them when due.
    Queued,
    /// `owner`, already claimed ([`enqueue_held_all`]).
    Held { owner: &'a str, lease: Duration },
}

/// What [`insert_all`] wrote: the rows it returned (`id` alone for queued jobs, every column
/// for held ones) and the idempotency keys of the jobs it was given, in their order.
struct Inserted {
    rows: Vec<sea_orm::QueryResult>,
    idempotency_keys: Vec<String>,
}

impl Inserted {
    fn ids(&self) -> Result<Vec<i64>, JobError> {
        self.rows
            .iter()
            .map(|row| Ok(row.try_get::<i64>("", "id")?))
            .collect()
    }
}

async fn insert_all<C: ConnectionTrait>(
    conn: &C,
    jobs: Vec<NewJob>,
    seal_with: Option<&TokenCipher>,
    insertion: Insertion<'_>,
) -> Result<Inserted, JobError> {
    if jobs.is_empty() {
        return Ok(Inserted {
            rows: Vec::new(),
            idempotency_keys: Vec::new(),
        });
    }
    let backend = conn.get_database_backend();
    let now = now();
    let mut values: Vec<Value> = Vec::with_capacity(jobs.len() * 10 + 3);
    // A held job's state, attempt and lease, the same for every row.
    let (state, attempt, lease_columns, lease_values, returning) = match insertion {
        Insertion::Queued => ("'available'", 0, "", "", "id"),
        Insertion::Held { owner, lease } => {
            values.push(owner.into());
            values.push(ts(now + to_chrono(lease)));
            (
                "'running'",
                1,
                ", lease_owner, lease_expires_at",
                ", $1, $2",
                "*",
            )
        }
    };
    let mut tuples = Vec::with_capacity(jobs.len());
    let mut idempotency_keys = Vec::with_capacity(jobs.len());
    let mut due_now = false;
    for job in jobs {
        let row = row(job, seal_with, now)?;
        due_now |= row.due_now;
        idempotency_keys.push(row.idempotency_key);
        let first = values.len() + 1;
        values.extend(row.values);
        let p = |i: usize| format!("${}", first + i);
        tuples.push(format!(
            "({}, {}, {}, {state}, {}, {attempt}, {}, {}, {}, {}, {}, {}, {}{lease_values})",
            p(0),
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            p(7),
            p(8),
            p(8),
            p(9)
        ));
    }
    let insert = format!(
        "INSERT INTO jobs (queue, kind, payload, state, priority, attempt, max_attempts, \
         run_at, unique_key, idempotency_key, created_at, updated_at, sealed_payload\
         {lease_columns}) VALUES {} ON CONFLICT DO NOTHING RETURNING {returning}",
        tuples.join(", ")
    );
    // PostgreSQL: jobs due now notify the dispatchers, in the same statement (one round trip,
    // and only for rows inserted; identical notifications are delivered once). Delivered at
    // commit; a rolled-back enqueue wakes nobody. At most one enqueue per `NOTIFY_EVERY` in this
    // process notifies (see `notify_now`).
    let held = matches!(insertion, Insertion::Held { .. });
    let sql = if backend == DbBackend::Postgres && due_now && !held && notify_now() {
        values.push(NOTIFY_CHANNEL.into());
        format!(
            "WITH j AS ({insert}) SELECT id, pg_notify(${}, 'jobs')::text AS notified FROM j",
            values.len()
        )
    } else {
        insert
    };
    Ok(Inserted {
        rows: conn.query_all_raw(stmt(backend, &sql, values)).await?,
        idempotency_keys,
    })
}

/// At most one notifying enqueue per this time in one process.
const NOTIFY_EVERY_MS: i64 = 10;

/// Whether this enqueue should NOTIFY: not when another enqueue of this process did less than
/// `NOTIFY_EVERY_MS` ago. PostgreSQL serialises the commits of notifying transactions (they
/// hold a database-wide lock from before the commit until after its WAL flush), so with a
/// NOTIFY in every enqueueing transaction a burst of enqueues commits one fsync at a time
/// (≈ 300/s here) instead of in groups. Under such a burst the dispatchers are busy claiming
/// anyway (they poll every 25 ms while they find work), and the first enqueue of a quiet moment
/// still wakes them at once; a job whose only notification rolled back with another
/// transaction waits for the next poll.
fn notify_now() -> bool {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = Utc::now().timestamp_millis();
    let last = LAST.load(Ordering::Relaxed);
    now.saturating_sub(last) >= NOTIFY_EVERY_MS
        && LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

/// A claimed job, as a worker sees it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
    pub idempotency_key: String,
    pub lease_owner: String,
    /// The lease it was claimed with (its follow-ups are held for as long: [`enqueue_held_all`]).
    pub lease: Duration,
    /// See [`enqueue_sealed`].
    pub sealed_payload: Option<String>,
    /// Its idempotency key was already recorded as delivered when it was claimed (checked for
    /// the whole claimed batch in one query): complete it without doing the work again.
    pub delivered_before: bool,
}

impl Job {
    fn from_model(m: jobs::Model, lease: Duration) -> Self {
        Self {
            lease,
            idempotency_key: m.idempotency_key.unwrap_or_else(|| format!("job:{}", m.id)),
            id: m.id,
            kind: m.kind,
            payload: m.payload,
            attempt: m.attempt,
            max_attempts: m.max_attempts,
            lease_owner: m.lease_owner.unwrap_or_default(),
            sealed_payload: m.sealed_payload,
            delivered_before: false,
        }
    }

    /// Whether the work is in `sealed_payload` (see [`enqueue_sealed`]).
    pub fn is_sealed(&self) -> bool {
        self.payload.get("sealed") == Some(&serde_json::Value::Bool(true))
    }

    /// The payload of a job queued with [`enqueue`]; a sealed one needs [`Job::open`].
    pub fn decode(&self) -> Result<JobPayload, JobError> {
        Ok(serde_json::from_value(self.payload.clone())?)
    }

    /// The payload, opening a sealed one with the token key.
    pub fn open(&self, cipher: &TokenCipher) -> Result<JobPayload, JobError> {
        if !self.is_sealed() {
            return self.decode();
        }
        let sealed = self
            .sealed_payload
            .as_deref()
            .ok_or(JobError::SealedPayloadCleared)?;
        let plain = cipher.decrypt(TokenField::JobPayload, &self.idempotency_key, sealed)?;
        Ok(serde_json::from_str(&plain)?)
    }
}

/// Claim up to `limit` due jobs of the given kinds for `owner`, each leased for `lease`.
/// Higher priority first, then oldest `run_at`. On PostgreSQL the candidate rows are locked with
/// `FOR UPDATE SKIP LOCKED`, so concurrent claimers (other processes) never get the same job; on
/// SQLite the single `UPDATE … RETURNING` runs under the database's write lock.
///
/// The candidates are picked per kind, each from the `ix_jobs_claim` index (kind, priority,
/// run_at, id over the live jobs) in claim order, `limit` at most per kind, then the best
/// `limit` of them overall: the same jobs as one `ORDER BY … LIMIT` over all the kinds, but the
/// work grows with `limit × kinds`, not with the queue. (One query over `kind IN (…)` has to
/// sort every due job first: with 10,000 refreshes queued, every claim sorted 10,000 rows.)
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    kinds: &[JobKind],
    limit: u32,
    lease: Duration,
) -> Result<Vec<Job>, JobError> {
    let caps: Vec<(JobKind, u32)> = kinds.iter().map(|k| (*k, limit)).collect();
    claim_each(conn, owner, &caps, limit, lease).await
}

/// [`claim`] with a cap of its own for each kind (`(kind, at most this many)`), `limit` in all,
/// in one statement: the dispatcher's claim for every kind it runs, a rate-limited kind held to
/// the room it has left.
pub async fn claim_each<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    caps: &[(JobKind, u32)],
    limit: u32,
    lease: Duration,
) -> Result<Vec<Job>, JobError> {
    let caps: Vec<(JobKind, u32)> = caps
        .iter()
        .map(|&(kind, cap)| (kind, cap.min(limit)))
        .filter(|&(_, cap)| cap > 0)
        .collect();
    if caps.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let now = now();
    let mut values: Vec<Value> = vec![
        owner.into(),
        ts(now + to_chrono(lease)),
        ts(now),
        i64::from(limit).into(),
    ];
    let lock = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let mut arms = Vec::with_capacity(caps.len());
    for (n, (kind, cap)) in caps.iter().enumerate() {
        values.push(kind.as_str().into());
        let kind_at = values.len();
        // The overall limit's parameter where the cap is the same (one statement text for
        // every claim of unlimited kinds).
        let cap_at = if *cap == limit {
            4
        } else {
            values.push(i64::from(*cap).into());
            values.len()
        };
        // The state test is written as the index's own condition, so SQLite uses the index.
        arms.push(format!(
            "SELECT id, priority, run_at FROM (SELECT id, priority, run_at FROM jobs \
             WHERE kind = ${kind_at} AND state IN ('available', 'retryable') AND run_at <= $3 \
             ORDER BY priority DESC, run_at, id LIMIT ${cap_at}{lock}) AS k{n}"
        ));
    }
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = $1, \
         lease_expires_at = $2, updated_at = $3 \
         WHERE id IN (SELECT id FROM ({}) AS candidates \
         ORDER BY priority DESC, run_at, id LIMIT $4) \
         RETURNING *, EXISTS (SELECT 1 FROM job_deliveries \
           WHERE job_deliveries.idempotency_key = jobs.idempotency_key) AS delivered_before",
        arms.join(" UNION ALL ")
    );
    // Whether each job's work was already delivered (by an earlier holder, or an earlier job
    // with the same idempotency key) comes back with the claim: one key lookup per job in the
    // same statement. (A separate `IN (…)` query per claim was one more round trip, and on a
    // table without statistics yet PostgreSQL scanned all of `job_deliveries` for it.)
    let rows = conn.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            let mut job = Job::from_model(jobs::Model::from_query_result(row, "")?, lease);
            job.delivered_before = row.try_get("", "delivered_before")?;
            Ok(job)
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    claimed.sort_by_key(|j| j.id);
    Ok(claimed)
}

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The batched [`record_delivery`] + [`complete`]: the delivery records of the batch (all
/// held by `owner`) and its completion. Returns the ids completed; a job missing from it was no
/// longer held by `owner` (its lease expired): its delivery record still commits, so whoever
/// holds it now completes it without doing it again.
///
/// On PostgreSQL this is one statement (the records' `INSERT` in a `WITH` of the completing
/// `UPDATE … RETURNING id`), atomic on its own: an ack needs no transaction of its own
/// ([`ack`]). On SQLite it is two statements, to be run in the caller's transaction.
pub async fn complete_delivered<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    done: &[&Job],
) -> Result<Vec<i64>, JobError> {
    if done.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let now = now();
    // Ids in order, so two batches (or a batch and a reclaim) lock rows in the same order.
    let mut ids: Vec<i64> = done.iter().map(|j| j.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let complete = format!(
        "UPDATE jobs SET state = 'completed', finished_at = $1, updated_at = $1, \
         lease_expires_at = NULL, sealed_payload = NULL \
         WHERE state = 'running' AND lease_owner = $2 AND id IN ({}) RETURNING id",
        placeholders(3, ids.len())
    );
    let mut values: Vec<Value> = vec![ts(now), owner.into()];
    values.extend(ids.into_iter().map(Value::from));
    // The delivery records, their rows' parameters appended to `values` (`$1` is the time).
    let record = |values: &mut Vec<Value>| {
        let mut rows = Vec::with_capacity(done.len());
        for job in done {
            let at = values.len() + 1;
            values.push(job.idempotency_key.as_str().into());
            values.push(job.id.into());
            values.push(job.kind.as_str().into());
            rows.push(format!("(${at}, ${}, ${}, $1)", at + 1, at + 2));
        }
        format!(
            "INSERT INTO job_deliveries (idempotency_key, job_id, kind, delivered_at) \
             VALUES {} ON CONFLICT DO NOTHING",
            rows.join(", ")
        )
    };
    let completing = if acks_atomically(backend) {
        // A data-modifying `WITH` runs whether or not it is read; both parts see the same
        // snapshot, and the `UPDATE` does not depend on the records.
        let record = record(&mut values);
        stmt(
            backend,
            &format!("WITH recorded AS ({record}) {complete}"),
            values,
        )
    } else {
        let mut record_values = vec![ts(now)];
        let record = record(&mut record_values);
        conn.execute_raw(stmt(backend, &record, record_values))
            .await?;
        stmt(backend, &complete, values)
    };
    conn.query_all_raw(completing)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<i64>("", "id")?))
        .collect()
}

/// Whether [`complete_delivered`] is one statement here (PostgreSQL), atomic without a
/// transaction around it.
fn acks_atomically(backend: DbBackend) -> bool {
    backend == DbBackend::Postgres
}

/// A worker's ack of `done`, on its own: [`complete_in`] as one statement per lease owner on
/// PostgreSQL (each atomic: a job's record and completion commit together), in a transaction on
/// SQLite. Returns the ids completed.
pub async fn ack(db: &DatabaseConnection, done: &[&Job]) -> Result<Vec<i64>, JobError> {
    if acks_atomically(db.get_database_backend()) {
        return complete_in(db, done).await;
    }
    let txn = db.begin().await?;
    let completed = complete_in(&txn, done).await?;
    txn.commit().await?;
    Ok(completed)
}

/// For a performer that completes its own jobs ([`Perform::COMPLETES_ITSELF`]): the delivery
/// records and completion of `done`, in the caller's transaction, the one that writes their
/// work. The same rows as the worker's ack ([`complete_delivered`], per lease owner), so the
/// same guarantees: a job whose lease was lost meanwhile is not completed (its new holder
/// finds the delivery record and completes it without doing the work again). Returns the ids
/// completed.
pub async fn complete_in<C: ConnectionTrait>(
    conn: &C,
    done: &[&Job],
) -> Result<Vec<i64>, JobError> {
    let mut owners: Vec<&str> = done.iter().map(|j| j.lease_owner.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    let mut completed = Vec::with_capacity(done.len());
    for owner in owners {
        let theirs: Vec<&Job> = done
            .iter()
            .copied()
            .filter(|j| j.lease_owner == owner)
            .collect();
        completed.extend(complete_delivered(conn, owner, &theirs).await?);
    }
    Ok(completed)
}

/// Renew the leases of the jobs `owner` still holds among `ids`, in one statement (a worker's
/// heartbeat for all its running jobs). Returns how many were renewed.
pub async fn extend_leases<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    ids: &[i64],
    lease: Duration,
) -> Result<u64, JobError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let now = now();
    let mut values: Vec<Value> = vec![ts(now + to_chrono(lease)), ts(now), owner.into()];
    let n = ids.len();
    values.extend(ids.iter().map(|id| Value::from(*id)));
    let sql = format!(
        "UPDATE jobs SET lease_expires_at = $1, updated_at = $2 \
         WHERE state = 'running' AND lease_owner = $3 AND id IN ({})",
        placeholders(4, n)
    );
    Ok(conn
        .execute_raw(stmt(conn.get_database_backend(), &sql, values))
        .await?
        .rows_affected())
}

/// Mark a job done. `false` when `owner` no longer holds it (its lease expired and it was
/// reclaimed): the new holder will find the delivery record and complete it.
pub async fn complete<C: ConnectionTrait>(
    conn: &C,
    job_id: i64,
    owner: &str,
) -> Result<bool, JobError> {
    let now = now();
    let done = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "UPDATE jobs SET state = 'completed', finished_at = $1, updated_at = $1, \
             lease_expires_at = NULL, sealed_payload = NULL \
             WHERE id = $2 AND state = 'running' AND lease_owner = $3",
            vec![ts(now), job_id.into(), owner.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What [`fail`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failed {
    /// Runs again at this time.
    Retry(DateTime<Utc>),
    /// Out of attempts (or not retryable): kept with its error, shown in the panel.
    Discarded,
    /// `owner` no longer held the job; nothing changed.
    LeaseLost,
}

/// Record a failed attempt: retry after the backoff delay for this attempt, or discard once
/// `max_attempts` is spent. `permanent` discards at once (a payload that can never succeed).
pub async fn fail<C: ConnectionTrait>(
    conn: &C,
    job: &Job,
    error: &str,
    permanent: bool,
    backoff: &Backoff,
) -> Result<Failed, JobError> {
    let now = now();
    let error = truncate(error);
    let discard = permanent || job.attempt >= job.max_attempts;
    let (state, run_at, finished_at, outcome) = if discard {
        ("discarded", now, Some(now), Failed::Discarded)
    } else {
        let at = now + to_chrono(backoff.delay(job.attempt));
        ("retryable", at, None, Failed::Retry(at))
    };
    let done = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "UPDATE jobs SET state = $1, run_at = $2, finished_at = $3, last_error = $4, \
             lease_expires_at = NULL, updated_at = $5, \
             sealed_payload = CASE WHEN $8 THEN NULL ELSE sealed_payload END \
             WHERE id = $6 AND state = 'running' AND lease_owner = $7",
            vec![
                state.into(),
                ts(run_at),
                finished_at.into(),
                error.into(),
                ts(now),
                job.id.into(),
                job.lease_owner.as_str().into(),
                discard.into(),
            ],
        ))
        .await?;
    Ok(if done.rows_affected() == 1 {
        outcome
    } else {
        Failed::LeaseLost
    })
}

/// Put a running job back until `until` without spending its attempt: it did not fail, it
/// waits for something another holder has (a QQ refresh lease). False when `job.lease_owner`
/// no longer held it.
pub async fn postpone<C: ConnectionTrait>(
    conn: &C,
    job: &Job,
    reason: &str,
    until: DateTime<Utc>,
) -> Result<bool, JobError> {
    let done = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "UPDATE jobs SET state = 'retryable', run_at = $1, attempt = attempt - 1, \
             last_error = $2, lease_expires_at = NULL, updated_at = $3 \
             WHERE id = $4 AND state = 'running' AND lease_owner = $5",
            vec![
                ts(until),
                truncate(reason).into(),
                ts(now()),
                job.id.into(),
                job.lease_owner.as_str().into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

fn truncate(error: &str) -> String {
    if error.len() <= MAX_ERROR_LEN {
        return error.to_owned();
    }
    let mut end = MAX_ERROR_LEN;
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &error[..end])
}

/// Give jobs back without counting the attempt (graceful shutdown, a worker that is not
/// running). `ids = None` releases everything `owner` holds.
pub async fn release<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    ids: Option<&[i64]>,
) -> Result<u64, JobError> {
    let backend = conn.get_database_backend();
    let mut values: Vec<Value> = vec![ts(now()), owner.into()];
    let mut sql = String::from(
        "UPDATE jobs SET state = 'available', \
         attempt = CASE WHEN attempt > 0 THEN attempt - 1 ELSE 0 END, \
         lease_owner = NULL, lease_expires_at = NULL, updated_at = $1 \
         WHERE state = 'running' AND lease_owner = $2",
    );
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut params = Vec::with_capacity(ids.len());
        for id in ids {
            values.push((*id).into());
            params.push(format!("${}", values.len()));
        }
        sql.push_str(&format!(" AND id IN ({})", params.join(", ")));
    }
    Ok(conn
        .execute_raw(stmt(backend, &sql, values))
        .await?
        .rows_affected())
}

/// Running jobs whose lease expired (their process died or hung) become retryable at once, or
/// discarded if that was their last attempt. Returns how many.
pub async fn reclaim_expired<C: ConnectionTrait>(conn: &C) -> Result<u64, JobError> {
    let now = now();
    let done = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "UPDATE jobs SET \
             state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END, \
             finished_at = CASE WHEN attempt >= max_attempts THEN $1 ELSE NULL END, \
             last_error = 'lease expired: the worker running it stopped or hung', \
             sealed_payload = CASE WHEN attempt >= max_attempts THEN NULL ELSE sealed_payload END, \
             run_at = $1, lease_expires_at = NULL, updated_at = $1 \
             WHERE state = 'running' AND lease_expires_at < $1",
            vec![ts(now)],
        ))
        .await?;
    Ok(done.rows_affected())
}

/// Make the jobs of `kind` that failed since `since` and wait for their retry run now, without
/// counting an attempt: used when an upstream that was down (SMTP) is back, so that mail does
/// not sit out a backoff that grew through the outage. Returns how many. On PostgreSQL every
/// instance's dispatcher is woken.
pub async fn make_due_now<C: ConnectionTrait>(
    conn: &C,
    kind: JobKind,
    since: DateTime<Utc>,
) -> Result<u64, JobError> {
    let backend = conn.get_database_backend();
    let now = now();
    let done = conn
        .execute_raw(stmt(
            backend,
            // The claimable jobs' condition, word for word, lets SQLite read them from
            // `ix_jobs_claim` (partial) instead of the whole table.
            "UPDATE jobs SET run_at = $1 \
             WHERE kind = $2 AND state IN ('available', 'retryable') AND state = 'retryable' \
             AND run_at > $1 AND updated_at >= $3",
            vec![ts(now), kind.as_str().into(), ts(since.trunc_subsecs(6))],
        ))
        .await?;
    let n = done.rows_affected();
    if n > 0 && backend == DbBackend::Postgres {
        conn.execute_raw(stmt(
            backend,
            "SELECT pg_notify($1, $2)",
            vec![NOTIFY_CHANNEL.into(), kind.as_str().into()],
        ))
        .await?;
    }
    Ok(n)
}

/// Extend the lease of a job still held by `owner` (long-running work).
pub async fn extend_lease<C: ConnectionTrait>(
    conn: &C,
    job_id: i64,
    owner: &str,
    lease: Duration,
) -> Result<bool, JobError> {
    let now = now();
    let done = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "UPDATE jobs SET lease_expires_at = $1, updated_at = $2 \
             WHERE id = $3 AND state = 'running' AND lease_owner = $4",
            vec![
                ts(now + to_chrono(lease)),
                ts(now),
                job_id.into(),
                owner.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Delete completed jobs and delivery records older than `retention`. Discarded jobs stay for
/// the panel until someone retries or deletes them.
pub async fn prune_completed<C: ConnectionTrait>(
    conn: &C,
    retention: Duration,
) -> Result<u64, JobError> {
    let backend = conn.get_database_backend();
    let cutoff = now() - to_chrono(retention);
    let jobs = conn
        .execute_raw(stmt(
            backend,
            "DELETE FROM jobs WHERE state = 'completed' AND finished_at < $1",
            vec![ts(cutoff)],
        ))
        .await?;
    conn.execute_raw(stmt(
        backend,
        "DELETE FROM job_deliveries WHERE delivered_at < $1",
        vec![ts(cutoff)],
    ))
    .await?;
    Ok(jobs.rows_affected())
}

/// Put a discarded or retryable job back in the queue now, with a fresh set of attempts (the
/// admin panel's retry button). [`JobError::Conflict`] when a live job took its unique key
/// meanwhile; [`JobError::NotFound`] when no such job is waiting for a retry.
pub async fn retry<C: ConnectionTrait>(conn: &C, job_id: i64) -> Result<(), JobError> {
    let backend = conn.get_database_backend();
    let now = now();
    if let Some(row) = conn
        .query_one_raw(stmt(
            backend,
            "SELECT unique_key, payload, sealed_payload FROM jobs \
             WHERE id = $1 AND state IN ('discarded', 'retryable')",
            vec![job_id.into()],
        ))
        .await?
    {
        // A discarded sealed job lost its secret: running it again could only fail.
        let payload: serde_json::Value = row.try_get("", "payload")?;
        let sealed: Option<String> = row.try_get("", "sealed_payload")?;
        if payload.get("sealed") == Some(&serde_json::Value::Bool(true)) && sealed.is_none() {
            return Err(JobError::SealedPayloadCleared);
        }
        // Checked first so a clash does not abort a caller's PostgreSQL transaction.
        let key: Option<String> = row.try_get("", "unique_key")?;
        if let Some(key) = key {
            let clash = conn
                .query_one_raw(stmt(
                    backend,
                    "SELECT id FROM jobs WHERE unique_key = $1 AND id <> $2 \
                     AND state IN ('available', 'running', 'retryable')",
                    vec![key.into(), job_id.into()],
                ))
                .await?;
            if clash.is_some() {
                return Err(JobError::Conflict);
            }
        }
    } else {
        return Err(JobError::NotFound);
    }
    let done = conn
        .execute_raw(stmt(
            backend,
            "UPDATE jobs SET state = 'available', attempt = 0, run_at = $1, finished_at = NULL, \
             lease_owner = NULL, lease_expires_at = NULL, updated_at = $1 \
             WHERE id = $2 AND state IN ('discarded', 'retryable')",
            vec![ts(now), job_id.into()],
        ))
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(JobError::NotFound)
    }
}

/// How many jobs are in each state (every state present, zero included).
pub async fn counts_by_state<C: ConnectionTrait>(
    conn: &C,
) -> Result<BTreeMap<JobState, i64>, JobError> {
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state",
            vec![],
        ))
        .await?;
    let mut counts: BTreeMap<JobState, i64> = JobState::ALL.into_iter().map(|s| (s, 0)).collect();
    for row in rows {
        let state: String = row.try_get("", "state")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(state) = JobState::parse(&state) {
            counts.insert(state, n);
        }
    }
    Ok(counts)
}

/// Newest jobs first, optionally in one state (the admin panel's list).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    state: Option<JobState>,
    limit: u64,
    offset: u64,
) -> Result<Vec<jobs::Model>, JobError> {
    use sea_orm::ColumnTrait;
    let mut query = jobs::Entity::find();
    if let Some(state) = state {
        query = query.filter(jobs::Column::State.eq(state.as_str()));
    }
    Ok(query
        .order_by_desc(jobs::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(conn)
        .await?)
}

pub async fn get<C: ConnectionTrait>(conn: &C, job_id: i64) -> Result<jobs::Model, JobError> {
    jobs::Entity::find_by_id(job_id)
        .one(conn)
        .await?
        .ok_or(JobError::NotFound)
}

/// Whether the side effect behind `key` already happened.
pub async fn is_delivered<C: ConnectionTrait>(conn: &C, key: &str) -> Result<bool, JobError> {
    Ok(conn
        .query_one_raw(stmt(
            conn.get_database_backend(),
            "SELECT 1 AS one FROM job_deliveries WHERE idempotency_key = $1",
            vec![key.into()],
        ))
        .await?
        .is_some())
}

/// Record that the side effect behind `job`'s key happened. Call it right after the side effect
/// and before [`complete`]. Recording twice is harmless.
pub async fn record_delivery<C: ConnectionTrait>(conn: &C, job: &Job) -> Result<(), JobError> {
    conn.execute_raw(stmt(
        conn.get_database_backend(),
        "INSERT INTO job_deliveries (idempotency_key, job_id, kind, delivered_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        vec![
            job.idempotency_key.as_str().into(),
            job.id.into(),
            job.kind.as_str().into(),
            ts(now()),
        ],
    ))
    .await?;
    Ok(())
}

/// A name for this process as a lease owner: host, pid and a random part (a restarted process
/// with a recycled pid is still someone else).
pub fn new_owner_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 3]>())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_tagged_by_kind_and_round_trip() {
        let job = NewJob::mail(Mail::text("a@example.com", "Hi", "Body"));
        let json = serde_json::to_value(&job.payload).expect("serialize");
        assert_eq!(json["kind"], "mail");
        assert_eq!(json["to"], "a@example.com");
        let back: JobPayload = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, job.payload);
        let sms = NewJob::sms(Sms::verification_code("13800000000", "123456", 5)).payload;
        let json = serde_json::to_value(&sms).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind":"sms","mobile":"13800000000","template":"verification_code","code":"123456","minutes":5})
        );
        assert_eq!(
            serde_json::from_value::<JobPayload>(json).expect("back"),
            sms
        );
        let refresh = NewJob::qq_token_refresh(7);
        assert_eq!(refresh.unique_key.as_deref(), Some("qq_token_refresh:7"));
        assert_eq!(
            serde_json::to_value(refresh.payload).expect("json"),
            serde_json::json!({"kind":"qq_token_refresh","binding_id":7})
        );
    }

    #[test]
    fn a_sealed_payload_opens_only_in_its_own_job_and_not_once_cleared() {
        let cipher =
            TokenCipher::new(&crate::config::TokenKey::parse(&"ab".repeat(32)).expect("key"));
        let payload = NewJob::sms(Sms::verification_code("13800138000", "123456", 5)).payload;
        let plain = serde_json::to_string(&payload).expect("json");
        let sealed = cipher
            .encrypt(TokenField::JobPayload, "key-1", &plain)
            .expect("seal");
        let job = Job {
            id: 1,
            kind: "sms".into(),
            payload: sealed_marker(JobKind::Sms),
            attempt: 1,
            max_attempts: 25,
            idempotency_key: "key-1".into(),
            lease_owner: "me".into(),
            lease: Duration::from_secs(60),
            sealed_payload: Some(sealed.clone()),
            delivered_before: false,
        };
        assert!(job.is_sealed());
        assert!(!job.payload.to_string().contains("123456"));
        assert_eq!(job.open(&cipher).expect("opens"), payload);
        assert!(
            job.decode().is_err(),
            "a sealed job is not read as a plain one"
        );
        let moved = Job {
            idempotency_key: "key-2".into(),
            ..job.clone()
        };
        assert!(matches!(moved.open(&cipher), Err(JobError::Sealed(_))));
        let cleared = Job {
            sealed_payload: None,
            ..job
        };
        assert!(matches!(
            cleared.open(&cipher),
            Err(JobError::SealedPayloadCleared)
        ));
    }

    #[test]
    fn kinds_and_states_parse_back() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("bogus"), None);
    }

    #[test]
    fn long_errors_are_cut_on_a_char_boundary() {
        let long = "错".repeat(MAX_ERROR_LEN);
        let cut = truncate(&long);
        assert!(cut.len() <= MAX_ERROR_LEN + '…'.len_utf8());
        assert!(cut.ends_with('…'));
    }
}
