// The account pages' calls (sign-up and sign-in, the reader's own account, SMS codes, password
// resets, email verification; the social sign-in round trip is in `./social`), typed by the
// generated schema. The calls the server may guard with a captcha go through `withCaptcha` here,
// so no page handles `captcha_required` itself.
import { withCaptcha, type CaptchaFailure } from '../captcha'
import { api, run, type OperationErrorCode, type Schemas } from './client'
import type { ClientErrorCode } from '@renran/passport-client'

type Uncaptcha<T> = Omit<T, 'captcha'>

// Signing up and in.

export const logIn = (body: Uncaptcha<Schemas['LoginRequest']>) =>
  withCaptcha((captcha) => run(api.POST('/users/login', { body: { ...body, captcha } })))

export const logInBySms = (body: Schemas['SmsLoginRequest']) =>
  withCaptcha((captcha) => run(api.POST('/users/login/sms', { body: { ...body, captcha } })))

export const signUp = (body: Schemas['SignupRequest']) =>
  withCaptcha((captcha) => run(api.POST('/users', { body: { ...body, captcha } })))

export const sendSmsCode = (body: Uncaptcha<Schemas['SmsCodeRequest']>) =>
  withCaptcha((captcha) => run(api.POST('/sms/codes', { body: { ...body, captcha } })))

/** Why the SMS button got no code: the API's answers, the captcha's, and the button's own
 * (`invalid_mobile` before asking, `check_failed` when the form's check stopped it). */
export type SmsCodeFailure = OperationErrorCode<'sendSmsCode'> | ClientErrorCode | CaptchaFailure | 'check_failed'

export const nicknameAvailability = (nickname: string) =>
  run(api.GET('/users/availability', { params: { query: { nickname } } }))

// The signed-in reader's own account.

export const getMe = () => run(api.GET('/users/me'))

export const updateProfile = (body: Schemas['ProfileUpdate']) => run(api.PATCH('/users/me', { body }))

export const changeUsername = (username: string) => run(api.PUT('/users/me/username', { body: { username } }))

export const changePassword = (body: Schemas['PasswordChange']) => run(api.PUT('/users/me/password', { body }))

export const changeEmail = (body: Schemas['EmailChange']) => run(api.PUT('/users/me/email', { body }))

// A way back into an account, and the email link.

export const requestPasswordReset = (email: string) => run(api.POST('/password-resets', { body: { email } }))

export const resetPasswordBySms = (body: Schemas['SmsResetRequest']) =>
  withCaptcha((captcha) => run(api.POST('/password-resets/sms', { body: { ...body, captcha } })))

export const confirmPasswordReset = (body: Schemas['ResetConfirm']) =>
  run(api.POST('/password-resets/confirm', { body }))

export const verifyEmail = (token: string) => run(api.POST('/email-verifications', { body: { token } }))
