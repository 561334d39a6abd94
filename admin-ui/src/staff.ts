// Whether the signed-in user may use the admin panel: `/api/users/me` says `is_staff`. Asked once
// per token and remembered, so moving between admin pages costs no request.
import { getMe } from './api/account'
import { session, signOut } from './auth'

export type StaffCheck = 'ok' | 'not_staff' | 'expired' | 'unavailable'

let checked: { token: string; result: StaffCheck } | null = null

export async function staffCheck(): Promise<StaffCheck> {
  const token = session.token
  if (!token) return 'expired'
  if (checked?.token === token) return checked.result
  const me = await getMe()
  let result: StaffCheck
  if (me.ok) result = me.data.is_staff ? 'ok' : 'not_staff'
  else if (me.error.status === 401) {
    signOut()
    result = 'expired'
  } else result = 'unavailable'
  if (result !== 'unavailable') checked = { token, result }
  return result
}
