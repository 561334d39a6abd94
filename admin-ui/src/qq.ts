// The QQ round trip. The API gives the authorize URL and the `state` inside it; we keep `state`
// in this tab's sessionStorage and the callback page refuses a `state` it did not send (login
// CSRF: nobody can finish their own QQ login in our visitor's browser). The API checks too: the
// authorize answer sets an HttpOnly cookie the callback must bring back, and a state works once.
// Both calls go with credentials, so the cookie also travels when the app is served from another
// (configured) origin.
import { qqAuthorizeUrl } from './api/account'

const STATE = 'passport.qq_state'

/** Send the browser to QQ; answers an error message if the URL could not be had. */
export async function startQqLogin(next: string): Promise<string | null> {
  const res = await qqAuthorizeUrl(next)
  if (!res.ok) return res.error.message
  sessionStorage.setItem(STATE, res.data.state)
  window.location.assign(res.data.url)
  return null
}

/** Whether `state` is the one this tab sent; the stored one is used up either way. */
export function takeQqState(state: string): boolean {
  const sent = sessionStorage.getItem(STATE)
  sessionStorage.removeItem(STATE)
  return !!sent && sent === state
}
