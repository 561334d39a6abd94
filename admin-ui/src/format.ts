/** `2026-11-25 10:03` in the viewer's time zone; an empty string for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
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
