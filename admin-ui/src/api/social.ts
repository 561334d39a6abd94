// Social sign-in calls, one set for every provider (`/api/oauth/{provider}/…`, the account page's
// bindings). Both ends of the round trip carry the login cookie (see `../social`).
//
// PROVISIONAL (issue 15): the committed spec has only the QQ paths. Until the generated client
// knows `/oauth/{provider}/…`, `/oauth/{provider}/link` and `/users/me/bindings/{provider}`,
// these calls go through a loosely typed view of the same client, with the shapes the shared
// contract gives (the QQ ones, which every provider keeps). Replace `loose` by `api` and these
// hand-written types by the generated ones once the API lands.
import { withCaptcha } from '../captcha'
import type { CallResult } from '@renran/passport-client'
import { api, run, type Schemas } from './client'
import type { SmsCodeFailure } from './account'

export type Provider = 'qq' | 'wechat' | 'weibo'

/** The provider's nickname and avatar, to prefill the bind and register forms. */
export type SocialProfile = Schemas['QqProfile']
/** How a social login ends: signed in, or a bind ticket for the bind/register page. */
export type SocialLoginResult = Schemas['QqLoginResult']
export type LoggedIn = Schemas['LoggedIn']

/** A binding as the reader's own account page shows it (`GET /users/me`, `bindings.{provider}`). */
export interface BindingView {
  provider?: Provider
  nickname: string
  avatar: string
  bound_at: string
  last_login_at?: string | null
  /** When the provider's token lapses (Weibo has no refresh: it is renewed at the next login). */
  token_expires_at?: string | null
  refresh_status?: string
}
export type Bindings = Partial<Record<Provider, BindingView | null>>

type ErrorBody = { code: string; message: string }
interface LooseClient {
  GET<T>(path: string, init?: object): CallResult<T, ErrorBody>
  POST<T>(path: string, init?: object): CallResult<T, ErrorBody>
  DELETE<T>(path: string, init?: object): CallResult<T, ErrorBody>
}
const loose = api as unknown as LooseClient

/** Send and keep the API's login cookie, also across origins. */
const WITH_LOGIN_COOKIE = { credentials: 'include' } as const

export const authorizeUrl = (provider: Provider, next: string) =>
  run(
    loose.GET<Schemas['AuthorizeUrl']>(`/oauth/${provider}/authorize-url`, {
      params: { query: { next } },
      ...WITH_LOGIN_COOKIE,
    }),
  )

export const socialCallback = (provider: Provider, body: Schemas['CallbackRequest']) =>
  run(loose.POST<SocialLoginResult>(`/oauth/${provider}/callback`, { body, ...WITH_LOGIN_COOKIE }))

export const socialBind = (provider: Provider, body: Omit<Schemas['BindRequest'], 'captcha'>) =>
  withCaptcha((captcha) =>
    run(loose.POST<SocialLoginResult>(`/oauth/${provider}/bind`, { body: { ...body, captcha } })),
  )

export const socialRegister = (provider: Provider, body: Schemas['RegisterRequest']) =>
  run(loose.POST<SocialLoginResult>(`/oauth/${provider}/register`, { body }))

/** Bind the ticket's identity to the signed-in reader (the account page's "绑定"). */
export const socialLink = (provider: Provider, bind_ticket: string) =>
  run(loose.POST<BindingView>(`/oauth/${provider}/link`, { body: { bind_ticket } }))

/** Unbind one provider from the signed-in reader's account. */
export const unbindSocial = (provider: Provider) => run(loose.DELETE<never>(`/users/me/bindings/${provider}`))

/** The bindings of `GET /users/me`, every provider's (null when not bound). */
export const bindingsOf = (me: Schemas['Me']): Bindings => me.bindings as Bindings

/** The SMS purpose of a social registration (the code request names the bind ticket). */
export const REGISTER_SMS_PURPOSE: Schemas['SmsCodePurpose'] = 'qq_register'

/** A bind ticket that no longer works (401 of the bind, registration, link and their SMS code):
 * only a new login with the provider helps. */
export function bindTicketGone(code: SmsCodeFailure | string): boolean {
  switch (code) {
    case 'bind_ticket_invalid':
    case 'bind_ticket_expired':
    case 'bind_ticket_used':
      return true
    default:
      return false
  }
}
