// Who is signed in. The seed's "记住我": checked keeps the token in localStorage (survives the
// browser closing), unchecked in sessionStorage (this tab only). Tokens travel as
// `Authorization: Bearer`, never in cookies.
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import type { components } from './api/schema'

export type User = components['schemas']['UserView']

const TOKEN = 'passport.token'
const USER = 'passport.user'
// The "记住我" choice made on the login page, carried across the social (QQ, 微信, 微博) round trip.
const REMEMBER = 'passport.remember'

function read(): { token: string | null; user: User | null } {
  for (const store of [localStorage, sessionStorage]) {
    const token = store.getItem(TOKEN)
    if (token) {
      try {
        return { token, user: JSON.parse(store.getItem(USER) ?? 'null') as User | null }
      } catch {
        return { token, user: null }
      }
    }
  }
  return { token: null, user: null }
}

export const session = reactive(read())

export function signIn(token: string, user: User, remember: boolean): void {
  signOut()
  const store = remember ? localStorage : sessionStorage
  store.setItem(TOKEN, token)
  store.setItem(USER, JSON.stringify(user))
  session.token = token
  session.user = user
}

/** What a sign-in answers (password, SMS, sign-up, QQ, 微信, 微博). */
export interface SignedIn {
  token: string
  user: User
}

/** Sign in with the API's answer and greet by name: `${greeting}，小明`. */
export function welcome(answer: SignedIn, remember: boolean, greeting: string): void {
  signIn(answer.token, answer.user, remember)
  ElMessage.success(`${greeting}，${answer.user.nickname || answer.user.username}`)
}

export function signOut(): void {
  for (const store of [localStorage, sessionStorage]) {
    store.removeItem(TOKEN)
    store.removeItem(USER)
  }
  session.token = null
  session.user = null
}

export function rememberChoice(remember?: boolean): boolean {
  if (remember !== undefined) sessionStorage.setItem(REMEMBER, remember ? '1' : '0')
  return sessionStorage.getItem(REMEMBER) === '1'
}

/** Where to go after signing in: the server's `next` rules (see `./next`). */
export { safeNext } from './next'

/** A new token for the same session (e.g. after a password change), kept where the old one was. */
export function replaceToken(token: string): void {
  const store = localStorage.getItem(TOKEN) ? localStorage : sessionStorage
  store.setItem(TOKEN, token)
  session.token = token
}
