use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// A person's identity at a sign-in provider (QQ, WeChat, Weibo), bound to one of our users.
#[sea_orm(table_name = "social_bindings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique with `provider`: one binding per provider per user.
    pub user_id: i64,
    /// `qq`, `wechat` or `weibo` (`oauth::ProviderKind::as_str`).
    pub provider: String,
    /// The person under our app: QQ/WeChat openid, Weibo uid. Unique with `provider`.
    pub subject: String,
    /// The person under the developer account (QQ, WeChat); unique with `provider` when present.
    pub unionid: Option<String>,
    pub nickname: String,
    pub avatar: String,
    /// Encrypted at rest; never returned by any API.
    pub access_token_enc: String,
    /// `None` where the provider has no refresh grant (Weibo).
    pub refresh_token_enc: Option<String>,
    pub token_expires_at: DateTimeUtc,
    pub token_version: i64,
    pub refresh_status: String,
    pub refresh_error: Option<String>,
    pub last_refreshed_at: Option<DateTimeUtc>,
    pub bound_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    /// Held by the refresher working on this binding (see `accounts::qq_tokens`).
    pub refresh_lease_until: Option<DateTimeUtc>,
    /// When nickname and avatar were last fetched from QQ (a fresh one spares a login the call).
    pub profile_fetched_at: Option<DateTimeUtc>,
    /// The `token_version` whose refresh token a refresher has handed to QQ and whose answer it
    /// has not stored yet (written with the lease; see `accounts::qq_tokens`).
    pub refresh_sent_version: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Who its sealed tokens belong to (their associated data): see [`token_owner`].
    pub fn token_owner(&self) -> std::borrow::Cow<'_, str> {
        token_owner(&self.provider, &self.subject)
    }
}

/// The owner a provider's tokens are sealed for (`TokenField::QqAccessToken` /
/// `QqRefreshToken`'s associated data): QQ's openid as it always was, `"{provider}:{subject}"`
/// for the others, so a ciphertext never opens under another provider's identity. Every place
/// that seals or opens a binding's or pending identity's tokens goes through here (logins, the
/// refresher, the key rotation).
pub fn token_owner<'a>(provider: &str, subject: &'a str) -> std::borrow::Cow<'a, str> {
    if provider == crate::oauth::ProviderKind::Qq.as_str() {
        std::borrow::Cow::Borrowed(subject)
    } else {
        std::borrow::Cow::Owned(format!("{provider}:{subject}"))
    }
}
