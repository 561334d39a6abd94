// The admin panel's calls about accounts (`/api/admin/users*`) and the audit log with its
// filters, typed by the generated schema.
import { api, run } from './client'

export const listUsers = (q: string, page: number, perPage: number) =>
  run(api.GET('/admin/users', { params: { query: { q: q || undefined, page, per_page: perPage } } }))

export const getUser = (id: number) => run(api.GET('/admin/users/{id}', { params: { path: { id } } }))

export const lockUser = (id: number, reason: string) =>
  run(api.POST('/admin/users/{id}/lock', { params: { path: { id } }, body: { reason } }))

export const unlockUser = (id: number, reason: string) =>
  run(api.POST('/admin/users/{id}/unlock', { params: { path: { id } }, body: { reason } }))

export const forcePasswordReset = (id: number, reason: string) =>
  run(api.POST('/admin/users/{id}/force-password-reset', { params: { path: { id } }, body: { reason } }))

export interface AuditFilter {
  actor: string
  action: string
  targetType: string
  targetId: string
  since: string
  until: string
  page: number
  perPage: number
}

export const listAudit = (f: AuditFilter) =>
  run(
    api.GET('/admin/audit', {
      params: {
        query: {
          actor: f.actor || undefined,
          action: f.action || undefined,
          target_type: (f.targetType || undefined) as never,
          target_id: f.targetId ? Number(f.targetId) : undefined,
          from: f.since || undefined,
          to: f.until || undefined,
          page: f.page,
          per_page: f.perPage,
        },
      },
    }),
  )
