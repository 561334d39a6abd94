// Test harness for the browser journeys: starts `target/debug/passport dev` (service + embedded QQ
// simulator) on free ports with a temporary SQLite database and outbox, creates the first admin,
// and drives Debian's Chromium through playwright-core (no browser download).
import { spawn, execFile } from 'node:child_process'
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '../..')
const bin = process.env.PASSPORT_BIN ?? path.join(repoRoot, 'target/debug/passport')
export const shotsDir = path.join(repoRoot, 'target/e2e')
export const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'Admin-pass-2026' }
// Against `make cluster` (PASSPORT_E2E_CLUSTER=<cluster/run>): its QQ app, not the dev one.
export const QQ_APP_ID = process.env.PASSPORT_E2E_CLUSTER ? '102000001' : '101000001'

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Poll `probe` until it returns something truthy (or throw after `ms`). */
export async function eventually(what, probe, ms = 15000) {
  const until = Date.now() + ms
  let last
  while (Date.now() < until) {
    try {
      const v = await probe()
      if (v) return v
    } catch (e) {
      last = e
    }
    await sleep(150)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`)
}

/**
 * The running cluster (`make cluster`) when PASSPORT_E2E_CLUSTER names its run directory: every
 * page and API call goes through nginx (https, its self-signed certificate trusted through
 * NODE_EXTRA_CA_CERTS and ignored by the browser), mails and SMS are read from the SMTP sink's
 * outbox. `stop()` leaves the cluster running. Overrides: PASSPORT_E2E_BASE_URL,
 * PASSPORT_E2E_SIM_URL, PASSPORT_E2E_TENCENT_URL, PASSPORT_E2E_OUTBOX_URL.
 */
function externalPassport() {
  const env = process.env
  return {
    base: env.PASSPORT_E2E_BASE_URL ?? 'https://127.0.0.1:8443',
    sim: env.PASSPORT_E2E_SIM_URL ?? 'http://127.0.0.1:8201',
    tencent: env.PASSPORT_E2E_TENCENT_URL ?? 'http://127.0.0.1:8202',
    outboxUrl: env.PASSPORT_E2E_OUTBOX_URL ?? 'http://127.0.0.1:2580/outbox',
    external: true,
    log: () => '(the cluster logs are in cluster/run/logs/)',
    async stop() {},
  }
}

/**
 * `passport dev` on free ports; `extraEnv` adds or overrides settings (e.g. `PASSPORT_CAPTCHA`).
 * With PASSPORT_E2E_CLUSTER set and no `extraEnv`, the running cluster instead.
 */
export async function startPassport(extraEnv = {}) {
  if (process.env.PASSPORT_E2E_CLUSTER && Object.keys(extraEnv).length === 0) return externalPassport()
  const dir = await mkdtemp(path.join(tmpdir(), 'passport-e2e-'))
  const [port, simPort, tencentPort, wechatPort, weiboPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ]
  const base = `http://127.0.0.1:${port}`
  const env = {
    ...process.env,
    PASSPORT_DATABASE_URL: `sqlite://${dir}/passport.db?mode=rwc`,
    PASSPORT_LISTEN: `127.0.0.1:${port}`,
    PASSPORT_SIM_LISTEN: `127.0.0.1:${simPort}`,
    // SMS go through the embedded Tencent Cloud simulator (the dev default), here on a free port.
    PASSPORT_TENCENT_SIM_LISTEN: `127.0.0.1:${tencentPort}`,
    // The WeChat and Weibo simulators too: two journeys may run a second passport dev at once.
    PASSPORT_WECHAT_SIM_LISTEN: `127.0.0.1:${wechatPort}`,
    PASSPORT_WEIBO_SIM_LISTEN: `127.0.0.1:${weiboPort}`,
    PASSPORT_OUTBOX_DIR: path.join(dir, 'outbox'),
    PASSPORT_PUBLIC_BASE_URL: base,
    PASSPORT_WEB_DIST: path.join(repoRoot, 'admin-ui/dist'),
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    ...extraEnv,
  }
  // The first admin, as an operator makes it (this also migrates the fresh database).
  await promisify(execFile)(bin, ['admin', 'create', '--username', ADMIN.username, '--email', ADMIN.email], {
    env: { ...env, PASSPORT_ADMIN_PASSWORD: ADMIN.password },
    cwd: repoRoot,
  })
  const child = spawn(bin, ['dev'], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  const exited = new Promise((r) => child.on('exit', r))
  await eventually('passport dev to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`passport dev exited: ${log}`)
    const r = await fetch(`${base}/readyz`)
    return r.ok
  }, 60000)
  return {
    base,
    sim: `http://127.0.0.1:${simPort}`,
    tencent: `http://127.0.0.1:${tencentPort}`,
    wechat: `http://127.0.0.1:${wechatPort}`,
    weibo: `http://127.0.0.1:${weiboPort}`,
    log: () => log,
    async stop() {
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(12000)])
      if (child.exitCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser() {
  await mkdir(shotsDir, { recursive: true })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The cluster's nginx has a self-signed certificate.
      ...(process.env.PASSPORT_E2E_CLUSTER ? ['--ignore-certificate-errors'] : []),
    ],
  })
  return browser
}

/** The outbox as scripts read it, newest first. */
export async function outbox(app) {
  const url = app.outboxUrl ?? `${app.base}/dev/outbox`
  const r = await fetch(url, { headers: { Accept: 'application/json' } })
  if (!r.ok) throw new Error(`outbox: HTTP ${r.status}`)
  return (await r.json()).messages
}

export async function smsCode(app, mobile, notBefore = 0) {
  return eventually(`an SMS code for ${mobile}`, async () => {
    const m = (await outbox(app)).find(
      (m) => m.kind === 'sms' && m.to === mobile && Date.parse(m.sent_at) >= notBefore,
    )
    return m?.body.match(/\d{6}/)?.[0]
  })
}

export async function mailLink(app, to, pathPrefix) {
  return eventually(`a mail to ${to} with ${pathPrefix}`, async () => {
    for (const m of await outbox(app)) {
      if (m.kind !== 'mail' || m.to !== to) continue
      const link = m.body.match(new RegExp(`https?://\\S+${pathPrefix.replace(/[/?]/g, '\\$&')}\\S*`))
      if (link) return link[0]
    }
  })
}

export async function api(app, method, p, body, token) {
  const r = await fetch(`${app.base}/api${p}`, {
    method,
    headers: {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await r.text()
  const json = text ? JSON.parse(text) : null
  if (!r.ok) throw new Error(`${method} ${p}: HTTP ${r.status} ${text}`)
  return json
}

/**
 * An account made through the API, as a reader would through the pages: QQ login as `simUser`,
 * register with an SMS code. Answers the login result (token, user).
 */
export async function registerViaQq(app, { simUser, nickname, mobile, password }) {
  // As a browser: the authorize answer's login cookie goes back with the callback.
  const started = await fetch(`${app.base}/api/oauth/qq/authorize-url?next=/account`)
  if (!started.ok) throw new Error(`authorize-url: HTTP ${started.status} ${await started.text()}`)
  const { state } = await started.json()
  const cookie = (started.headers.get('set-cookie') ?? '').split(';')[0]
  const r = await fetch(`${app.sim}/_sim/codes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: QQ_APP_ID,
      redirect_uri: `${app.base}/oauth/qq/callback`,
      sim_user: simUser,
      count: 1,
    }),
  })
  if (!r.ok) throw new Error(`sim codes: HTTP ${r.status} ${await r.text()}`)
  const [code] = (await r.json()).codes
  const called = await fetch(`${app.base}/api/oauth/qq/callback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ code, state }),
  })
  if (!called.ok) throw new Error(`callback: HTTP ${called.status} ${await called.text()}`)
  const pending = await called.json()
  if (pending.status !== 'bind_required') throw new Error(`expected bind_required: ${JSON.stringify(pending)}`)
  const asked = Date.now() - 1000
  await api(app, 'POST', '/sms/codes', { mobile, bind_ticket: pending.bind_ticket })
  const sms_code = await smsCode(app, mobile, asked)
  return api(app, 'POST', '/oauth/qq/register', {
    bind_ticket: pending.bind_ticket,
    nickname,
    mobile,
    sms_code,
    password,
  })
}

/** Run `body` with a fresh page; its last page is saved as `target/e2e/<name>.png`, pass or fail. */
export async function withPage(browser, name, options, body) {
  const context = await browser.newContext({ locale: 'zh-CN', ...options })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  const errors = []
  page.on('pageerror', (e) => {
    // Benign and browser-specific: a resize observer (Element Plus tables) outran a frame.
    if (!/ResizeObserver loop/.test(e.message)) errors.push(e.message)
  })
  // Our pages must live within their CSP: a blocked script, style, font or call is a failure.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text())
  })
  try {
    await body(page)
    if (errors.length) throw new Error(`page errors:\n  ${errors.join('\n  ')}`)
  } finally {
    await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true }).catch(() => {})
    await context.close()
  }
}
