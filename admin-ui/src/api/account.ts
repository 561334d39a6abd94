// The account pages' calls (sign-up and sign-in, the reader's own account, SMS codes, password
// resets, email verification, the QQ round trip), typed by the generated schema. The calls the
// server may guard with a captcha go through `withCaptcha` here, so no page handles
// `captcha_required` itself.
import { withCaptcha, type CaptchaFailure } from '../captcha'
import { api, run, type OperationErrorCode, type Schemas } from './client'
import type { ClientErrorCode } from '@renran/passport-client'

type Uncaptcha<T> = Omit<T, 'captcha'>

/** Send and keep the API's QQ login cookie, also across origins (see `../qq`). */
const WITH_LOGIN_COOKIE = { credentials: 'include' } as const

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

/** A bind ticket that no longer works (401 of the QQ bind, registration and their SMS code):
 * only a new QQ login helps. */
export function bindTicketGone(
  code: SmsCodeFailure | OperationErrorCode<'qqBind'> | OperationErrorCode<'qqRegister'>,
): boolean {
  switch (code) {
    case 'bind_ticket_invalid':
    case 'bind_ticket_expired':
    case 'bind_ticket_used':
      return true
    default:
      return false
  }
}

export const nicknameAvailability = (nickname: string) =>
  run(api.GET('/users/availability', { params: { query: { nickname } } }))

// The signed-in reader's own account.

export const getMe = () => run(api.GET('/users/me'))

export const updateProfile = (body: Schemas['ProfileUpdate']) => run(api.PATCH('/users/me', { body }))

export const changeUsername = (username: string) => run(api.PUT('/users/me/username', { body: { username } }))

export const changePassword = (body: Schemas['PasswordChange']) => run(api.PUT('/users/me/password', { body }))

export const changeEmail = (body: Schemas['EmailChange']) => run(api.PUT('/users/me/email', { body }))

export const unbindQq = () => run(api.DELETE('/users/me/bindings/qq'))

// A way back into an account, and the email link.

export const requestPasswordReset = (email: string) => run(api.POST('/password-resets', { body: { email } }))

export const resetPasswordBySms = (body: Schemas['SmsResetRequest']) =>
  withCaptcha((captcha) => run(api.POST('/password-resets/sms', { body: { ...body, captcha } })))

export const confirmPasswordReset = (body: Schemas['ResetConfirm']) =>
  run(api.POST('/password-resets/confirm', { body }))

export const verifyEmail = (token: string) => run(api.POST('/email-verifications', { body: { token } }))

// The QQ round trip: both ends carry the login cookie.

export const qqAuthorizeUrl = (next: string) =>
  run(api.GET('/oauth/qq/authorize-url', { params: { query: { next } }, ...WITH_LOGIN_COOKIE }))

export const qqCallback = (body: Schemas['CallbackRequest']) =>
  run(api.POST('/oauth/qq/callback', { body, ...WITH_LOGIN_COOKIE }))

export const qqBind = (body: Uncaptcha<Schemas['BindRequest']>) =>
  withCaptcha((captcha) => run(api.POST('/oauth/qq/bind', { body: { ...body, captcha } })))

export const qqRegister = (body: Schemas['RegisterRequest']) => run(api.POST('/oauth/qq/register', { body }))
