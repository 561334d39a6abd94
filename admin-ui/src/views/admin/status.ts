// How a binding's token status looks in the panel.
export type BindingStatus = 'fresh' | 'expiring' | 'expired' | 'refresh_failed'

export const STATUS: Record<BindingStatus, { label: string; tag: 'success' | 'warning' | 'danger' | 'info' }> = {
  fresh: { label: '正常', tag: 'success' },
  expiring: { label: '即将过期', tag: 'warning' },
  expired: { label: '已过期', tag: 'info' },
  refresh_failed: { label: '刷新失败', tag: 'danger' },
}

export const JOB_STATES: Record<string, string> = {
  available: '待执行',
  running: '执行中',
  retryable: '等待重试',
  completed: '已完成',
  discarded: '已放弃',
}

export const JOB_KINDS: Record<string, string> = {
  send_mail: '发送邮件',
  send_sms: '发送短信',
  refresh_qq_token: '刷新 QQ 令牌',
}

export const AUDIT_ACTIONS: Record<string, string> = {
  'binding.refresh': '手动刷新令牌',
  'binding.unbind': '解除绑定',
  'job.retry': '重试任务',
}
