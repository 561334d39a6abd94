// Every page at desktop (1280) and phone (390) width, saved as target/e2e/screens/<width>-<page>.png
// to look at; each is also checked for English words left on it and for error text lying on
// the password strength bars.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { mkdir } from 'node:fs/promises'
import { ADMIN, launchBrowser, registerViaQq, shotsDir, startPassport } from './harness.mjs'

const out = path.join(shotsDir, 'screens')
const WIDTHS = [
  ['desktop', { viewport: { width: 1280, height: 800 } }],
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
]
// Words that are names, not English: QQ, ID, openid/unionid (QQ's own terms), and what a
// person typed or the system generated (usernames, addresses, URLs).
const ALLOWED = /^(QQ|ID|openid|unionid|admin)$/

let app
let browser

before(async () => {
  await mkdir(out, { recursive: true })
  app = await startPassport()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

async function englishOn(page) {
  // Identifiers shown as code (openid, unionid) are data, not words.
  const text = await page.evaluate(() =>
    [...document.querySelectorAll('code')].reduce((t, c) => t.split(c.innerText).join(' '), document.body.innerText),
  )
  return text
    .replace(/\S+@\S+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\brr_\w+/g, ' ')
    .replace(/\bscreens_\w+/g, ' ')
    .match(/[A-Za-z]{3,}/g)
    ?.filter((w) => !ALLOWED.test(w)) ?? []
}

async function overlaps(page) {
  return page.evaluate(() => {
    const boxes = (sel) => [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect()).filter((r) => r.height)
    const errors = boxes('.el-form-item__error')
    const bars = boxes('[data-test=password-strength]')
    return errors.some((a) => bars.some((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom))
  })
}

for (const [label, options] of WIDTHS) {
  test(`every page at ${label} width: screenshots, no English, no overlapping text`, async () => {
    const mobile = label === 'phone' ? '13600136001' : '13600136002'
    const reader = await registerViaQq(app, {
      simUser: `screens_reader_${label}`,
      nickname: `截图读者${label === 'phone' ? '甲' : '乙'}`,
      mobile,
      password: 'Screens-pass-1',
    })
    const context = await browser.newContext({ locale: 'zh-CN', ...options })
    const page = await context.newPage()
    const problems = []
    const shot = async (name, { english = true } = {}) => {
      await page.waitForTimeout(400)
      await page.screenshot({ path: path.join(out, `${label}-${name}.png`), fullPage: true })
      if (english) {
        const words = await englishOn(page)
        if (words.length) problems.push(`${name}: English ${JSON.stringify(words)}`)
      }
      if (await overlaps(page)) problems.push(`${name}: error text on the strength bars`)
    }
    try {
      await page.goto(`${app.base}/login`)
      await page.getByRole('button', { name: 'QQ登录' }).waitFor()
      await shot('login')
      await page.getByRole('tab', { name: '短信登录' }).click()
      await shot('login-sms')

      await page.goto(`${app.base}/register`)
      await page.fill('input[name=nickname]', '截图')
      await page.fill('input[name=new_password]', 'abc')
      await page.locator('input[name=mobile]').click()
      await shot('register')

      await page.goto(`${app.base}/forgot-password`)
      await page.fill('input[name=new_password]', 'abc')
      await page.locator('input[name=new_password_again]').click()
      await shot('forgot-password-sms')
      await page.getByRole('tab', { name: '用邮箱找回' }).click()
      await shot('forgot-password-email')

      await page.goto(`${app.base}/reset-password?token=abc`)
      await page.fill('input[name=new_password]', 'abc')
      await page.locator('input[name=new_password_again]').click()
      await page.getByRole('button', { name: '重置密码' }).click()
      await shot('reset-password')

      await page.goto(`${app.base}/verify-email?token=abc&email=${encodeURIComponent('reader@example.com')}`)
      await shot('verify-email')

      // The app's 404 page, once the server hands unknown paths to the app (branch accounts-client).
      await page.goto(`${app.base}/no-such-page`)
      if (await page.locator('#app').count()) {
        await page.getByText('页面不存在', { exact: true }).waitFor()
        await shot('not-found')
      }

      await page.goto(`${app.base}/login`)
      await page.getByRole('button', { name: 'QQ登录' }).click()
      await page.fill('input[name=sim_user_new]', `screens_${label}`)
      await page.fill('input[name=sim_nickname]', '截图用户')
      await page.getByRole('button', { name: '授权并登录' }).click()
      await page.getByRole('tab', { name: '没有账号' }).click()
      await page.fill('input[name=mobile]', mobile)
      await page.getByRole('button', { name: '获取验证码' }).click()
      await page.locator('[data-test=mobile-taken]').waitFor()
      await shot('qq-callback-register')
      await page.evaluate(() => {
        const p = JSON.parse(sessionStorage.getItem('passport.qq_pending') ?? '{}')
        sessionStorage.setItem('passport.qq_pending', JSON.stringify({ ...p, expiresAt: Date.now() - 1 }))
      })
      await page.reload()
      await page.getByText('已超过 10 分钟').waitFor()
      await shot('qq-callback-expired')

      // The same pages for 微信 and 微博 (their simulators run beside QQ's in `passport dev`).
      if (!app.external) {
        for (const [provider, name, approve] of [
          ['wechat', '微信', '扫码确认'],
          ['weibo', '微博', '授权'],
        ]) {
          await page.goto(`${app.base}/login`)
          await page.getByRole('button', { name: `${name}登录` }).click()
          await page.fill('input[name=sim_user_new]', `screens_${provider}_${label}`)
          await page.fill('input[name=sim_nickname]', `截图${name}用户`)
          await page.getByRole('button', { name: approve, exact: true }).click()
          await page.locator(`.${provider}-nickname`).waitFor()
          await shot(`${provider}-callback`)
        }
      }

      await page.evaluate(
        ([token, user]) => {
          sessionStorage.setItem('passport.token', token)
          sessionStorage.setItem('passport.user', JSON.stringify(user))
        },
        [reader.token, reader.user],
      )
      await page.goto(`${app.base}/account`)
      await page.locator('[data-test=me-nickname]').waitFor()
      await shot('account')
      await page.locator('[data-test=change-password]').click()
      await page.fill('input[name=new_password]', 'abc')
      await page.locator('input[name=new_password_again]').click()
      await shot('account-password')
      await page.locator('[data-test=edit-profile]').click()
      await shot('account-profile')

      // A developer's page: `passport dev` serves it, a production cluster (mail to its SMTP
      // sink, app.outboxUrl) has no such page.
      if (!app.outboxUrl) {
        await page.goto(`${app.base}/dev/outbox`)
        await page.locator('[data-kind=sms]').first().waitFor()
        await shot('outbox', { english: false })
      }

      await page.evaluate(() => sessionStorage.clear())
      await page.goto(`${app.base}/admin/login`)
      await shot('admin-login')
      await page.fill('input[name=account]', ADMIN.username)
      await page.fill('input[name=password]', ADMIN.password)
      await page.getByRole('button', { name: '登录' }).click()
      await page.waitForURL((u) => u.pathname === '/admin')
      await page.locator('.chart canvas').waitFor()
      await shot('admin-dashboard')
      // Against a cluster the admin lists show what every other journey wrote there (their
      // usernames and audit reasons are English test data), so only this run's own data is
      // held to "no English".
      const ownData = { english: !app.outboxUrl }
      for (const name of ['users', 'bindings', 'jobs', 'audit']) {
        await page.goto(`${app.base}/admin/${name}`)
        await page.locator('.el-table').waitFor()
        await shot(`admin-${name}`, ownData)
      }
      await page.goto(`${app.base}/admin/bindings`)
      await page.locator('.el-table__row').first().getByRole('button', { name: '详情' }).click()
      await page.locator('.el-drawer').getByText('令牌记录').waitFor()
      await shot('admin-binding-drawer', ownData)
    } finally {
      await context.close()
    }
    assert.deepEqual(problems, [])
  })
}
