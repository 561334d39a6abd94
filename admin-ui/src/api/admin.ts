// The admin panel's calls (`/api/admin/*`, staff JWT), typed by the generated schema and shaped
// a little for the pages.
import { api, run, type Result, type Schemas } from './client'
import type { Provider } from './social'

// PROVISIONAL (issue 15): the rows gain `provider` (absent on a server that has only QQ); the
// generated types replace these once the admin API lands.
export type BindingRow = Schemas['BindingSummary'] & { provider?: Provider }
export type BindingDetail = Schemas['BindingDetail'] & { provider?: Provider }
/** The binding's provider (a server without the field has only QQ bindings). */
export const providerOf = (b: { provider?: Provider }): Provider => b.provider ?? 'qq'
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
          ...(q.provider ? { provider: q.provider } : {}),
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

/** One day's counts of one provider. */
export interface ProviderDay {
  logins: number
  new_bindings: number
}

/** One day of the dashboard: the totals, and each provider's counts (PROVISIONAL: the contract
 * says the stats gain per-provider counts, not their shape; `by_provider` is read when present,
 * and a server without it has only QQ). */
export interface DayWithProviders extends Day {
  providers: Record<Provider, ProviderDay>
}

export async function dailyStats(days: number): Promise<Result<DayWithProviders[]>> {
  const res = await run(api.GET('/admin/stats/daily', { params: { query: { days } } }))
  if (!res.ok) return res
  const zero = { logins: 0, new_bindings: 0 }
  const data = res.data.days.map((d) => {
    const given = (d as Day & { by_provider?: Partial<Record<Provider, ProviderDay>> }).by_provider
    const providers = given
      ? { qq: given.qq ?? zero, wechat: given.wechat ?? zero, weibo: given.weibo ?? zero }
      : { qq: { logins: d.logins, new_bindings: d.new_bindings }, wechat: zero, weibo: zero }
    return { ...d, providers }
  })
  return { ok: true, data }
}

/** Start the QQ unionid back-fill (one background run; a live run is answered, not doubled). */
export const startUnionidBackfill = () => run(api.POST('/admin/qq/unionid-backfill'))

/** The latest back-fill run (`latest: null` when none was ever made). */
export const getUnionidBackfill = () => run(api.GET('/admin/qq/unionid-backfill'))
