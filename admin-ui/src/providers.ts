// The social sign-in providers (QQ, 微信, 微博): their names and colours, and how sentences name
// them. No imports beyond types, so the unit tests load it as it is (test/providers.test.mjs).
import type { Provider } from './api/social'

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
