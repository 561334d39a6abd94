// Tencent's captcha (天御验证码) in front of password login, QQ bind and SMS codes, as the seed
// had it. The server decides when (`captcha_required`) and says how (GET /api/captcha/config):
// the CaptchaAppId and the script to load, Tencent's in production and the Tencent simulator's
// stand-in in dev (the page's CSP allows exactly that origin). A refused request is sent once
// more with the solved ticket; a closed or failed captcha leaves the form as it was and says why.
import { api, run, type ApiError, type Result, type Schemas } from './api/client'

export type CaptchaTicket = Schemas['CaptchaTicket']

/** What Tencent's callback receives: `ret` 0 solved, 2 closed by the person. */
interface TencentResult {
  ret: number
  ticket?: string | null
  randstr?: string
  errorCode?: number
}

interface TencentCaptchaInstance {
  show(): void
  destroy?(): void
}

declare global {
  interface Window {
    TencentCaptcha?: new (
      appId: string,
      callback: (res: TencentResult) => void,
      options?: Record<string, unknown>,
    ) => TencentCaptchaInstance
  }
}

let config: Promise<Schemas['CaptchaConfig'] | null> | null = null
let script: Promise<void> | null = null

function captchaConfig() {
  config ??= run(api.GET('/captcha/config')).then((r) => {
    if (!r.ok) config = null // ask again next time
    return r.ok ? r.data : null
  })
  return config
}

function loadScript(url: string): Promise<void> {
  script ??= new Promise<void>((resolve, reject) => {
    if (window.TencentCaptcha) return resolve()
    const tag = document.createElement('script')
    tag.src = url
    tag.async = true
    tag.onload = () => (window.TencentCaptcha ? resolve() : reject(new Error('no TencentCaptcha')))
    tag.onerror = () => {
      tag.remove()
      reject(new Error('script failed'))
    }
    document.head.appendChild(tag)
  }).catch((e) => {
    script = null
    throw e
  })
  return script
}

/** Why the page has no captcha ticket to send (the server's `captcha_failed` included). */
export type CaptchaFailure = 'captcha_unavailable' | 'captcha_closed' | 'captcha_failed'

const fail = (code: CaptchaFailure, message: string): { ok: false; error: ApiError<CaptchaFailure> } => ({
  ok: false,
  error: { status: 0, code, message },
})

/** Show the captcha; answers the ticket, or why there is none (in Chinese). */
export async function solveCaptcha(): Promise<Result<CaptchaTicket, CaptchaFailure>> {
  const cfg = await captchaConfig()
  if (!cfg?.app_id || !cfg.script_url) {
    return fail('captcha_unavailable', '安全验证暂时无法加载，请稍后重试')
  }
  try {
    await loadScript(cfg.script_url)
  } catch {
    return fail('captcha_unavailable', '安全验证加载失败，请检查网络后重试')
  }
  const appId = cfg.app_id
  return new Promise((resolve) => {
    try {
      const Captcha = window.TencentCaptcha!
      new Captcha(
        appId,
        (res) => {
          if (res.ret === 0 && res.ticket && res.randstr) {
            resolve({ ok: true, data: { ticket: res.ticket, randstr: res.randstr } })
          } else if (res.ret === 2) {
            resolve(fail('captcha_closed', '你关闭了安全验证，完成验证后才能继续'))
          } else {
            resolve(fail('captcha_failed', '安全验证没有完成，请重试'))
          }
        },
        { userLanguage: 'zh-cn' },
      ).show()
    } catch {
      resolve(fail('captcha_unavailable', '安全验证暂时无法加载，请稍后重试'))
    }
  })
}

/**
 * Send a protected request; when the server answers `captcha_required`, show the captcha and send
 * it once more with the ticket. Any failure comes back as the request's own error.
 */
export async function withCaptcha<T, C extends string>(
  send: (captcha?: CaptchaTicket) => Promise<Result<T, C>>,
): Promise<Result<T, C | CaptchaFailure>> {
  const first = await send()
  if (first.ok || first.error.code !== 'captcha_required') return first
  const solved = await solveCaptcha()
  if (!solved.ok) return solved
  return send(solved.data)
}
