use sea_orm_migration::prelude::*;

use crate::m20261125_000002_create_qq_bindings::QqBindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Lease {
    /// While set and in the future, one refresher holds the binding: no second refresh may send
    /// the same refresh token to QQ (which rotates it), whatever the instance.
    RefreshLeaseUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QqBindings::Table)
                    .add_column(
                        ColumnDef::new(Lease::RefreshLeaseUntil)
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
                    .drop_column(Lease::RefreshLeaseUntil)
                    .to_owned(),
            )
            .await
    }
}
