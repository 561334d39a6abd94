use sea_orm_migration::prelude::*;

use crate::m20261125_000001_create_users::Users;
use crate::m20261125_000006_create_sms_codes::SmsCodes;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Issue 16: SMS codes carry what they are for; accounts can be locked by staff; a generated
/// username may be changed once.
#[derive(DeriveIden)]
enum Added {
    /// `qq_register`, `signup`, `login` or `reset_password`: a code is accepted only for the
    /// purpose it was sent for. Rows from before are QQ registration codes.
    Purpose,
    /// Set while staff have locked the account: every sign-in path refuses it.
    LockedAt,
    /// Why staff locked it (also in the audit log).
    LockedReason,
    /// When the owner replaced the generated `rr_…` username (allowed once).
    UsernameChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(SmsCodes::Table)
                    .add_column(
                        ColumnDef::new(Added::Purpose)
                            .string_len(32)
                            .not_null()
                            .default("qq_register"),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            ColumnDef::new(Added::LockedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Added::LockedReason)
                .string_len(500)
                .null()
                .to_owned(),
            ColumnDef::new(Added::UsernameChangedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Added::LockedAt,
            Added::LockedReason,
            Added::UsernameChangedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SmsCodes::Table)
                    .drop_column(Added::Purpose)
                    .to_owned(),
            )
            .await
    }
}
