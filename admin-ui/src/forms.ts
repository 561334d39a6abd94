// Form rules shared by the pages that take a mobile and an SMS code (the server checks again).
import type { FormItemRule } from 'element-plus'

export const MOBILE_RE = /^1[3-9]\d{9}$/

export const MOBILE_RULES: FormItemRule[] = [
  { required: true, message: '请输入手机号', trigger: 'blur' },
  { pattern: MOBILE_RE, message: '请输入正确的 11 位手机号', trigger: 'blur' },
]

export const SMS_CODE_RULES: FormItemRule[] = [
  { required: true, message: '请输入短信验证码', trigger: 'blur' },
  { pattern: /^\d{6}$/, message: '验证码是 6 位数字', trigger: 'blur' },
]

export const NICKNAME_RULES: FormItemRule[] = [
  { required: true, message: '请输入昵称', trigger: 'blur' },
  { min: 2, max: 20, message: '昵称为 2 到 20 个字符', trigger: 'blur' },
]

/** The "again" field of a new password: the same as `first()`. */
export function sameAs(first: () => string): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_r, value: string, cb) => (value === first() ? cb() : cb(new Error('两次输入的密码不一致'))),
  }
}
