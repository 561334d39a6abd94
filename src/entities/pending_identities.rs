use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `qq`, `wechat` or `weibo`.
    pub provider: String,
    pub subject: String,
    pub unionid: Option<String>,
    pub nickname: String,
    pub avatar: String,
    pub access_token_enc: String,
    pub refresh_token_enc: Option<String>,
    pub token_expires_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub consumed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Who its sealed tokens belong to: `super::social_bindings::token_owner`.
    pub fn token_owner(&self) -> std::borrow::Cow<'_, str> {
        super::social_bindings::token_owner(&self.provider, &self.subject)
    }
}
