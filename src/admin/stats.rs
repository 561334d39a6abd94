//! Daily statistics for the dashboard: social logins and new bindings per Beijing-time day, in
//! total and per provider (each token event names its provider)
//! (Asia/Shanghai, UTC+8 all year: China keeps no daylight saving), the days of the dashboard's
//! "今日" cards, counted from the
//! token history (`binding_token_events`), which outlives unbinds. A login is every successful
//! sign-in: a returning user's (`login`) and the first one that ended in a new binding (`bound`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::AdminError;
use crate::oauth::ProviderKind;

pub const DEFAULT_DAYS: u32 = 30;
pub const MAX_DAYS: u32 = 90;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    /// Every provider's.
    pub logins: i64,
    pub new_bindings: i64,
    /// Per provider; a provider without events that day is absent.
    pub by_provider: BTreeMap<ProviderKind, Counts>,
}

/// One provider's counts of a day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub logins: i64,
    pub new_bindings: i64,
}

impl Day {
    /// `provider`'s counts (zero when it had none).
    pub fn of(&self, provider: ProviderKind) -> Counts {
        self.by_provider.get(&provider).copied().unwrap_or_default()
    }
}

/// The zone the days are counted in, named in the answer.
pub const TIME_ZONE: &str = "Asia/Shanghai";
/// Its offset: UTC+8, without daylight saving.
const OFFSET_HOURS: i64 = 8;

/// The last `days` Beijing-time days up to and including today's, oldest first, every day
/// present.
pub async fn daily<C: ConnectionTrait>(
    conn: &C,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<Day>, AdminError> {
    let days = days.clamp(1, MAX_DAYS);
    let offset = Duration::hours(OFFSET_HOURS);
    let today = (now + offset).date_naive();
    let first = today - Duration::days(i64::from(days) - 1);
    // Beijing midnight of the first day, in UTC.
    let from = first
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc() - offset)
        .ok_or_else(|| AdminError::Fault(crate::fault::Fault::Internal("no midnight".into())))?;
    let backend = conn.get_database_backend();
    // Counted per UTC hour ('YYYY-MM-DD HH', at most 24 × 91 groups) and moved to Beijing days
    // here, the same way on both backends. SQLite stores times as text in UTC.
    let day = match backend {
        DbBackend::Postgres => "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
        _ => "substr(at, 1, 10) || ' ' || substr(at, 12, 2)",
    };
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT {day} AS day, kind, provider, COUNT(*) AS n FROM binding_token_events \
                 WHERE kind IN ('login', 'bound') AND at >= $1 GROUP BY 1, 2, 3"
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
                    by_provider: BTreeMap::new(),
                },
            )
        })
        .collect();
    for row in rows {
        let day: String = row.try_get("", "day")?;
        let kind: String = row.try_get("", "kind")?;
        let provider: String = row.try_get("", "provider")?;
        let n: i64 = row.try_get("", "n")?;
        let Some(date) = beijing_date(&day) else {
            continue;
        };
        if let Some(entry) = by_day.get_mut(&date) {
            let bound = if kind == "bound" { n } else { 0 };
            entry.logins += n;
            entry.new_bindings += bound;
            if let Some(provider) = ProviderKind::parse(&provider) {
                let counts = entry.by_provider.entry(provider).or_default();
                counts.logins += n;
                counts.new_bindings += bound;
            }
        }
    }
    Ok(by_day.into_values().collect())
}

/// The Beijing date of a UTC hour written `YYYY-MM-DD HH`.
fn beijing_date(utc_hour: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(utc_hour.get(..10)?, "%Y-%m-%d").ok()?;
    let hour: i64 = utc_hour.get(11..13)?.parse().ok()?;
    let at = date.and_hms_opt(0, 0, 0)?.and_utc() + Duration::hours(hour + OFFSET_HOURS);
    Some(at.date_naive())
}

#[cfg(test)]
mod beijing_tests {
    use super::*;

    #[test]
    fn utc_hours_fall_on_beijing_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(beijing_date("2026-11-29 15"), d("2026-11-29"));
        assert_eq!(
            beijing_date("2026-11-29 16"),
            d("2026-11-30"),
            "midnight in Beijing"
        );
        assert_eq!(beijing_date("2026-12-31 23"), d("2027-01-01"));
        assert_eq!(beijing_date("junk"), None);
    }
}
