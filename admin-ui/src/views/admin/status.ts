// How statuses, kinds and actions read in the panel.
import type {
  AuditEntry,
  BindingStatus,
  Job,
  JobState,
  RefreshStatus,
  TokenEventKind,
  UnionidBackfillState,
} from '../../api/admin'

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
  wechat_token_refresh: '刷新微信令牌',
  password_reset_request: '密码重置请求',
  sms_code_request: '短信验证码请求',
  qq_unionid_backfill: '补全 QQ unionid',
}

export const AUDIT_ACTIONS: Record<AuditAction, string> = {
  // Every provider's binding is audited under the `qq_binding` names (they predate WeChat and Weibo).
  'qq_binding.refresh': '手动刷新令牌',
  'qq_binding.unbind': '解除绑定',
  'job.retry': '重试任务',
  'user.lock': '锁定账号',
  'user.unlock': '解除锁定',
  'user.force_password_reset': '强制重置密码',
  'qq_unionid.backfill': '发起补全 unionid',
  'qq_unionid.backfill_finished': '补全 unionid 结束',
}

/** A binding's token history, by event kind (an enum in the spec); the drawer names the provider. */
export const TOKEN_EVENTS: Record<TokenEventKind, { label: string; tag: 'success' | 'danger' | 'info' }> = {
  bound: { label: '绑定（首次登录）', tag: 'info' },
  login: { label: '登录', tag: 'info' },
  refresh: { label: '令牌已刷新', tag: 'success' },
  refresh_failed: { label: '令牌刷新失败', tag: 'danger' },
}

export const REFRESH_STATUS: Record<RefreshStatus, { label: string; tag: 'success' | 'danger' }> = {
  ok: { label: '令牌刷新正常', tag: 'success' },
  refresh_failed: { label: '令牌刷新失败，需重新登录', tag: 'danger' },
}

/** The unionid back-fill's run states; `done` once the run will not change any more. */
export const BACKFILL_STATES: Record<
  UnionidBackfillState,
  { label: string; tag: 'success' | 'warning' | 'danger' | 'info' | 'primary'; done: boolean }
> = {
  queued: { label: '排队中', tag: 'info', done: false },
  running: { label: '进行中', tag: 'primary', done: false },
  retrying: { label: '出错，等待重试', tag: 'warning', done: false },
  completed: { label: '已完成', tag: 'success', done: true },
  not_permitted: { label: '未获 unionid 权限', tag: 'danger', done: true },
  misconfigured: { label: 'QQ 应用配置有误', tag: 'danger', done: true },
  failed: { label: '已放弃', tag: 'danger', done: true },
}
