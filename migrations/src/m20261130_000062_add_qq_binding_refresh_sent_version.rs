use sea_orm_migration::prelude::*;

use crate::m20261125_000002_create_qq_bindings::QqBindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Intent {
    /// The `token_version` whose refresh token a refresher is handing to QQ, written with the
    /// refresh lease before the call and cleared with the answer. Set for the current version
    /// after the lease lapsed, it means the refresher died mid-call: QQ may have rotated the
    /// token already, so no other refresher may send it again.
    RefreshSentVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QqBindings::Table)
                    .add_column(
                        ColumnDef::new(Intent::RefreshSentVersion)
                            .big_integer()
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
                    .drop_column(Intent::RefreshSentVersion)
                    .to_owned(),
            )
            .await
    }
}
