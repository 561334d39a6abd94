// Compiled (not run) against the installed tarball by scripts/pack-test.mjs: the README's three
// social-login journeys (here with QQ), as a consumer writes them, must type-check with the package's published types.
import {
  createPassportClient,
  settle,
  unwrap,
  PassportError,
  type ErrorCode,
  type OperationErrorCode,
  type Schemas,
} from '@renran/passport-client'

const passport = createPassportClient({ baseUrl: 'https://passport.renran.cn/api' })

export async function start(next: string): Promise<string> {
  const { url, state } = await unwrap(passport.GET('/oauth/{provider}/authorize-url', { params: { path: { provider: 'qq' }, query: { next } } }))
  sessionStorage.setItem('qq_state', state)
  return url
}

export async function callback(code: string, state: string): Promise<Schemas['SocialLoginResult']> {
  return unwrap(passport.POST('/oauth/{provider}/callback', { params: { path: { provider: 'qq' } }, body: { code, state } }))
}

export async function bind(bind_ticket: string, account: string, password: string): Promise<string> {
  const result = await unwrap(passport.POST('/oauth/{provider}/bind', { params: { path: { provider: 'qq' } }, body: { bind_ticket, account, password } }))
  if (result.status !== 'logged_in') throw new Error('a bind signs in')
  return result.token
}

export async function register(bind_ticket: string, mobile: string, sms_code: string, nickname: string, password: string) {
  await unwrap(passport.POST('/sms/codes', { body: { purpose: 'qq_register', mobile, bind_ticket } }))
  return unwrap(passport.POST('/oauth/{provider}/register', { params: { path: { provider: 'qq' } }, body: { bind_ticket, mobile, sms_code, nickname, password } }))
}

export function explain(e: unknown): string {
  if (!(e instanceof PassportError)) throw e
  const code: ErrorCode = e.code
  switch (code) {
    case 'bind_ticket_expired':
    case 'bind_ticket_used':
      return '请重新使用 QQ 登录'
    default:
      return e.message
  }
}

export async function callbackPage(): Promise<void> {
  const q = new URLSearchParams(location.search)
  const result = await callback(q.get('code')!, q.get('state')!)
  if (result.status === 'logged_in') {
    localStorage.setItem('passport_token', result.token)
    location.assign(result.next)
  } else {
    const { bind_ticket, profile } = result
    console.log(bind_ticket, profile.nickname, profile.avatar)
  }
}

// A call's error is typed with its operation's codes: a case the operation never answers would
// fail the type check ("This comparison appears to be unintentional").
export async function bindOrExplain(bind_ticket: string, account: string, password: string): Promise<string> {
  const r = await settle(passport.POST('/oauth/{provider}/bind', { params: { path: { provider: 'qq' } }, body: { bind_ticket, account, password } }))
  if (r.ok) return r.data.status
  const code: OperationErrorCode<'oauthBind'> | 'network' | 'unexpected_response' | 'not_found' | 'method_not_allowed' | 'payload_too_large' = r.error.code
  switch (code) {
    case 'bind_ticket_expired':
    case 'bind_ticket_used':
      return '请重新使用 QQ 登录'
    case 'too_many_attempts':
      return `${r.error.message}（${r.error.retryAfter} 秒后可重试）`
    default:
      return r.error.message
  }
}
