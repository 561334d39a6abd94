use sea_orm::entity::prelude::*;

/// One thing that happened to a binding's tokens (`bound`, `login`, `refresh`,
/// `refresh_failed`). Outlives the binding; never holds a token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "binding_token_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub binding_id: i64,
    /// The binding's provider, kept here so per-provider statistics survive an unbind.
    pub provider: String,
    pub kind: String,
    pub at: DateTimeUtc,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
