// The admin panel's calls (`/api/admin/*`, staff JWT), shaped for the pages.
//
// PROVISIONAL: the admin API is being built on branch `admin-api` and is not in
// openapi/openapi.json yet. Until it is merged every call answers a clear error, so the pages show
// their error states; the bodies become typed openapi-fetch calls once the spec has the paths.
import type { Result } from './client'
import type { BindingStatus } from '../views/admin/status'

export type SortKey = 'bound_at' | 'token_expires_at' | 'last_login_at' | 'qq_nickname'

export interface BindingRow {
  id: number
  user_id: number
  username: string
  user_nickname: string
  user_avatar: string
  openid_masked: string
  qq_nickname: string
  qq_avatar: string
  token_expires_at: string
  status: BindingStatus
  refresh_error?: string | null
  last_refreshed_at?: string | null
  bound_at: string
  last_login_at?: string | null
}

export interface BindingPage {
  rows: BindingRow[]
  total: number
  totalKind: 'exact' | 'estimate' | 'at_least'
}

export interface TokenEvent {
  id: number
  kind: string
  at: string
  detail?: string | null
}

export interface AuditEntry {
  id: number
  action: string
  actor_username?: string | null
  reason?: string | null
  created_at: string
}

export interface BindingDetail {
  binding: BindingRow
  events: TokenEvent[]
  audit: AuditEntry[]
}

export interface Job {
  id: number
  kind: string
  state: string
  attempt: number
  max_attempts: number
  last_error?: string | null
  run_at: string
}

export interface Day {
  date: string
  logins: number
  new_bindings: number
}

export interface ListQuery {
  q: string
  status?: BindingStatus
  sort: SortKey
  desc: boolean
  page: number
  perPage: number
}

const notYet = async <T>(): Promise<Result<T>> => ({
  ok: false,
  error: { status: 501, code: 'not_implemented', message: '管理接口尚未上线（admin-api 分支还没有合并）' },
})

export const listBindings = (_q: ListQuery) => notYet<BindingPage>()
export const getBinding = (_id: number) => notYet<BindingDetail>()
export const refreshBinding = (_id: number) => notYet<{ message: string }>()
export const unbindBinding = (_id: number, _reason: string) => notYet<{ audit: AuditEntry[] }>()
export const listJobs = (_state: string, _page: number, _perPage: number) =>
  notYet<{ counts: Record<string, number>; jobs: Job[] }>()
export const retryJob = (_id: number) => notYet<void>()
export const dailyStats = (_days: number) => notYet<Day[]>()
