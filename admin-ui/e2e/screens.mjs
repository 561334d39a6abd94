// Not a test: `node e2e/screens.mjs` saves screenshots of the main pages under target/e2e/screens/
// to look at the layout (desktop and phone widths).
import path from 'node:path'
import { mkdir } from 'node:fs/promises'
import { ADMIN, launchBrowser, shotsDir, startPassport } from './harness.mjs'

const out = path.join(shotsDir, 'screens')
await mkdir(out, { recursive: true })
const app = await startPassport()
const browser = await launchBrowser()
try {
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ]) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport })
    const page = await context.newPage()
    const shot = (name) => page.screenshot({ path: path.join(out, `${label}-${name}.png`), fullPage: true })
    await page.goto(`${app.base}/login`)
    await page.getByRole('button', { name: 'QQ登录' }).waitFor()
    await shot('login')
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await page.fill('input[name=sim_user_new]', `screens_${label}`)
    await page.fill('input[name=sim_nickname]', '截图用户')
    await page.getByRole('button', { name: '授权并登录' }).click()
    await page.getByRole('tab', { name: '没有账号' }).click()
    await page.fill('input[name=mobile]', label === 'phone' ? '13900139001' : '13900139002')
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()
    await shot('qq-callback-register')
    await page.goto(`${app.base}/dev/outbox`)
    await page.locator('[data-kind=sms]').first().waitFor()
    await shot('outbox')
    await page.goto(`${app.base}/reset-password?token=abc`)
    await page.fill('input[name=new_password]', 'abcdefg1')
    await shot('reset')
    await page.goto(`${app.base}/admin/login`)
    await page.fill('input[name=account]', ADMIN.username)
    await page.fill('input[name=password]', ADMIN.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL((u) => u.pathname === '/admin')
    await page.waitForTimeout(800)
    await shot('admin-dashboard')
    await page.goto(`${app.base}/admin/bindings`)
    await page.waitForTimeout(800)
    await shot('admin-bindings')
    await page.goto(`${app.base}/admin/jobs`)
    await page.waitForTimeout(800)
    await shot('admin-jobs')
    await context.close()
  }
} finally {
  await browser.close()
  await app.stop()
}
