use sea_orm_migration::prelude::*;

use crate::m20261125_000002_create_qq_bindings::QqBindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Profile {
    /// When the QQ profile (nickname, avatar) was last fetched from QQ. A login within
    /// `qq_login::PROFILE_MAX_AGE` of it skips QQ's `get_user_info`; NULL: never, fetch.
    ProfileFetchedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QqBindings::Table)
                    .add_column(
                        ColumnDef::new(Profile::ProfileFetchedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QqBindings::Table)
                    .drop_column(Profile::ProfileFetchedAt)
                    .to_owned(),
            )
            .await
    }
}
