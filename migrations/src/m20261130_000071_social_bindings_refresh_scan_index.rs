//! The refresher's scan by provider (issue #15): QQ and WeChat bindings are scanned separately
//! (`provider = … AND refresh_status = 'ok' AND token_expires_at < …`, ordered by expiry), and
//! Weibo's never. An index `(provider, refresh_status, token_expires_at)` serves each scan as one
//! range, so its work grows with the bindings due at that provider, not with all bindings.
use sea_orm_migration::prelude::*;

use crate::m20261130_000070_social_bindings::SocialBindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "ix_social_bindings_provider_refresh";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(SocialBindings::Table)
                    .col(SocialBindings::Provider)
                    .col(SocialBindings::RefreshStatus)
                    .col(SocialBindings::TokenExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(SocialBindings::Table)
                    .to_owned(),
            )
            .await
    }
}
