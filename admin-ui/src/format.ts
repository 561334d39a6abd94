// Times as Renran's readers and staff read them: Beijing time (UTC+8, no daylight saving), and
// named as such, whatever zone the viewer's machine is set to.
const BEIJING_MS = 8 * 3_600_000

/** The zone's name as the pages print it beside a time or in a column header. */
export const ZONE = '北京时间'

/** `2026-11-25 10:03（北京时间）`; `zone: false` leaves the name out (a column header says it). */
export function formatTime(iso: string | null | undefined, zone = true): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const b = new Date(d.getTime() + BEIJING_MS)
  const p = (n: number) => String(n).padStart(2, '0')
  const text = `${b.getUTCFullYear()}-${p(b.getUTCMonth() + 1)}-${p(b.getUTCDate())} ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}`
  return zone ? `${text}（${ZONE}）` : text
}

/** "3 天后", "2 小时前": how far `iso` is from now. */
export function fromNow(iso: string | null | undefined): string {
  if (!iso) return ''
  const diff = new Date(iso).getTime() - Date.now()
  const abs = Math.abs(diff)
  const units: [number, string][] = [
    [86_400_000, '天'],
    [3_600_000, '小时'],
    [60_000, '分钟'],
  ]
  for (const [ms, name] of units) {
    if (abs >= ms) return `${Math.floor(abs / ms)} ${name}${diff >= 0 ? '后' : '前'}`
  }
  return diff >= 0 ? '马上' : '刚刚'
}

/** `138****8000`: a mobile as Chinese sites show it back to its owner. */
export function maskMobile(mobile: string | null | undefined): string {
  if (!mobile) return ''
  if (mobile.includes('*')) return mobile // the API masked it already
  return /^\d{11}$/.test(mobile) ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : mobile
}

/** "请 42 秒后再试" / "请 3 分钟后再试": a throttled answer's wait, in words. */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return `请 ${s} 秒后再试`
  if (s < 3600) return `请 ${Math.ceil(s / 60)} 分钟后再试`
  return `请 ${Math.ceil(s / 3600)} 小时后再试`
}
