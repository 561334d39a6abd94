//! What each job on the jobs page is for, in Chinese, never a secret: whose reset mail (masked
//! email), which binding's refresh (binding id and masked openid), which SMS (masked mobile).
//! A sealed job is opened with the token key to find its recipient; once completed its sealed
//! payload is gone and the subject says only what kind of message it was.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::accounts::notices::mask_email;
use crate::crypto::token_cipher::{TokenCipher, TokenField};
use crate::domain::{mobile, open_id};
use crate::entities::{jobs as job_rows, social_bindings};
use crate::jobs::{JobKind, JobPayload};

/// The subject of each row, in order.
pub async fn subjects(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    rows: &[job_rows::Model],
) -> Result<Vec<Option<String>>, DbErr> {
    let binding_ids: Vec<i64> = rows.iter().filter_map(super::jobs::binding_id).collect();
    let openids: HashMap<i64, String> = if binding_ids.is_empty() {
        HashMap::new()
    } else {
        social_bindings::Entity::find()
            .filter(social_bindings::Column::Id.is_in(binding_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, open_id::mask(&b.subject)))
            .collect()
    };
    Ok(rows
        .iter()
        .map(|row| subject(row, cipher, &openids))
        .collect())
}

fn payload(row: &job_rows::Model, cipher: &TokenCipher) -> Option<JobPayload> {
    let sealed = row
        .payload
        .get("sealed")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if !sealed {
        return serde_json::from_value(row.payload.clone()).ok();
    }
    let plain = cipher
        .decrypt(
            TokenField::JobPayload,
            row.idempotency_key.as_deref()?,
            row.sealed_payload.as_deref()?,
        )
        .ok()?;
    serde_json::from_str(&plain).ok()
}

fn subject(
    row: &job_rows::Model,
    cipher: &TokenCipher,
    openids: &HashMap<i64, String>,
) -> Option<String> {
    let kind = JobKind::parse(&row.kind)?;
    let Some(payload) = payload(row, cipher) else {
        // A sealed job whose payload was cleared (completed or discarded).
        return Some(
            match kind {
                JobKind::Mail => "邮件（已发送，内容已清除）",
                JobKind::Sms => "短信验证码（已发送，内容已清除）",
                _ => return None,
            }
            .to_owned(),
        );
    };
    Some(match payload {
        JobPayload::Mail(mail) => format!("邮件「{}」发给 {}", mail.subject, mask_email(&mail.to)),
        JobPayload::Sms(sms) => format!("短信验证码发给 {}", mobile::mask(&sms.mobile)),
        JobPayload::PasswordResetRequest { email } => {
            format!("密码重置申请：{}", mask_email(&email))
        }
        JobPayload::SmsCodeRequest { mobile: m, purpose } => {
            let what = if purpose == "login" {
                "登录验证码"
            } else {
                "重置密码验证码"
            };
            format!("{what}申请：{}", mobile::mask(&m))
        }
        JobPayload::QqTokenRefresh { binding_id } => match openids.get(&binding_id) {
            Some(openid) => format!("刷新 QQ 绑定 #{binding_id}（openid {openid}）的令牌"),
            None => format!("刷新 QQ 绑定 #{binding_id} 的令牌（绑定已删除）"),
        },
        JobPayload::WechatTokenRefresh { binding_id } => match openids.get(&binding_id) {
            Some(openid) => format!("刷新微信绑定 #{binding_id}（openid {openid}）的令牌"),
            None => format!("刷新微信绑定 #{binding_id} 的令牌（绑定已删除）"),
        },
        JobPayload::QqUnionidBackfill { requested_by, .. } => {
            format!("补全 QQ unionid（由管理员 #{requested_by} 发起）")
        }
    })
}
