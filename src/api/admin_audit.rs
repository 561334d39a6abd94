//! `GET /api/admin/audit`: the audit log (staff only), filtered by actor, action, target and
//! time, paged. A binding's drawer shows its entries while it exists (`/admin/bindings/{id}`);
//! after an unbind the binding is gone, and this is where the panel reads the entry the unbind
//! wrote.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use crate::admin::bindings::{DRAWER_LIMIT, TARGET_TYPE as BINDING};
use crate::api::ApiTags;
use crate::api::admin::{AuditEntryView, page_number, per_page_of};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::error::ApiError;

operation_errors! {
    /// `adminListAudit`
    pub AdminListAuditError(Gate::Staff, input) {
        400 => [invalid_page, invalid_per_page],
    }
}
use crate::api::security::StaffAuth;
use crate::audit;
use crate::state::AppState;

pub struct AdminAuditApi;

/// What an audit entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum AuditTargetType {
    /// A QQ binding (`target_id` is the binding's id, which outlives its deletion here).
    QqBinding,
    /// A job of the queue.
    Job,
    /// A user account (lock, unlock, forced password reset).
    User,
}

#[derive(Debug, Object)]
pub struct AuditLog {
    /// Newest first.
    pub items: Vec<AuditEntryView>,
    pub page: u64,
    pub per_page: u64,
    /// Entries matching the filters.
    pub total: u64,
}

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::Admin")]
impl AdminAuditApi {
    /// The audit log, filtered and paged / 操作审计日志
    ///
    /// Every filter narrows; none gives every entry. `actor`: the staff member's username;
    /// `action`: e.g. `user.lock`, `qq_binding.unbind`; `target_type` with `target_id`: one
    /// target, also after it was deleted (an unbound binding); `from` (inclusive) and `to`
    /// (exclusive): RFC 3339 times. Newest first; `page` (1-based), `per_page` (1–100, default
    /// 20).
    ///
    /// 按操作人、操作类型、操作对象和时间筛选审计记录，最新的在前。
    #[oai(path = "/audit", method = "get", operation_id = "adminListAudit")]
    #[allow(clippy::too_many_arguments)]
    async fn list_audit(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        /// What the entries are about.
        target_type: Query<Option<AuditTargetType>>,
        /// Its id, e.g. the binding's or the user's id.
        target_id: Query<Option<i64>>,
        /// The staff member's username.
        actor: Query<Option<String>>,
        /// The action, e.g. `user.lock`.
        action: Query<Option<String>>,
        /// From this time (inclusive).
        from: Query<Option<DateTime<Utc>>>,
        /// Before this time (exclusive).
        to: Query<Option<DateTime<Utc>>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
            Option<u64>,
        >,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<
            Option<u64>,
        >,
    ) -> Result<Json<AuditLog>, OpError<AdminListAuditError>> {
        let page = page_number(page.0)?;
        let per_page = per_page_of(per_page.0, 20, DRAWER_LIMIT)?;
        let text = |q: Option<String>| q.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let filter = audit::Filter {
            actor: text(actor.0),
            action: text(action.0),
            target_type: target_type.0.map(|t| {
                match t {
                    AuditTargetType::QqBinding => BINDING,
                    AuditTargetType::Job => "job",
                    AuditTargetType::User => "user",
                }
                .to_owned()
            }),
            target_id: target_id.0.map(|id| id.to_string()),
            from: from.0,
            to: to.0,
        };
        let (entries, total) = audit::search(&state.db, &filter, page, per_page)
            .await
            .map_err(ApiError::from)?;
        Ok(Json(AuditLog {
            items: entries
                .into_iter()
                .map(AuditEntryView::try_from)
                .collect::<Result<_, _>>()?,
            page,
            per_page,
            total,
        }))
    }
}
