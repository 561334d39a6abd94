//! The history of a QQ binding's tokens, shown in the admin drawer and counted by the dashboard.
//! Writers call [`record`] inside the transaction that changes the binding, so the history never
//! disagrees with the binding. Events never hold a token.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::{binding_token_events, social_bindings};

/// What happened (the `kind` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenEventKind {
    /// The binding was created (bind an existing account, or register).
    Bound,
    /// A QQ login of a bound user stored fresh tokens.
    Login,
    /// The refresher renewed the access token.
    Refresh,
    /// The refresher could not renew it.
    RefreshFailed,
}

impl TokenEventKind {
    pub const ALL: [TokenEventKind; 4] = [
        TokenEventKind::Bound,
        TokenEventKind::Login,
        TokenEventKind::Refresh,
        TokenEventKind::RefreshFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenEventKind::Bound => "bound",
            TokenEventKind::Login => "login",
            TokenEventKind::Refresh => "refresh",
            TokenEventKind::RefreshFailed => "refresh_failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Append one event for `binding`. `detail` is for people (an error text, the new expiry),
/// never a token.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    binding: &social_bindings::Model,
    kind: TokenEventKind,
    at: DateTime<Utc>,
    detail: Option<String>,
) -> Result<(), DbErr> {
    event(binding, kind, at, detail).insert(conn).await?;
    Ok(())
}

/// Append `events` ([`event`]) in one statement.
pub async fn record_all<C: ConnectionTrait>(
    conn: &C,
    events: Vec<binding_token_events::ActiveModel>,
) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    binding_token_events::Entity::insert_many(events)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// One event for `binding`, as [`record`] appends it.
pub fn event(
    binding: &social_bindings::Model,
    kind: TokenEventKind,
    at: DateTime<Utc>,
    detail: Option<String>,
) -> binding_token_events::ActiveModel {
    binding_token_events::ActiveModel {
        binding_id: Set(binding.id),
        provider: Set(binding.provider.clone()),
        kind: Set(kind.as_str().to_owned()),
        at: Set(at),
        detail: Set(detail),
        ..Default::default()
    }
}
