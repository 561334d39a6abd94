// The one way the app talks to the API: the client package every frontend uses
// (@renran/passport-client, openapi/clients/typescript/, generated from openapi/openapi.json),
// so a change of the API that breaks a page breaks `vue-tsc` and the build.
import {
  createPassportClient,
  settle,
  type CallErrorCode,
  type CallResult,
  type Schemas as ApiSchemas,
} from '@renran/passport-client'
import { session } from '../auth'
import { waitText } from '../format'

export type Schemas = ApiSchemas

// Same origin: the social login cookies (QQ, 微信, 微博) travel without CORS; the JWT is added to
// every call.
export const api = createPassportClient({
  baseUrl: '/api',
  credentials: 'same-origin',
  token: () => session.token,
})

export type { OperationErrorCode } from '@renran/passport-client'

/**
 * An API error as the pages show it: the server's Chinese `message`, its `code` to branch on.
 * `C` is the union of the codes the call can fail with (the operation's, from the spec, and the
 * client's own), so a page's `switch` or `===` on a code the call never answers fails vue-tsc.
 */
export interface ApiError<C extends string = string> {
  status: number
  code: C
  message: string
  retryAfter?: number
}

export type Result<T, C extends string = string> = { ok: true; data: T } | { ok: false; error: ApiError<C> }

/** Await a client call and fold its outcome into a [`Result`] (the package's `PassportError`),
 * typed with the codes of the call's operation. */
export async function run<T, E>(call: CallResult<T, E>): Promise<Result<T, CallErrorCode<E>>> {
  const settled = await settle(call)
  if (settled.ok) return settled
  const { status, code, message, retryAfter } = settled.error
  return {
    ok: false,
    error: { status, code, message: retryAfter ? withWait(message, retryAfter) : message, retryAfter },
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
