//! Fixed-window rate limits kept in the database, so every instance sharing it sees the same
//! counts. Keys hash what they count (accounts, mobiles, addresses, IPs) so the table holds no
//! personal data.

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

/// [`hit`] on several distinct keys at once: one statement (one round trip) instead of one
/// per key. The counts come back in the order of `keys`. A key given twice is counted twice,
/// one statement after the other.
pub async fn hit_all<C: ConnectionTrait>(
    db: &C,
    keys: &[(&str, Limit)],
    now: DateTime<Utc>,
) -> Result<Vec<Count>, DbErr> {
    let distinct: std::collections::HashSet<&str> = keys.iter().map(|(k, _)| *k).collect();
    if distinct.len() != keys.len() || keys.len() < 2 {
        let mut counts = Vec::with_capacity(keys.len());
        for (key, limit) in keys {
            counts.push(hit(db, key, *limit, now).await?);
        }
        return Ok(counts);
    }
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(keys.len() * 2);
    let mut rows = Vec::with_capacity(keys.len());
    for (key, limit) in keys {
        let (start, _) = window_start(*limit, now);
        values.push((*key).into());
        values.push(start.into());
        rows.push(format!("(${}, ${}, 1)", values.len() - 1, values.len()));
    }
    let sql = format!(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES {} \
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING key, hits",
        rows.join(", ")
    );
    let returned = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut hits = std::collections::HashMap::with_capacity(returned.len());
    for row in returned {
        let key: String = row.try_get("", "key")?;
        let n: i32 = row.try_get("", "hits")?;
        hits.insert(key, n);
    }
    keys.iter()
        .map(|(key, limit)| {
            let n = hits
                .get(*key)
                .ok_or_else(|| DbErr::Custom("rate limit upsert returned no row".into()))?;
            Ok(Count {
                hits: (*n).max(0) as u32,
                retry_after: window_start(*limit, now).1,
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
