//! Token key rotation, on SQLite and PostgreSQL: ciphertexts carry their key's id, old keys keep
//! working from `PASSPORT_TOKEN_KEYS_OLD`, `passport keys rotate` moves every stored token to the
//! current key, and a binding no key opens ends `refresh_failed` once instead of looping.

use std::time::Duration;

use passport::accounts::key_rotation::{RowRotation, rotate_binding};
use passport::accounts::qq_tokens::{self, RefreshOutcome};
use passport::config::TokenKey;
use passport::crypto::token_cipher::token_key_id;
use passport::crypto::{TokenCipher, TokenField};
use passport::entities::{binding_token_events, jobs, social_bindings};
use passport::qq::client::QqClient;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use serde_json::json;

use crate::helpers::{Backend, TestApp, json_of, user};
use crate::qq_login::{PASSWORD, bind_ticket, callback};
use crate::refresher::{bound, refresh_failed, refreshing_app_env, reload, set_expiry};

const KEY_ONE: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const KEY_TWO: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn key(hex: &str) -> TokenKey {
    TokenKey::parse(hex).expect("key")
}

/// Every stored token ciphertext of both tables, read with plain SQL.
async fn stored_ciphertexts(app: &TestApp) -> Vec<String> {
    let backend = app.db.get_database_backend();
    let mut all = Vec::new();
    for table in ["social_bindings", "pending_identities"] {
        let rows = app
            .db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT access_token_enc, refresh_token_enc FROM {table}"),
            ))
            .await
            .expect("select");
        for row in rows {
            let access = row
                .try_get::<String>("", "access_token_enc")
                .expect("access");
            // A consumed pending identity's tokens are wiped (empty): nothing to encrypt.
            if !access.is_empty() {
                all.push(access);
            }
            if let Some(refresh) = row
                .try_get::<Option<String>>("", "refresh_token_enc")
                .expect("refresh")
            {
                all.push(refresh);
            }
        }
    }
    all
}

/// `passport keys rotate` as an operator runs it, against `app`'s database.
fn run_rotate(database_url: &str, current: &str, old: &str) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passport"))
        .args(["keys", "rotate", "--batch-size", "2"])
        .env_clear()
        .env("PASSPORT_PROFILE", "dev")
        .env("PASSPORT_DATABASE_URL", database_url)
        .env("PASSPORT_TOKEN_KEY", current)
        .env("PASSPORT_TOKEN_KEYS_OLD", old)
        .output()
        .expect("run passport keys rotate");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stdout.contains(current) && !stderr.contains(current),
        "keys never print"
    );
    (output.status.code().unwrap_or(-1), stdout)
}

async fn rotating_keys_keeps_logins_and_refreshes_working_and_moves_every_row(backend: Backend) {
    // Before: an instance whose only key is KEY_ONE stores tokens.
    let Some(mut before) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_TOKEN_KEY".into(), KEY_ONE.into());
    })
    .await
    else {
        return;
    };
    let returning = bound(&before, "rot_login", "13800001001", "rot_login_qq").await;
    let refreshed = bound(&before, "rot_refresh", "13800001002", "rot_refresh_qq").await;
    let to_bind = bind_ticket(&before, "rot_pending_qq").await;
    // A login that stops at the bind step: its pending identity keeps its tokens until it expires.
    let _abandoned = bind_ticket(&before, "rot_abandoned_qq").await;
    let old_id = token_key_id(&key(KEY_ONE));
    assert!(
        stored_ciphertexts(&before)
            .await
            .iter()
            .all(|c| c.starts_with(&format!("{old_id}:"))),
        "new ciphertexts carry their key id"
    );
    // One binding as rows written before key ids existed look: no prefix.
    let mut legacy: social_bindings::ActiveModel = refreshed.clone().into();
    let strip = |c: &str| c.split_once(':').expect("prefixed").1.to_owned();
    legacy.access_token_enc = Set(strip(&refreshed.access_token_enc));
    legacy.refresh_token_enc = Set(refreshed.refresh_token_enc.as_deref().map(strip));
    legacy.update(&before.db).await.expect("legacy row");
    before.shutdown_server().await;

    // After: KEY_TWO is current, KEY_ONE only read. Same database, same QQ.
    let sim_url = before.sim_url.clone().expect("sim");
    let database_url = before.test_db.url.clone();
    let Some(mut after) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_DATABASE_URL".into(), database_url.clone());
        env.insert("PASSPORT_QQ_BASE_URL".into(), sim_url.clone());
        env.insert("PASSPORT_TOKEN_KEY".into(), KEY_TWO.into());
        env.insert("PASSPORT_TOKEN_KEYS_OLD".into(), KEY_ONE.into());
    })
    .await
    else {
        return;
    };
    after.sim_url = Some(sim_url);
    // Assertions read the database both instances share (`after` was handed a spare one).
    after.db = before.db.clone();
    let new_id = token_key_id(&key(KEY_TWO));

    // A returning QQ user logs in; their tokens are stored under the new key.
    let (status, body) = callback(&after, "rot_login_qq").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (reqwest::StatusCode::OK, Some("logged_in")),
        "{body}"
    );
    let relogged = reload(&after, returning.id).await;
    assert!(relogged.access_token_enc.starts_with(&format!("{new_id}:")));

    // The legacy row, sealed by the old key, still refreshes.
    let client = QqClient::new(&after.settings.qq).expect("client");
    let cipher = after.state.security.cipher.clone();
    assert_eq!(
        qq_tokens::refresh_binding(
            &after.db,
            &client,
            &cipher,
            refreshed.id,
            chrono::Utc::now()
        )
        .await
        .expect("refresh"),
        RefreshOutcome::Refreshed
    );
    assert!(
        reload(&after, refreshed.id)
            .await
            .refresh_token_enc
            .is_some_and(|c| c.starts_with(&format!("{new_id}:")))
    );

    // A ticket from before binds; the new binding holds the old key's ciphertexts.
    user("rot_bind")
        .nickname("绑定者")
        .mobile(Some("13800001003"))
        .password(PASSWORD)
        .create(&after)
        .await;
    let (status, body) = json_of(
        after
            .post_json(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": to_bind, "account": "rot_bind", "password": PASSWORD}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let stale_before = stored_ciphertexts(&after)
        .await
        .into_iter()
        .filter(|c| !c.starts_with(&format!("{new_id}:")))
        .count();
    assert!(
        stale_before >= 4,
        "the bound pair and the abandoned pending identity: {stale_before}"
    );

    // The rotation moves every row, in batches of two, and a second run finds nothing to do.
    let (code, stdout) = run_rotate(&database_url, KEY_TWO, KEY_ONE);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("social_bindings: 1 re-encrypted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pending_identities: 1 re-encrypted"),
        "{stdout}"
    );
    let all = stored_ciphertexts(&after).await;
    assert!(all.len() >= 8, "{all:?}");
    for c in &all {
        assert!(
            c.starts_with(&format!("{new_id}:")),
            "still under an old key: {c}"
        );
    }
    let (code, stdout) = run_rotate(&database_url, KEY_TWO, KEY_ONE);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("social_bindings: 0 re-encrypted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pending_identities: 0 re-encrypted"),
        "{stdout}"
    );

    // The old key is no longer needed: the new key alone opens every token and refreshes.
    let only_new = TokenCipher::new(&key(KEY_TWO));
    for binding in social_bindings::Entity::find()
        .all(&after.db)
        .await
        .expect("bindings")
    {
        only_new
            .decrypt(
                TokenField::QqAccessToken,
                &binding.subject,
                &binding.access_token_enc,
            )
            .expect("access opens under the new key alone");
        assert_eq!(
            qq_tokens::refresh_binding(
                &after.db,
                &client,
                &only_new,
                binding.id,
                chrono::Utc::now()
            )
            .await
            .expect("refresh"),
            RefreshOutcome::Refreshed,
            "binding {}",
            binding.id
        );
    }
    after.shutdown_server().await;
}

async fn a_rotation_never_overwrites_tokens_changed_meanwhile(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_TOKEN_KEY".into(), KEY_ONE.into());
    })
    .await
    else {
        return;
    };
    let binding = bound(&app, "rot_race", "13800001004", "rot_race_qq").await;
    let rotating = TokenCipher::with_old_keys(&key(KEY_TWO), &[key(KEY_ONE)]);
    // The rotation read `binding`; then a refresh (by an instance still sealing with the old
    // key) rotates QQ's refresh token before the rotation writes.
    let client = QqClient::new(&app.settings.qq).expect("client");
    let old_instance = TokenCipher::new(&key(KEY_ONE));
    assert_eq!(
        qq_tokens::refresh_binding(
            &app.db,
            &client,
            &old_instance,
            binding.id,
            chrono::Utc::now()
        )
        .await
        .expect("refresh"),
        RefreshOutcome::Refreshed
    );
    let refreshed = reload(&app, binding.id).await;
    assert_eq!(
        rotate_binding(&app.db, &rotating, &binding)
            .await
            .expect("rotate"),
        RowRotation::ChangedMeanwhile
    );
    assert_eq!(
        reload(&app, binding.id).await,
        refreshed,
        "the refresh's tokens stand; the stale read wrote nothing"
    );
    // A run started now picks the row up again, and leaves token_version alone so a refresh
    // in flight still lands.
    assert_eq!(
        rotate_binding(&app.db, &rotating, &refreshed)
            .await
            .expect("rotate"),
        RowRotation::Rotated
    );
    let rotated = reload(&app, binding.id).await;
    assert_eq!(rotated.token_version, refreshed.token_version);
    assert_eq!(
        rotating
            .decrypt(
                TokenField::QqRefreshToken,
                &rotated.subject,
                rotated.refresh_token_enc.as_deref().expect("refresh")
            )
            .expect("opens"),
        old_instance
            .decrypt(
                TokenField::QqRefreshToken,
                &refreshed.subject,
                refreshed.refresh_token_enc.as_deref().expect("refresh")
            )
            .expect("opens"),
        "the newest refresh token survived the rotation"
    );
}

async fn a_binding_no_key_opens_is_marked_refresh_failed_once_and_never_requeued(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, refreshing_app_env).await else {
        return;
    };
    let binding = bound(&app, "lost_key", "13800001005", "lost_key_qq").await;
    // Sealed by a key this instance has never had (e.g. one dropped from the configuration).
    let foreign = TokenCipher::new(&key(KEY_TWO))
        .encrypt(TokenField::QqRefreshToken, &binding.subject, "REFRESH")
        .expect("encrypt");
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.refresh_token_enc = Set(Some(foreign.clone()));
    active.update(&app.db).await.expect("foreign key");
    set_expiry(&app, &binding, 1).await;

    let failed = refresh_failed(&app, binding.id).await;
    let reason = failed.refresh_error.clone().unwrap_or_default();
    assert!(reason.starts_with("token_undecryptable"), "{reason}");
    assert_eq!(
        failed.refresh_token_enc.as_deref(),
        Some(foreign.as_str()),
        "left as it was"
    );

    // Several scans later (one a second): no new job, one failure in the history.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let refresh_jobs = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("qq_token_refresh"))
        .count(&app.db)
        .await
        .expect("count jobs");
    assert_eq!(refresh_jobs, 1, "the scheduler never queues it again");
    let failures = binding_token_events::Entity::find()
        .filter(binding_token_events::Column::BindingId.eq(binding.id))
        .filter(binding_token_events::Column::Kind.eq("refresh_failed"))
        .count(&app.db)
        .await
        .expect("count events");
    assert_eq!(failures, 1);
    assert_eq!(
        reload(&app, binding.id).await.refresh_status,
        "refresh_failed"
    );

    // The owner's next QQ login stores fresh tokens and heals the binding.
    let (status, body) = callback(&app, "lost_key_qq").await;
    assert_eq!(status, 200, "{body}");
    let healed = reload(&app, binding.id).await;
    assert_eq!(healed.refresh_status, "ok");
    assert!(healed.refresh_error.is_none());
}

on_both_backends!(
    rotating_keys_keeps_logins_and_refreshes_working_and_moves_every_row,
    a_rotation_never_overwrites_tokens_changed_meanwhile,
    a_binding_no_key_opens_is_marked_refresh_failed_once_and_never_requeued,
);
