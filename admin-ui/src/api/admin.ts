// The admin panel's calls (`/api/admin/*`, staff JWT), typed by the generated schema and shaped
// a little for the pages.
import { api, run, type Result, type Schemas } from './client'
import type { Provider } from './social'

export type BindingRow = Schemas['BindingSummary']
export type BindingDetail = Schemas['BindingDetail']
export type AuditEntry = Schemas['AuditEntryView']
export type Job = Schemas['JobView']
export type JobState = Schemas['JobStateView']
export type Day = Schemas['DayStats']
export type BindingStatus = Schemas['BindingStatusView']
export type TokenEventKind = Schemas['TokenEventKindView']
export type RefreshStatus = Schemas['RefreshStatusView']
export type UnionidBackfillRun = Schemas['UnionidBackfillRun']
export type UnionidBackfillState = Schemas['UnionidBackfillState']
export type SortKey = 'bound_at' | 'token_expires_at' | 'last_login_at' | 'qq_nickname'

export interface ListQuery {
  q: string
  /** Absent: every provider. */
  provider?: Provider
  status?: BindingStatus
  sort: SortKey
  desc: boolean
  page: number
  perPage: number
}

export interface BindingPage {
  rows: BindingRow[]
  total: number
  totalKind: Schemas['TotalKindView']
}

export async function listBindings(q: ListQuery): Promise<Result<BindingPage>> {
  const sort = `${q.desc ? '-' : ''}${q.sort}` as Schemas['BindingSort']
  const res = await run(
    api.GET('/admin/bindings', {
      params: {
        query: {
          q: q.q || undefined,
          status: q.status,
          sort,
          page: q.page,
          per_page: q.perPage,
          provider: q.provider,
        },
      },
    }),
  )
  if (!res.ok) return res
  return { ok: true, data: { rows: res.data.items, total: res.data.total, totalKind: res.data.total_kind } }
}

export const getBinding = (id: number) => run(api.GET('/admin/bindings/{id}', { params: { path: { id } } }))

export const refreshBinding = (id: number) =>
  run(api.POST('/admin/bindings/{id}/refresh', { params: { path: { id } } }))

/** Unbind (the reason goes to the audit log), then read that log: the binding itself is gone. */
export async function unbindBinding(id: number, reason: string): Promise<Result<{ audit: AuditEntry[] }>> {
  const res = await run(api.DELETE('/admin/bindings/{id}', { params: { path: { id }, query: { reason } } }))
  if (!res.ok) return res
  const log = await run(
    api.GET('/admin/audit', { params: { query: { target_type: 'qq_binding', target_id: id } } }),
  )
  return { ok: true, data: { audit: log.ok ? log.data.items : [] } }
}

export const listJobs = (state: JobState | undefined, page: number, perPage: number) =>
  run(api.GET('/admin/jobs', { params: { query: { state, page, per_page: perPage } } }))

export const retryJob = (id: number) => run(api.POST('/admin/jobs/{id}/retry', { params: { path: { id } } }))

export async function dailyStats(days: number): Promise<Result<Day[]>> {
  const res = await run(api.GET('/admin/stats/daily', { params: { query: { days } } }))
  return res.ok ? { ok: true, data: res.data.days } : res
}

/** Start the QQ unionid back-fill (one background run; a live run is answered, not doubled). */
export const startUnionidBackfill = () => run(api.POST('/admin/qq/unionid-backfill'))

/** The latest back-fill run (`latest: null` when none was ever made). */
export const getUnionidBackfill = () => run(api.GET('/admin/qq/unionid-backfill'))
