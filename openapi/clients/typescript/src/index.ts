// @renran/passport-client: the types of passport's API (generated from openapi/openapi.json) and
// a thin typed fetch wrapper over openapi-fetch. Every failed call becomes a `PassportError`
// carrying the server's `{code, message}`: branch on `code`, show `message` (Chinese) to people.
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch'
import type { components, operations, paths } from './schema.js'
import { SERVER_ERROR_CODES } from './error-codes.js'

export type { components, operations, paths }
export { SERVER_ERROR_CODES }

/** The API's named schemas, e.g. `Schemas['UserView']`. */
export type Schemas = components['schemas']

/**
 * Codes that do not come from an operation's documented answers: the server's transport
 * refusals (`not_found` for an unknown path, `method_not_allowed`, `payload_too_large`), and two
 * the client makes itself: `network` (no answer at all) and `unexpected_response` (an answer that
 * is not our error shape, e.g. a proxy's HTML error page).
 */
export const CLIENT_ERROR_CODES = [
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'network',
  'unexpected_response',
] as const

/** A code no operation lists: a transport refusal, or one the client makes. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number]

/** Every `code` a `PassportError` can carry with this version of the client. */
export type ErrorCode = (typeof SERVER_ERROR_CODES)[number] | ClientErrorCode

/** The `code` union of one error body (an operation's answer for one status). */
export type CodeOf<Body> = Body extends { code: infer C extends string } ? C : never

/** The error bodies an operation's spec lists, one per 4xx/5xx status. */
export type OperationErrorBody<Op extends keyof operations> = {
  [S in keyof operations[Op]['responses']]: `${S & (string | number)}` extends `4${string}` | `5${string}`
    ? operations[Op]['responses'][S] extends { content: infer C }
      ? C[keyof C]
      : never
    : never
}[keyof operations[Op]['responses']]

/**
 * Exactly the codes one operation can answer, e.g. `OperationErrorCode<'oauthBind'>`: switch on it
 * and the type checker says when a case names a code the operation never gives.
 */
export type OperationErrorCode<Op extends keyof operations> = CodeOf<OperationErrorBody<Op>>

const KNOWN_CODES: ReadonlySet<string> = new Set<string>([...SERVER_ERROR_CODES, ...CLIENT_ERROR_CODES])

/** Whether `code` is one this client knows (a newer server may send more). */
export function isErrorCode(code: string): code is ErrorCode {
  return KNOWN_CODES.has(code)
}

/** A failed call: the server's `{code, message}` plus the HTTP status and, on 429, the wait.
 * `C` narrows `code` to what the call's operation can answer (see `settle`). */
export class PassportError<C extends string = ErrorCode> extends Error {
  override readonly name = 'PassportError'
  /** HTTP status; 0 when no answer arrived (`code` is then `network`). */
  readonly status: number
  /**
   * Stable machine code to branch on. A server newer than this client may send a code not in
   * `ErrorCode`; it is passed through unchanged (see `isErrorCode`).
   */
  readonly code: C
  /** Seconds to wait before trying again (429: the body's `retry_after` or `Retry-After`). */
  readonly retryAfter?: number
  /** Technical detail for developers (English), when the server gives one. */
  readonly detail?: string

  constructor(init: { status: number; code: C; message: string; retryAfter?: number; detail?: string }) {
    // `message` is the server's Chinese text, fit to show as it is.
    super(init.message)
    this.status = init.status
    this.code = init.code
    this.retryAfter = init.retryAfter
    this.detail = init.detail
  }

  /** Build the error for a non-2xx answer from its status, parsed body and headers. */
  static fromResponse(status: number, body: unknown, headers?: Headers): PassportError {
    const b = (body && typeof body === 'object' ? body : {}) as { code?: unknown; message?: unknown; retry_after?: unknown; detail?: unknown }
    const header = Number(headers?.get('retry-after') ?? NaN)
    const retryAfter =
      typeof b.retry_after === 'number' ? b.retry_after : Number.isFinite(header) ? header : undefined
    if (typeof b.code === 'string' && b.code && typeof b.message === 'string' && b.message) {
      return new PassportError({
        status,
        code: b.code as ErrorCode,
        message: b.message,
        retryAfter,
        detail: typeof b.detail === 'string' ? b.detail : undefined,
      })
    }
    return new PassportError({ status, code: 'unexpected_response', message: fallbackMessage(status), retryAfter })
  }

  /** The error for a call that got no answer (offline, DNS, CORS refused by the browser). */
  static network(cause?: unknown): PassportError {
    const e = new PassportError({ status: 0, code: 'network', message: '网络连接失败，请检查网络后重试' })
    if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause })
    return e
  }
}

function fallbackMessage(status: number): string {
  if (status === 429) return '操作太频繁，请稍后再试'
  if (status >= 500) return '服务暂时不可用，请稍后重试'
  return '请求失败，请稍后重试'
}

export interface PassportClientOptions {
  /** Where the API is, e.g. `https://passport.renran.cn/api` (default `/api`, same origin). */
  baseUrl?: string
  /**
   * Whether the browser sends cookies. A social login (`getOauthAuthorizeUrl`, `oauthCallback`)
   * needs its `passport_{provider}_login` cookie back, so from another origin this must be `include` (the
   * default); the server allows it for the origins in `PASSPORT_CORS_ORIGINS`.
   */
  credentials?: RequestCredentials
  /** The signed-in user's JWT, sent as `Authorization: Bearer …` when it returns one. */
  token?: () => string | null | undefined
  /** A fetch to use instead of `globalThis.fetch` (tests, server-side rendering). */
  fetch?: ClientOptions['fetch']
  /** Headers sent with every call. */
  headers?: ClientOptions['headers']
}

/** The typed client: `GET`/`POST`/`PUT`/`DELETE` with paths and bodies checked against the spec. */
export type PassportClient = Client<paths>

/** A client for one passport server. Calls answer `{data}` or `{error}` (openapi-fetch); wrap
 * them in `unwrap` to get the data or a thrown `PassportError`, or `settle` for a result. */
export function createPassportClient(options: PassportClientOptions = {}): PassportClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '/api',
    credentials: options.credentials ?? 'include',
    fetch: options.fetch,
    headers: options.headers,
  })
  const token = options.token
  if (token) {
    const bearer: Middleware = {
      onRequest({ request }) {
        const value = token()
        if (value && !request.headers.has('Authorization')) {
          request.headers.set('Authorization', `Bearer ${value}`)
        }
        return request
      },
    }
    client.use(bearer)
  }
  return client
}

/** What an openapi-fetch call resolves to (any operation): `E` is the union of the error bodies
 * its spec lists. */
export type CallResult<T, E = unknown> = Promise<{ data?: T; error?: E; response: Response }>

/** The codes a call can fail with: its operation's, and the client's own. */
export type CallErrorCode<E> = CodeOf<E> | ClientErrorCode

/** The data of a successful call; otherwise throws a `PassportError`. */
export async function unwrap<T, E>(call: CallResult<T, E>): Promise<T> {
  const settled = await settle(call)
  if (!settled.ok) throw settled.error
  return settled.data
}

export type Settled<T, C extends string = ErrorCode> = { ok: true; data: T } | { ok: false; error: PassportError<C> }

/** The call's data or its `PassportError`, never throwing; `error.code` is typed with exactly
 * the codes the call's operation lists (plus the client's own). */
export async function settle<T, E>(call: CallResult<T, E>): Promise<Settled<T, CallErrorCode<E>>> {
  let outcome: Awaited<CallResult<T>>
  try {
    outcome = await call
  } catch (cause) {
    return { ok: false, error: PassportError.network(cause) as PassportError<CallErrorCode<E>> }
  }
  const { data, error, response } = outcome
  if (response.ok) return { ok: true, data: data as T }
  // The server answers only what the operation lists (its debug builds check it).
  const failure = PassportError.fromResponse(response.status, error, response.headers)
  return { ok: false, error: failure as PassportError<string> as PassportError<CallErrorCode<E>> }
}
