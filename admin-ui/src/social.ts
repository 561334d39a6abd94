// Social sign-in (QQ, 微信, 微博): one round trip for every provider. The API gives the
// authorize URL and the `state` inside it; we keep `state` in this tab's sessionStorage and the
// callback page refuses a `state` it did not send (login CSRF: nobody can finish their own login
// in our visitor's browser). The API checks too: the authorize answer sets an HttpOnly cookie
// (`passport_{provider}_login`) the callback must bring back, and a state works once. Both calls
// go with credentials, so the cookie also travels when the app is served from another
// (configured) origin.
import { authorizeUrl, type Provider } from './api/social'

export type { Provider } from './api/social'
export { PROVIDERS, PROVIDER_INFO, isProvider, spaced, zh } from './providers'

const stateKey = (p: Provider) => `passport.${p}_state`
const linkKey = (p: Provider) => `passport.${p}_link`

/**
 * Send the browser to the provider; answers an error message if the URL could not be had.
 * `link`: the signed-in reader binds this provider to the account (the account page's "绑定"),
 * so the callback links the identity instead of offering sign-in or registration.
 */
export async function startSocialLogin(provider: Provider, next: string, link = false): Promise<string | null> {
  const res = await authorizeUrl(provider, next)
  if (!res.ok) return res.error.message
  sessionStorage.setItem(stateKey(provider), res.data.state)
  if (link) sessionStorage.setItem(linkKey(provider), res.data.state)
  else sessionStorage.removeItem(linkKey(provider))
  window.location.assign(res.data.url)
  return null
}

/** Whether `state` is the one this tab sent, and whether it was sent to link; used up either way. */
export function takeState(provider: Provider, state: string): { ours: boolean; link: boolean } {
  const sent = sessionStorage.getItem(stateKey(provider))
  const linking = sessionStorage.getItem(linkKey(provider))
  sessionStorage.removeItem(stateKey(provider))
  sessionStorage.removeItem(linkKey(provider))
  const ours = !!sent && sent === state
  return { ours, link: ours && linking === state }
}
