// Form rules shared by the pages (the server checks again), and the validate-first step of a submit.
import type { FormInstance, FormItemRule, FormRules } from 'element-plus'
import { passwordRule } from './passwords'

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

/** Whether the form's own rules pass (each field says what is wrong); false without a form. */
export async function isValid(form: FormInstance | undefined): Promise<boolean> {
  return !!(await form?.validate().catch(() => false))
}

/** The account + password sign-in (the page, the QQ bind tab, the admin login). */
export function credentialRules(accountMessage = '请输入用户名、手机号或邮箱'): FormRules {
  return {
    account: [{ required: true, message: accountMessage, trigger: 'blur' }],
    password: [{ required: true, message: '请输入密码', trigger: 'blur' }],
  }
}

/** A new password: required (with `message`), and as the server's rules want it. */
export function newPasswordRules(message = '请输入新密码'): FormItemRule[] {
  return [{ required: true, message, trigger: 'blur' }, passwordRule]
}

/** The "again" field of a new password (`<NewPassword v-model:again>`). */
export function againRules(first: () => string): FormItemRule[] {
  return [{ required: true, message: '请再次输入新密码', trigger: 'blur' }, sameAs(first)]
}
