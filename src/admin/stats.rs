//! Daily statistics for the dashboard: QQ logins and new bindings per UTC day, counted from the
//! token history (`qq_token_events`), which outlives unbinds. A login is every successful QQ
//! sign-in: a returning user's (`login`) and the first one that ended in a new binding (`bound`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::AdminError;

pub const DEFAULT_DAYS: u32 = 30;
pub const MAX_DAYS: u32 = 90;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub logins: i64,
    pub new_bindings: i64,
}

/// The last `days` UTC days up to and including today's, oldest first, every day present.
pub async fn daily<C: ConnectionTrait>(
    conn: &C,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<Day>, AdminError> {
    let days = days.clamp(1, MAX_DAYS);
    let today = now.date_naive();
    let first = today - Duration::days(i64::from(days) - 1);
    let from = first
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| AdminError::Internal("no midnight".into()))?;
    let backend = conn.get_database_backend();
    // The day as text, 'YYYY-MM-DD' in UTC. SQLite stores times as RFC 3339 text in UTC.
    let day = match backend {
        DbBackend::Postgres => "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        _ => "substr(at, 1, 10)",
    };
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT {day} AS day, kind, COUNT(*) AS n FROM qq_token_events \
                 WHERE kind IN ('login', 'bound') AND at >= $1 GROUP BY 1, 2"
            ),
            vec![Value::from(from)],
        ))
        .await?;
    let mut by_day: BTreeMap<NaiveDate, Day> = (0..i64::from(days))
        .map(|n| {
            let date = first + Duration::days(n);
            (
                date,
                Day {
                    date,
                    logins: 0,
                    new_bindings: 0,
                },
            )
        })
        .collect();
    for row in rows {
        let day: String = row.try_get("", "day")?;
        let kind: String = row.try_get("", "kind")?;
        let n: i64 = row.try_get("", "n")?;
        let Ok(date) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
            continue;
        };
        if let Some(entry) = by_day.get_mut(&date) {
            entry.logins += n;
            if kind == "bound" {
                entry.new_bindings += n;
            }
        }
    }
    Ok(by_day.into_values().collect())
}
