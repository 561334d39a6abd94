use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    #[sea_orm(unique)]
    pub mobile: Option<String>,
    /// Normalised and verified; only such an address receives reset links.
    #[sea_orm(unique)]
    pub email: Option<String>,
    #[sea_orm(unique)]
    pub nickname: String,
    pub avatar: String,
    pub password_hash: Option<String>,
    pub token_version: i32,
    pub is_staff: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set while staff have locked the account (every sign-in refused).
    pub locked_at: Option<DateTimeUtc>,
    pub locked_reason: Option<String>,
    /// When the generated username was replaced (allowed once).
    pub username_changed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::social_bindings::Entity")]
    QqBinding,
}

impl Related<super::social_bindings::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::QqBinding.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
