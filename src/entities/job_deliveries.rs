use sea_orm::entity::prelude::*;

/// A side effect that happened: recorded before its job is acked, so a job that runs again
/// (after a crash or a lost lease) is completed without being performed twice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    pub job_id: i64,
    pub kind: String,
    pub delivered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
