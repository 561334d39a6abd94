// How statuses, kinds and actions read in the panel.
import type { AuditEntry, BindingStatus, Job, JobState } from '../../api/admin'

export type { BindingStatus }
/** The job kinds and audit actions the API declares (enums in the spec): a label missing here,
 * or one for a kind the API no longer has, fails the type check. */
export type JobKind = Job['kind']
export type AuditAction = AuditEntry['action']

export const STATUS: Record<BindingStatus, { label: string; tag: 'success' | 'warning' | 'danger' | 'info' }> = {
  fresh: { label: '正常', tag: 'success' },
  expiring: { label: '即将过期', tag: 'warning' },
  expired: { label: '已过期', tag: 'info' },
  refresh_failed: { label: '刷新失败', tag: 'danger' },
}

export const JOB_STATES: Record<JobState, string> = {
  available: '待执行',
  running: '执行中',
  retryable: '等待重试',
  completed: '已完成',
  discarded: '已放弃',
}

export const JOB_KINDS: Record<JobKind, string> = {
  mail: '发送邮件',
  sms: '发送短信',
  qq_token_refresh: '刷新 QQ 令牌',
  password_reset_request: '密码重置请求',
  sms_code_request: '短信验证码请求',
}

export const AUDIT_ACTIONS: Record<AuditAction, string> = {
  'qq_binding.refresh': '手动刷新令牌',
  'qq_binding.unbind': '解除绑定',
  'job.retry': '重试任务',
  'user.lock': '锁定账号',
  'user.unlock': '解除锁定',
  'user.force_password_reset': '强制重置密码',
}
