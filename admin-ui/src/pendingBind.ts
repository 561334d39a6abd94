// A social login (QQ, 微信, 微博) waiting for its bind or registration, kept per provider in this
// tab's sessionStorage so that a reload of the callback page (on a phone, switching to the SMS
// app can cause one) brings the form back instead of a dead end. Kept until used or expired;
// never the password.
import type { Provider, SocialProfile } from './api/social'

const key = (provider: Provider) => `passport.${provider}_pending`
/** The API's bind tickets live 10 minutes (SPEC); a little less here, to never offer a dead one. */
export const TICKET_LIFETIME_MS = 10 * 60_000 - 15_000

export interface PendingBind {
  ticket: string
  profile: SocialProfile
  next: string
  /** Epoch milliseconds after which the ticket is dead. */
  expiresAt: number
  /** What was typed on the register tab (not the password), and the tab shown. */
  form?: { tab: 'bind' | 'register'; nickname: string; mobile: string; sms_code: string; account: string }
}

export type Restored = { kind: 'live'; pending: PendingBind } | { kind: 'expired'; next: string } | { kind: 'none' }

export function savePending(provider: Provider, p: PendingBind): void {
  sessionStorage.setItem(key(provider), JSON.stringify(p))
}

export function restorePending(provider: Provider, now = Date.now()): Restored {
  const raw = sessionStorage.getItem(key(provider))
  if (!raw) return { kind: 'none' }
  try {
    const p = JSON.parse(raw) as PendingBind
    if (typeof p.ticket !== 'string' || !p.ticket || typeof p.expiresAt !== 'number') throw new Error('shape')
    if (p.expiresAt <= now) {
      clearPending(provider)
      return { kind: 'expired', next: typeof p.next === 'string' ? p.next : '/account' }
    }
    return { kind: 'live', pending: p }
  } catch {
    clearPending(provider)
    return { kind: 'none' }
  }
}

export function clearPending(provider: Provider): void {
  sessionStorage.removeItem(key(provider))
}
