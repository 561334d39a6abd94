use sea_orm_migration::prelude::*;

use crate::m20261125_000004_create_jobs::Jobs;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sealed {
    /// A job whose work carries a secret (an SMS code, a reset or verification link) keeps the
    /// whole payload here, AES-256-GCM sealed under the token key; `payload` then says only
    /// `{"kind": …, "sealed": true}`. Cleared when the job completes or is discarded.
    SealedPayload,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(ColumnDef::new(Sealed::SealedPayload).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Sealed::SealedPayload)
                    .to_owned(),
            )
            .await
    }
}
