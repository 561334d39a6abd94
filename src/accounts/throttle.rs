//! Fixed-window rate limits kept in the database, so every instance sharing it sees the same
//! counts. Keys hash what they count (accounts, mobiles, addresses, IPs) so the table holds no
//! personal data.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// At most `max` hits per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// What a counter says after a look or a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub hits: u32,
    /// Seconds until the current window ends.
    pub retry_after: u64,
}

impl Count {
    pub fn exceeds(&self, limit: Limit) -> bool {
        self.hits > limit.max
    }

    pub fn reached(&self, limit: Limit) -> bool {
        self.hits >= limit.max
    }
}

/// A counter key: `scope:` + SHA-256 of the subject (lowercased), shortened.
pub fn key(scope: &str, subject: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        subject.trim().to_lowercase().as_bytes(),
    );
    format!("{scope}:{}", hex::encode(&digest.as_ref()[..16]))
}

fn window_start(limit: Limit, now: DateTime<Utc>) -> (i64, u64) {
    let window = limit.window.as_secs().max(1) as i64;
    let now = now.timestamp();
    let start = now - now.rem_euclid(window);
    (start, (start + window - now).max(1) as u64)
}

/// Count one more hit and return the total of the current window.
pub async fn hit<C: ConnectionTrait>(
    db: &C,
    key: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Count, DbErr> {
    let (start, retry_after) = window_start(limit, now);
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits"
        }
        _ => {
            "INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits"
        }
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [key.into(), start.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("rate limit upsert returned no row".into()))?;
    let hits: i32 = row.try_get("", "hits")?;
    Ok(Count {
        hits: hits.max(0) as u32,
        retry_after,
    })
}

/// [`hit`] on several keys at once: one statement (one round trip) instead of one per key. The
/// counts come back in the order of `keys`, as if each had been hit in turn: a key given twice
/// is counted twice, and its second entry sees the first's hit. (One statement may not update
/// one row twice, so each key's row is upserted once with the number of its entries.)
pub async fn hit_all<C: ConnectionTrait>(
    db: &C,
    keys: &[(&str, Limit)],
    now: DateTime<Utc>,
) -> Result<Vec<Count>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // Each distinct (key, window start), with how many entries hit it, in first-seen order.
    let mut rows: Vec<(&str, i64, i32)> = Vec::with_capacity(keys.len());
    let mut row_of: HashMap<(&str, i64), usize> = HashMap::with_capacity(keys.len());
    for (key, limit) in keys {
        let (start, _) = window_start(*limit, now);
        match row_of.get(&(*key, start)) {
            Some(&i) => rows[i].2 += 1,
            None => {
                row_of.insert((*key, start), rows.len());
                rows.push((*key, start, 1));
            }
        }
    }
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * 3);
    let mut tuples = Vec::with_capacity(rows.len());
    for (key, start, hits) in &rows {
        values.push((*key).into());
        values.push((*start).into());
        values.push((*hits).into());
        let n = values.len();
        tuples.push(format!("(${}, ${}, ${})", n - 2, n - 1, n));
    }
    let sql = format!(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES {} \
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + excluded.hits \
         RETURNING key, window_start, hits",
        tuples.join(", ")
    );
    let returned = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    // The window's total after this statement, per row.
    let mut totals = vec![None; rows.len()];
    for row in returned {
        let key: String = row.try_get("", "key")?;
        let start: i64 = row.try_get("", "window_start")?;
        let hits: i32 = row.try_get("", "hits")?;
        if let Some(&i) = row_of.get(&(key.as_str(), start)) {
            totals[i] = Some(hits);
        }
    }
    // Entry k (1-based) of a row hit m times saw total − m + k.
    let mut seen = vec![0i32; rows.len()];
    keys.iter()
        .map(|(key, limit)| {
            let (start, retry_after) = window_start(*limit, now);
            let missing = || DbErr::Custom("rate limit upsert returned no row".into());
            let i = *row_of.get(&(*key, start)).ok_or_else(missing)?;
            let total = totals[i].ok_or_else(missing)?;
            seen[i] += 1;
            Ok(Count {
                hits: (total - rows[i].2 + seen[i]).max(0) as u32,
                retry_after,
            })
        })
        .collect()
}

/// The hits of the current window, without counting one.
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    key: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Count, DbErr> {
    let (start, retry_after) = window_start(limit, now);
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $2",
        _ => "SELECT hits FROM rate_limits WHERE key = ? AND window_start = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [key.into(), start.into()],
        ))
        .await?;
    let hits: i32 = match row {
        Some(row) => row.try_get("", "hits")?,
        None => 0,
    };
    Ok(Count {
        hits: hits.max(0) as u32,
        retry_after,
    })
}

/// Take back one hit of the current window (an attempt that turned out to be a success).
pub async fn refund<C: ConnectionTrait>(
    db: &C,
    key: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (start, _) = window_start(limit, now);
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0"
        }
        _ => {
            "UPDATE rate_limits SET hits = hits - 1 WHERE key = ? AND window_start = ? AND hits > 0"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [key.into(), start.into()],
    ))
    .await?;
    Ok(())
}

/// Forget every hit of `key` (all windows).
pub async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), DbErr> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "DELETE FROM rate_limits WHERE key = $1",
        _ => "DELETE FROM rate_limits WHERE key = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [key.into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hide_the_subject_and_ignore_case() {
        let k = key("login_fail", "Alice@Example.com");
        assert!(k.starts_with("login_fail:"));
        assert!(!k.contains("alice"));
        assert_eq!(k, key("login_fail", " alice@example.com "));
        assert_ne!(k, key("sms", "alice@example.com"));
    }

    #[test]
    fn windows_align_and_report_the_time_left() {
        let limit = Limit {
            max: 1,
            window: Duration::from_secs(60),
        };
        let now = DateTime::from_timestamp(1_000_000_030, 0).expect("time");
        assert_eq!(window_start(limit, now), (1_000_000_020, 50));
    }
}
