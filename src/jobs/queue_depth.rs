//! How deep the job queue is, for `/metrics`: queued jobs by kind and state, and how long the
//! oldest due one has waited.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::metrics::QueueRow;

const QUEUED_STATES: [&str; 3] = ["available", "retryable", "running"];

/// Queued jobs by kind and state, with the age of the oldest one already due.
pub async fn rows(db: &DatabaseConnection) -> Result<Vec<QueueRow>, sea_orm::DbErr> {
    let now = chrono::Utc::now();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            // Two halves, each written as the condition of its partial index (`ix_jobs_claim`,
            // `ix_jobs_running_lease`), so neither reads the finished jobs, the bulk of the table.
            "SELECT kind, state, COUNT(*) AS n, \
             MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest \
             FROM jobs WHERE state IN ('available', 'retryable') GROUP BY kind, state \
             UNION ALL \
             SELECT kind, state, COUNT(*) AS n, \
             MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest \
             FROM jobs WHERE state = 'running' GROUP BY kind, state \
             ORDER BY kind, state",
            vec![now.into()],
        ))
        .await?;
    // Every kind and state, zero included, so a graph never has gaps.
    let mut out: Vec<QueueRow> = super::JobKind::ALL
        .into_iter()
        .flat_map(|kind| {
            QUEUED_STATES.into_iter().map(move |state| QueueRow {
                kind: kind.as_str().to_owned(),
                state: state.to_owned(),
                count: 0,
                oldest_age_secs: 0.0,
            })
        })
        .collect();
    for row in rows {
        let oldest: Option<chrono::DateTime<chrono::Utc>> =
            row.try_get("", "oldest").ok().flatten().or_else(|| {
                // SQLite hands an aggregate back as text.
                let text: Option<String> = row.try_get("", "oldest").ok().flatten();
                text.and_then(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .ok()
                        .or_else(|| {
                            chrono::DateTime::parse_from_str(
                                &format!("{t}+00:00"),
                                "%Y-%m-%d %H:%M:%S%.f%:z",
                            )
                            .ok()
                        })
                        .map(|d| d.with_timezone(&chrono::Utc))
                })
            });
        let kind: String = row.try_get("", "kind")?;
        let state: String = row.try_get("", "state")?;
        let count: i64 = row.try_get("", "n")?;
        let oldest_age_secs = oldest
            .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        match out.iter_mut().find(|r| r.kind == kind && r.state == state) {
            Some(r) => {
                r.count = count;
                r.oldest_age_secs = oldest_age_secs;
            }
            None => out.push(QueueRow {
                kind,
                state,
                count,
                oldest_age_secs,
            }),
        }
    }
    Ok(out)
}
