// The one way the app talks to the API: the client package every frontend uses
// (@renran/passport-client, openapi/clients/typescript/, generated from openapi/openapi.json),
// so a change of the API that breaks a page breaks `vue-tsc` and the build.
import { createPassportClient, settle, type CallResult, type Schemas as ApiSchemas } from '@renran/passport-client'
import { session } from '../auth'
import { waitText } from '../format'

export type Schemas = ApiSchemas

// Same origin: the QQ login cookie travels without CORS; the JWT is added to every call.
export const api = createPassportClient({
  baseUrl: '/api',
  credentials: 'same-origin',
  token: () => session.token,
})

/** An API error as the pages show it: the server's Chinese `message`, its `code` to branch on. */
export interface ApiError {
  status: number
  code: string
  message: string
  retryAfter?: number
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/** Await a client call and fold its outcome into a [`Result`] (the package's `PassportError`). */
export async function run<T>(call: CallResult<T>): Promise<Result<T>> {
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
