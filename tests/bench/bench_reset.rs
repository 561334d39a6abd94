//! Performance scenario (not a test): the password-reset request's response time for an
//! existing and for an unknown address, 200 requests each, interleaved. They should be within a
//! few percent of each other (the request only queues a job either way). Run by `make bench`.

use std::time::{Duration, Instant};

use passport::entities::users;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::helpers::{Backend, TestApp, user};

const REQUESTS: usize = 200;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn settle(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if !crate::harness::any_live_jobs(&app.db).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn bench_backend(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let now = chrono::Utc::now();
    let people: Vec<users::ActiveModel> = (0..REQUESTS)
        .map(|n| {
            user(&format!("reset_bench_{n}"))
                .nickname(format!("重置{n}"))
                .email(Some(&format!("known{n}@example.com")))
                .at(now)
                .row()
        })
        .collect();
    users::Entity::insert_many(people)
        .exec(&app.db)
        .await
        .expect("users");

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for n in 0..REQUESTS {
        let mut pair = [
            (format!("known{n}@example.com"), &mut known),
            (format!("unknown{n}@example.com"), &mut unknown),
        ];
        // Known first in every other pair (K U U K K U …): each kind follows each as often, so
        // what the previous request left behind weighs on both alike.
        if n % 2 == 1 {
            pair.reverse();
        }
        for (address, times) in pair {
            // Every request from this one client would soon be throttled: clear the counters
            // (untimed) so each timed request does the full work.
            app.db
                .execute_unprepared("DELETE FROM rate_limits")
                .await
                .expect("reset counters");
            let started = Instant::now();
            let response = app
                .post_json("/api/password-resets", &json!({"email": address}))
                .await;
            times.push(started.elapsed());
            assert_eq!(response.status(), 202);
            // Let the queued job (and, for a known address, its mail) finish before the next
            // timed request, so background work never lands inside another's timing.
            settle(&app).await;
            // And past the enqueue's notification window (`jobs::NOTIFY_EVERY_MS`), so every
            // timed request's commit notifies the dispatchers on PostgreSQL. Otherwise a request
            // that follows a short settle (an unknown address's lookup alone) commits without
            // the notification, and one after a long settle (a known address's mail too) with
            // it: the next request's timing would tell the previous address's settle time, not
            // its own.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (k, u) = (median(known), median(unknown));
    println!(
        "BENCH reset-request {:<8} median over {REQUESTS} each: existing address {:.3} ms, unknown address {:.3} ms ({:+.1} %)",
        format!("{backend:?}"),
        k.as_secs_f64() * 1000.0,
        u.as_secs_f64() * 1000.0,
        (k.as_secs_f64() / u.as_secs_f64() - 1.0) * 100.0,
    );
}

bench_on_both_backends!(bench_reset_request_sqlite, bench_reset_request_postgres);
