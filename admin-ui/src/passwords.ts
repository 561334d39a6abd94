// The server's password rules (src/domain/password.rs), checked early for a friendlier form:
// 8–128 characters, at least two of letters, digits and symbols.
import type { FormItemRule } from 'element-plus'

export function passwordProblem(pw: string): string | null {
  if (pw.length < 8) return '密码至少需要 8 个字符'
  if (pw.length > 128) return '密码不能超过 128 个字符'
  if (classes(pw) < 2) return '密码需包含字母、数字、符号中的至少两类'
  return null
}

function classes(pw: string): number {
  return [/[A-Za-z]/, /\d/, /[^A-Za-z\d\s]/].filter((re) => re.test(pw)).length
}

/** 0 = too weak to be accepted, 1 weak, 2 medium, 3 strong. */
export function strength(pw: string): 0 | 1 | 2 | 3 {
  if (passwordProblem(pw)) return 0
  const score = classes(pw) + (pw.length >= 12 ? 1 : 0)
  return score >= 4 ? 3 : score === 3 ? 2 : 1
}

export const passwordRule: FormItemRule = {
  trigger: 'blur',
  validator: (_rule, value: string, callback) => {
    const problem = passwordProblem(value ?? '')
    if (problem) callback(new Error(problem))
    else callback()
  },
}
