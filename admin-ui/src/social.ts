// Social sign-in (QQ, 微信, 微博): one round trip for every provider. The API gives the
// authorize URL and the `state` inside it; we keep `state` in this tab's sessionStorage and the
// callback page refuses a `state` it did not send (login CSRF: nobody can finish their own login
// in our visitor's browser). The API checks too: the authorize answer sets an HttpOnly cookie
// (`passport_{provider}_login`) the callback must bring back, and a state works once. Both calls
// go with credentials, so the cookie also travels when the app is served from another
// (configured) origin.
import { authorizeUrl, type Provider } from './api/social'

export type { Provider } from './api/social'

export const PROVIDERS: readonly Provider[] = ['qq', 'wechat', 'weibo']

/** How a provider is named and drawn: `name` in sentences, `color` of its round button. */
export const PROVIDER_INFO: Record<Provider, { name: string; color: string }> = {
  qq: { name: 'QQ', color: '#498ad5' },
  wechat: { name: '微信', color: '#00bb29' },
  weibo: { name: '微博', color: '#e05244' },
}

export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value)
}

/**
 * A Chinese sentence naming providers: `zh\`重新用${'qq'}登录\`` is "重新用 QQ 登录", with
 * `'wechat'` "重新用微信登录" — a Latin name gets a space where it meets a Chinese character, as
 * the texts have always been written.
 */
export function zh(strings: TemplateStringsArray, ...providers: Provider[]): string {
  let out = strings[0] ?? ''
  providers.forEach((p, i) => {
    const name = PROVIDER_INFO[p].name
    const after = strings[i + 1] ?? ''
    const latin = /^[A-Za-z]/.test(name)
    const before = latin && /[\u4e00-\u9fff]$/.test(out) ? ' ' : ''
    const behind = latin && /^[\u4e00-\u9fff]/.test(after) ? ' ' : ''
    out += before + name + behind + after
  })
  return out
}

/** The provider's name inside a Chinese sentence, between two Chinese characters: " QQ ", "微信". */
export function spaced(p: Provider): string {
  const name = PROVIDER_INFO[p].name
  return /^[A-Za-z]/.test(name) ? ` ${name} ` : name
}

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
