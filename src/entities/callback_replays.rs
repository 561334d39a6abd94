use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "callback_replays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nonce_hash: String,
    pub code_hash: String,
    pub user_id: Option<i64>,
    pub pending_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
