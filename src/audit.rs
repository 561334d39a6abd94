//! Writing and reading the audit log: staff actions (`admin`) and the account changes that
//! must leave a trace (`accounts`: locks, QQ unbinds). Its own module so both depend on it and
//! neither on the other.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, Statement, Value};

use crate::entities::audit_log;

/// One admin action to record.
pub struct Action<'a> {
    pub actor_user_id: i64,
    /// Stable name, e.g. `qq_binding.unbind`.
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub reason: Option<&'a str>,
    pub details: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

pub async fn write<C: ConnectionTrait>(conn: &C, action: Action<'_>) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        actor_user_id: Set(Some(action.actor_user_id)),
        action: Set(action.action.to_owned()),
        target_type: Set(action.target_type.to_owned()),
        target_id: Set(action.target_id),
        reason: Set(action.reason.map(str::to_owned)),
        details: Set(action.details),
        created_at: Set(action.at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// An audit entry with its actor's username (when the actor still exists).
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    pub action: String,
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub reason: Option<String>,
    pub details: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// The newest `limit` entries about one target, newest first.
pub async fn for_target<C: ConnectionTrait>(
    conn: &C,
    target_type: &str,
    target_id: &str,
    limit: u64,
) -> Result<Vec<Entry>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            format!(
                "{ENTRY_COLUMNS} WHERE a.target_type = $1 AND a.target_id = $2 \
                 ORDER BY a.created_at DESC, a.id DESC LIMIT $3"
            ),
            vec![
                Value::from(target_type),
                Value::from(target_id),
                Value::from(limit as i64),
            ],
        ))
        .await?;
    rows.into_iter().map(|row| Entry::from_row(&row)).collect()
}

/// The columns both listings select, joined with the actor's username.
const ENTRY_COLUMNS: &str = "SELECT a.id, a.action, a.actor_user_id, u.username AS actor_username, \
     a.reason, a.details, a.created_at FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id";

impl Entry {
    fn from_row(row: &sea_orm::QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get("", "id")?,
            action: row.try_get("", "action")?,
            actor_user_id: row.try_get("", "actor_user_id")?,
            actor_username: row.try_get("", "actor_username")?,
            reason: row.try_get("", "reason")?,
            details: row.try_get("", "details")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

/// Which audit entries the audit page asks for; every field narrows (all `None`: everything).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// The actor's username, exactly.
    pub actor: Option<String>,
    /// The action, exactly (e.g. `user.lock`).
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// From this time, inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Before this time, exclusive.
    pub to: Option<DateTime<Utc>>,
}

/// One page of the entries matching `filter`, newest first, and how many match in all.
pub async fn search<C: ConnectionTrait>(
    conn: &C,
    filter: &Filter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Entry>, u64), DbErr> {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("${}", values.len())));
    };
    if let Some(actor) = &filter.actor {
        add(
            "a.actor_user_id IN (SELECT id FROM users WHERE username = ?)",
            Value::from(actor.as_str()),
        );
    }
    if let Some(action) = &filter.action {
        add("a.action = ?", Value::from(action.as_str()));
    }
    if let Some(target_type) = &filter.target_type {
        add("a.target_type = ?", Value::from(target_type.as_str()));
    }
    if let Some(target_id) = &filter.target_id {
        add("a.target_id = ?", Value::from(target_id.as_str()));
    }
    if let Some(from) = filter.from {
        add("a.created_at >= ?", Value::from(from));
    }
    if let Some(to) = filter.to {
        add("a.created_at < ?", Value::from(to));
    }
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let backend = conn.get_database_backend();
    let total = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!("SELECT COUNT(*) AS n FROM audit_log a {condition}"),
            values.clone(),
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let mut page_values = values;
    page_values.push(Value::from(per_page as i64));
    page_values.push(Value::from(((page - 1).saturating_mul(per_page)) as i64));
    let n = page_values.len();
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "{ENTRY_COLUMNS} {condition} \
                 ORDER BY a.created_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
                n - 1,
                n
            ),
            page_values,
        ))
        .await?;
    let entries = rows
        .into_iter()
        .map(|row| Entry::from_row(&row))
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok((entries, total.max(0) as u64))
}
