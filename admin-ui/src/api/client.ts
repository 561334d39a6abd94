// The one way the app talks to the API: openapi-fetch over the types generated from
// openapi/openapi.json (`npm run gen:api`), so a change of the API that breaks a page breaks
// `vue-tsc` and the build.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { session } from '../auth'
import { waitText } from '../format'

export type Schemas = components['schemas']

export const api = createClient<paths>({ baseUrl: '/api' })

const bearer: Middleware = {
  onRequest({ request }) {
    if (session.token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${session.token}`)
    }
    return request
  },
}
api.use(bearer)

/** An API error as the pages show it: the server's Chinese `message`, its `code` to branch on. */
export interface ApiError {
  status: number
  code: string
  message: string
  retryAfter?: number
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError }

const NETWORK: ApiError = { status: 0, code: 'network', message: '网络连接失败，请检查网络后重试' }

/** Await an openapi-fetch call and fold its outcome into a [`Result`]. */
export async function run<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Result<T>> {
  try {
    const { data, error, response } = await call
    if (response.ok) return { ok: true, data: data as T }
    return { ok: false, error: toApiError(response.status, error) }
  } catch {
    return { ok: false, error: NETWORK }
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const e = (body ?? {}) as Partial<Schemas['ErrorBody']>
  const fallback =
    status === 429
      ? '操作太频繁，请稍后再试'
      : status >= 500
        ? '服务暂时不可用，请稍后重试'
        : '请求失败，请稍后重试'
  const retryAfter = typeof e.retry_after === 'number' ? e.retry_after : undefined
  const message = typeof e.message === 'string' && e.message ? e.message : fallback
  return {
    status,
    code: typeof e.code === 'string' ? e.code : `http_${status}`,
    message: retryAfter ? withWait(message, retryAfter) : message,
    retryAfter,
  }
}

/** A throttled answer says how long to wait: "请稍后再试" becomes "请 42 秒后再试". */
export function withWait(message: string, seconds: number): string {
  const wait = waitText(seconds)
  if (message.includes('明天再试')) return message // the daily SMS limit: the day is the wait
  if (message.includes('请稍后再试')) return message.replace('请稍后再试', wait)
  if (message.includes('稍后再试')) return message.replace('稍后再试', wait.slice(2))
  return `${message.replace(/[。.]$/, '')}，${wait}`
}
