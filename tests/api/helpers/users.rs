//! Accounts made straight in the database, for tests that need one to exist.

use chrono::{DateTime, Utc};
use passport::entities::users;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::TestApp;

/// A `users` row with a nickname from its username and nothing else set; each method sets one
/// more column.
pub struct UserBuilder {
    username: String,
    nickname: String,
    mobile: Option<String>,
    email: Option<String>,
    avatar: String,
    password: Option<String>,
    staff: bool,
    now: DateTime<Utc>,
}

pub fn user(username: &str) -> UserBuilder {
    UserBuilder {
        username: username.to_owned(),
        nickname: format!("昵称{username}"),
        mobile: None,
        email: None,
        avatar: String::new(),
        password: None,
        staff: false,
        now: Utc::now(),
    }
}

impl UserBuilder {
    pub fn nickname(mut self, nickname: impl Into<String>) -> Self {
        self.nickname = nickname.into();
        self
    }

    pub fn mobile(mut self, mobile: Option<&str>) -> Self {
        self.mobile = mobile.map(str::to_owned);
        self
    }

    pub fn email(mut self, email: Option<&str>) -> Self {
        self.email = email.map(str::to_owned);
        self
    }

    pub fn avatar(mut self, avatar: impl Into<String>) -> Self {
        self.avatar = avatar.into();
        self
    }

    /// Hashed as the app hashes passwords.
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_owned());
        self
    }

    pub fn staff(mut self, staff: bool) -> Self {
        self.staff = staff;
        self
    }

    /// `created_at` and `updated_at`.
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// The row, without a password whatever [`Self::password`] said (no hashing: for seeding
    /// many accounts at once).
    pub fn row(self) -> users::ActiveModel {
        users::ActiveModel {
            username: Set(self.username),
            nickname: Set(self.nickname),
            mobile: Set(self.mobile),
            email: Set(self.email),
            avatar: Set(self.avatar),
            password_hash: Set(None),
            token_version: Set(0),
            is_staff: Set(self.staff),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
    }

    pub async fn model(self) -> users::ActiveModel {
        let password_hash = match &self.password {
            Some(password) => Some(
                passport::crypto::PasswordHasher::owasp()
                    .hash(&passport::domain::Password::parse(password).expect("password"))
                    .await
                    .expect("hash"),
            ),
            None => None,
        };
        let mut row = self.row();
        row.password_hash = Set(password_hash);
        row
    }

    pub async fn insert(self, db: &impl ConnectionTrait) -> users::Model {
        self.model().await.insert(db).await.expect("insert user")
    }

    /// Inserted into the app's database.
    pub async fn create(self, app: &TestApp) -> users::Model {
        self.insert(&app.db).await
    }
}

impl TestApp {
    /// A session token for `user`, as a sign-in would issue it.
    pub fn token_for(&self, user: &users::Model) -> String {
        passport::api::users::issue_token(&self.state, user).expect("token")
    }
}
