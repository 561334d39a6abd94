//! `passport admin create` as an operator runs it (issue 16): an existing username is refused
//! unless `--reset-password`; an error prints once, without colours when stderr is not a
//! terminal; `--username` / `--email` have help. On SQLite and PostgreSQL.

use std::process::{Command, Output};

use passport::entities::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{Backend, TestDb};

fn admin_create(db_url: &str, password: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passport"))
        .args([
            "admin",
            "create",
            "--username",
            "boss",
            "--email",
            "boss@example.com",
        ])
        .args(extra)
        .env("PASSPORT_DATABASE_URL", db_url)
        .env("PASSPORT_ADMIN_PASSWORD", password)
        .env_remove("RUST_LOG")
        .output()
        .expect("run passport")
}

async fn password_hash(db: &TestDb) -> Option<String> {
    users::Entity::find()
        .filter(users::Column::Username.eq("boss"))
        .one(&db.connect().await)
        .await
        .expect("query")
        .and_then(|u| u.password_hash)
}

async fn an_existing_username_is_refused_without_reset_password(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let first = admin_create(&db.url, "first-pass-2026", &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let hash = password_hash(&db).await;

    let again = admin_create(&db.url, "second-pass-2026", &[]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(
        stderr.matches("--reset-password").count(),
        1,
        "the error once: {stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colours into a pipe: {stderr:?}"
    );
    assert!(
        !String::from_utf8_lossy(&again.stdout).contains("--reset-password"),
        "not repeated on stdout"
    );
    assert_eq!(password_hash(&db).await, hash, "the password is unchanged");

    let reset = admin_create(&db.url, "second-pass-2026", &["--reset-password"]);
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert_ne!(password_hash(&db).await, hash, "now it is set");
}

on_both_backends!(an_existing_username_is_refused_without_reset_password);

#[test]
fn username_and_email_have_help() {
    let help = Command::new(env!("CARGO_BIN_EXE_passport"))
        .args(["admin", "create", "--help"])
        .output()
        .expect("run passport");
    let text = String::from_utf8_lossy(&help.stdout);
    for line in [
        "--username <USERNAME>",
        "--email <EMAIL>",
        "--reset-password",
    ] {
        let described = text
            .lines()
            .any(|l| l.contains(line) && l.trim().len() > line.len() + 4);
        assert!(described, "{line} has a description:\n{text}");
    }
}
