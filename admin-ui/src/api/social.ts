// Social sign-in calls, one set for every provider (`/api/oauth/{provider}/…`), and the account
// page's bindings. Both ends of the round trip carry the login cookie (see `../social`).
import { withCaptcha } from '../captcha'
import { api, run, type OperationErrorCode, type Schemas } from './client'
import type { SmsCodeFailure } from './account'

export type Provider = Schemas['OauthProvider']

/** The provider's nickname and avatar, to prefill the bind and register forms. */
export type SocialProfile = Schemas['SocialProfile']
/** How a social login ends: signed in, or a bind ticket for the bind/register page. */
export type SocialLoginResult = Schemas['SocialLoginResult']
export type LoggedIn = Schemas['LoggedIn']
/** A binding as the reader's own account page shows it. */
export type BindingView = Schemas['BindingView']
/** `GET /users/me`'s bindings: one per provider, null (or absent) where there is none. */
export type Bindings = Schemas['Bindings']

/** Send and keep the API's login cookie, also across origins. */
const WITH_LOGIN_COOKIE = { credentials: 'include' } as const
const at = (provider: Provider) => ({ path: { provider } })

export const authorizeUrl = (provider: Provider, next: string) =>
  run(
    api.GET('/oauth/{provider}/authorize-url', {
      params: { ...at(provider), query: { next } },
      ...WITH_LOGIN_COOKIE,
    }),
  )

export const socialCallback = (provider: Provider, body: Schemas['CallbackRequest']) =>
  run(api.POST('/oauth/{provider}/callback', { params: at(provider), body, ...WITH_LOGIN_COOKIE }))

export const socialBind = (provider: Provider, body: Omit<Schemas['BindRequest'], 'captcha'>) =>
  withCaptcha((captcha) =>
    run(api.POST('/oauth/{provider}/bind', { params: at(provider), body: { ...body, captcha } })),
  )

export const socialRegister = (provider: Provider, body: Schemas['RegisterRequest']) =>
  run(api.POST('/oauth/{provider}/register', { params: at(provider), body }))

/** Bind the ticket's identity to the signed-in reader (the account page's "绑定"). */
export const socialLink = (provider: Provider, bind_ticket: string) =>
  run(api.POST('/oauth/{provider}/link', { params: at(provider), body: { bind_ticket } }))

/** Unbind one provider from the signed-in reader's account (409 `last_login_method` when it is
 * the last way in). */
export const unbindSocial = (provider: Provider) =>
  run(api.DELETE('/users/me/bindings/{provider}', { params: at(provider) }))

/** The SMS purpose of a social registration (the code request names the provider's bind ticket). */
export const REGISTER_SMS_PURPOSE: Schemas['SmsCodePurpose'] = 'qq_register'

/** A bind ticket that no longer works (401 of the bind, registration, link and their SMS code):
 * only a new login with the provider helps. */
export function bindTicketGone(
  code:
    | SmsCodeFailure
    | OperationErrorCode<'oauthBind'>
    | OperationErrorCode<'oauthRegister'>
    | OperationErrorCode<'oauthLink'>,
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
