//! `GET /api/admin/audit`: the audit log about one target (staff only). A binding's drawer shows
//! its entries while it exists (`/admin/bindings/{id}`); after an unbind the binding is gone, and
//! this is where the panel reads the entry the unbind wrote.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use crate::admin::audit;
use crate::admin::bindings::{DRAWER_LIMIT, TARGET_TYPE as BINDING};
use crate::api::ApiTags;
use crate::api::admin::AuditEntryView;
use crate::api::error::ApiError;
use crate::api::security::StaffAuth;
use crate::startup::AppState;

pub struct AdminAuditApi;

/// What an audit entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum AuditTargetType {
    /// A QQ binding (`target_id` is the binding's id, which outlives its deletion here).
    QqBinding,
    /// A job of the queue.
    Job,
}

#[derive(Debug, Object)]
pub struct AuditLog {
    /// Newest first, at most 100.
    pub items: Vec<AuditEntryView>,
}

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::Admin")]
impl AdminAuditApi {
    /// Audit entries about one target / 查看某对象的审计记录（仅管理员）
    ///
    /// The audit entries about one target, newest first (staff only); also after the target
    /// was deleted (an unbound binding).
    #[oai(path = "/audit", method = "get", operation_id = "adminListAudit")]
    async fn list_audit(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        /// What the entries are about (required).
        target_type: Query<Option<AuditTargetType>>,
        /// Its id, e.g. the binding's id (required).
        target_id: Query<Option<i64>>,
    ) -> Result<Json<AuditLog>, ApiError> {
        let (Some(target_type), Some(target_id)) = (target_type.0, target_id.0) else {
            return Err(ApiError::bad_request(
                "invalid_request",
                "请指定要查看的操作对象（target_type 和 target_id）",
            ));
        };
        let target_type = match target_type {
            AuditTargetType::QqBinding => BINDING,
            AuditTargetType::Job => "job",
        };
        let entries =
            audit::for_target(&state.db, target_type, &target_id.to_string(), DRAWER_LIMIT)
                .await
                .map_err(|e| ApiError::internal(&e))?;
        Ok(Json(AuditLog {
            items: entries.into_iter().map(AuditEntryView::from).collect(),
        }))
    }
}
