// An admin action that changes an account or a binding asks why first; the reason goes to the
// audit log with it.
import { ElMessageBox } from 'element-plus'

export interface ReasonPrompt {
  /** What the action does, ending in 。; the prompt adds the request for a reason. */
  ask: string
  title: string
  confirm: string
  placeholder: string
}

/** The reason typed (trimmed, at least 2 characters), or null when the admin cancelled. */
export async function askReason(p: ReasonPrompt): Promise<string | null> {
  const answer = await ElMessageBox.prompt(`${p.ask}请填写原因（会记入操作日志）：`, p.title, {
    confirmButtonText: p.confirm,
    cancelButtonText: '取消',
    inputPlaceholder: p.placeholder,
    inputValidator: (v: string) => (v && v.trim().length >= 2 ? true : '请填写至少 2 个字的原因'),
    type: 'warning',
  }).catch(() => null)
  return answer ? answer.value.trim() : null
}
