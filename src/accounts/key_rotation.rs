//! `passport keys rotate`: re-encrypt every stored QQ token under the current token key, so an
//! old key can leave `PASSPORT_TOKEN_KEYS_OLD`.
//!
//! Safe while instances serve: rows are read in batches (keyset on the id, so a run that stops
//! can simply be started again: what is already under the current key is not selected), and each
//! rewrite is a compare-and-swap on the ciphertexts it read (and, for bindings, on
//! `token_version`), so a refresh or login that stored newer tokens meanwhile always wins. The
//! rotation never bumps `token_version`: the plaintext is unchanged, and a refresher holding the
//! binding's lease must still be able to store the pair QQ just rotated.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use crate::crypto::{TokenCipher, TokenField};
use crate::entities::{pending_identities, social_bindings};

/// Rows read and rewritten per transaction.
pub const DEFAULT_BATCH: u64 = 500;

/// What a rotation did to one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RotationCount {
    /// Rows now under the current key.
    pub rotated: u64,
    /// Rows whose tokens changed between our read and our write; the newer tokens stand (they
    /// were written under the current key by whoever changed them).
    pub changed_meanwhile: u64,
    /// Rows no configured key opens; left as they are (see [`rotate`]).
    pub undecryptable: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    pub bindings: RotationCount,
    pub pending: RotationCount,
}

/// Which table a progress report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenTable {
    QqBindings,
    PendingQqIdentities,
}

impl TokenTable {
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenTable::QqBindings => "social_bindings",
            TokenTable::PendingQqIdentities => "pending_identities",
        }
    }
}

/// Re-encrypt every token in `social_bindings` and `pending_identities` that is not yet under
/// `cipher`'s current key, `batch` rows per transaction, calling `progress` after each batch
/// with the running count.
///
/// A row no configured key opens is counted and left untouched: rewriting or marking it here
/// would turn a configuration mistake (an old key missing from `PASSPORT_TOKEN_KEYS_OLD`) into
/// lost data. Such a binding is marked `refresh_failed` (`token_undecryptable`) by the
/// refresher when it comes due, and its owner's next QQ login stores fresh tokens.
pub async fn rotate(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    batch: u64,
    mut progress: impl FnMut(TokenTable, &RotationCount),
) -> Result<RotationReport, DbErr> {
    let batch = batch.max(1);
    let mut report = RotationReport::default();
    let mut after: i64 = 0;
    loop {
        let rows = social_bindings::Entity::find()
            .filter(social_bindings::Column::Id.gt(after))
            .filter(stale_condition(
                cipher,
                social_bindings::Column::AccessTokenEnc,
                social_bindings::Column::RefreshTokenEnc,
            ))
            .order_by_asc(social_bindings::Column::Id)
            .limit(batch)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let txn = db.begin().await?;
        for row in &rows {
            report
                .bindings
                .add(rotate_binding(&txn, cipher, row).await?);
        }
        txn.commit().await?;
        progress(TokenTable::QqBindings, &report.bindings);
    }

    let mut after = String::new();
    loop {
        let rows = pending_identities::Entity::find()
            .filter(pending_identities::Column::Id.gt(after.clone()))
            .filter(stale_condition(
                cipher,
                pending_identities::Column::AccessTokenEnc,
                pending_identities::Column::RefreshTokenEnc,
            ))
            .order_by_asc(pending_identities::Column::Id)
            .limit(batch)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id.clone();
        let txn = db.begin().await?;
        for row in &rows {
            report.pending.add(rotate_pending(&txn, cipher, row).await?);
        }
        txn.commit().await?;
        progress(TokenTable::PendingQqIdentities, &report.pending);
    }
    Ok(report)
}

/// What happened to one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRotation {
    Rotated,
    /// The row no longer holds what was read; nothing written.
    ChangedMeanwhile,
    Undecryptable,
}

impl RotationCount {
    fn add(&mut self, outcome: RowRotation) {
        match outcome {
            RowRotation::Rotated => self.rotated += 1,
            RowRotation::ChangedMeanwhile => self.changed_meanwhile += 1,
            RowRotation::Undecryptable => self.undecryptable += 1,
        }
    }
}

/// Re-encrypt one binding as read in `row`: a compare-and-swap on its ciphertexts and
/// `token_version`, which it leaves as it is.
pub async fn rotate_binding<C: ConnectionTrait>(
    db: &C,
    cipher: &TokenCipher,
    row: &social_bindings::Model,
) -> Result<RowRotation, DbErr> {
    rotate_row::<social_bindings::Entity, _>(db, cipher, row).await
}

/// Re-encrypt one pending identity as read in `row` (compare-and-swap on its ciphertexts).
pub async fn rotate_pending<C: ConnectionTrait>(
    db: &C,
    cipher: &TokenCipher,
    row: &pending_identities::Model,
) -> Result<RowRotation, DbErr> {
    rotate_row::<pending_identities::Entity, _>(db, cipher, row).await
}

/// A table of sealed QQ tokens, as the rotation reads and rewrites it.
trait TokenRows: EntityTrait {
    const ACCESS: Self::Column;
    const REFRESH: Self::Column;
    /// The tokens' owner (their associated data, `social_bindings::token_owner`), the sealed
    /// access and refresh tokens.
    fn sealed(row: &Self::Model) -> (std::borrow::Cow<'_, str>, &str, &Option<String>);
    /// The row as read, besides its ciphertexts: its id (and, for a binding, `token_version`).
    fn as_read(row: &Self::Model) -> Condition;
}

impl TokenRows for social_bindings::Entity {
    const ACCESS: Self::Column = social_bindings::Column::AccessTokenEnc;
    const REFRESH: Self::Column = social_bindings::Column::RefreshTokenEnc;

    fn sealed(row: &social_bindings::Model) -> (std::borrow::Cow<'_, str>, &str, &Option<String>) {
        (
            row.token_owner(),
            &row.access_token_enc,
            &row.refresh_token_enc,
        )
    }

    fn as_read(row: &social_bindings::Model) -> Condition {
        Condition::all()
            .add(social_bindings::Column::Id.eq(row.id))
            .add(social_bindings::Column::TokenVersion.eq(row.token_version))
    }
}

impl TokenRows for pending_identities::Entity {
    const ACCESS: Self::Column = pending_identities::Column::AccessTokenEnc;
    const REFRESH: Self::Column = pending_identities::Column::RefreshTokenEnc;

    fn sealed(
        row: &pending_identities::Model,
    ) -> (std::borrow::Cow<'_, str>, &str, &Option<String>) {
        (
            row.token_owner(),
            &row.access_token_enc,
            &row.refresh_token_enc,
        )
    }

    fn as_read(row: &pending_identities::Model) -> Condition {
        Condition::all().add(pending_identities::Column::Id.eq(row.id.clone()))
    }
}

async fn rotate_row<T: TokenRows, C: ConnectionTrait>(
    db: &C,
    cipher: &TokenCipher,
    row: &T::Model,
) -> Result<RowRotation, DbErr> {
    let (owner, access_enc, refresh_enc) = T::sealed(row);
    let Some((access, refresh)) = resealed(cipher, &owner, access_enc, refresh_enc) else {
        return Ok(RowRotation::Undecryptable);
    };
    let swapped = T::update_many()
        .col_expr(T::ACCESS, Expr::value(access))
        .col_expr(T::REFRESH, Expr::value(refresh))
        .filter(T::as_read(row))
        .filter(T::ACCESS.eq(access_enc))
        .filter(same_optional(T::REFRESH, refresh_enc))
        .exec(db)
        .await?;
    Ok(if swapped.rows_affected == 1 {
        RowRotation::Rotated
    } else {
        RowRotation::ChangedMeanwhile
    })
}

/// How many rows (bindings, pending identities) still hold a token not under the current key.
pub async fn remaining(db: &DatabaseConnection, cipher: &TokenCipher) -> Result<(u64, u64), DbErr> {
    let bindings = social_bindings::Entity::find()
        .filter(stale_condition(
            cipher,
            social_bindings::Column::AccessTokenEnc,
            social_bindings::Column::RefreshTokenEnc,
        ))
        .count(db)
        .await?;
    let pending = pending_identities::Entity::find()
        .filter(stale_condition(
            cipher,
            pending_identities::Column::AccessTokenEnc,
            pending_identities::Column::RefreshTokenEnc,
        ))
        .count(db)
        .await?;
    Ok((bindings, pending))
}

/// Rows with a token not under the current key (served by a scan; a rotation is rare).
fn stale_condition(
    cipher: &TokenCipher,
    access: impl ColumnTrait,
    refresh: impl ColumnTrait,
) -> Condition {
    // Key ids are hex, so the pattern holds no LIKE wildcards.
    let current = format!("{}:%", cipher.current_key_id());
    // A consumed or expired pending identity's tokens are wiped (empty): nothing to re-encrypt.
    Condition::all().add(access.ne("")).add(
        Condition::any().add(access.not_like(current.clone())).add(
            Condition::all()
                .add(refresh.is_not_null())
                .add(refresh.not_like(current)),
        ),
    )
}

fn same_optional(column: impl ColumnTrait, value: &Option<String>) -> Condition {
    match value {
        Some(v) => Condition::all().add(column.eq(v.clone())),
        None => Condition::all().add(column.is_null()),
    }
}

/// Both tokens sealed under the current key, or `None` when one cannot be opened.
fn resealed(
    cipher: &TokenCipher,
    owner: &str,
    access: &str,
    refresh: &Option<String>,
) -> Option<(String, Option<String>)> {
    let reseal = |field: TokenField, stored: &str| -> Option<String> {
        if cipher.is_current(stored) {
            return Some(stored.to_owned());
        }
        let plain = cipher.decrypt(field, owner, stored).ok()?;
        cipher.encrypt(field, owner, &plain).ok()
    };
    let access = reseal(TokenField::QqAccessToken, access)?;
    let refresh = match refresh {
        Some(stored) => Some(reseal(TokenField::QqRefreshToken, stored)?),
        None => None,
    };
    Some((access, refresh))
}
