// Browser journeys of issue 16: accounts people run themselves — sign-up and sign-in with a
// mobile and an SMS code, password reset by SMS, the QQ callback surviving a reload, and an admin
// locking and unlocking an account, audited. Each saves its last page under target/e2e/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, eventually, launchBrowser, outbox, registerViaQq, smsCode, startPassport, withPage } from './harness.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const DESKTOP = { viewport: { width: 1280, height: 860 } }

let app
let browser

// Readers for the SMS sign-in and reset journeys, made first: their registration code must be
// a minute old before another code goes to the same mobile (one code per mobile per minute).
const SMS_LOGIN = { simUser: 'sms_login', nickname: '短信登录的读者', mobile: '13700137011', password: 'Sms-login-1' }
const SMS_RESET = { simUser: 'sms_reset', nickname: '忘了密码的读者', mobile: '13700137021', password: 'Old-pass-123' }
let readersMadeAt = 0

before(async () => {
  app = await startPassport()
  browser = await launchBrowser()
  await registerViaQq(app, SMS_LOGIN)
  await registerViaQq(app, SMS_RESET)
  readersMadeAt = Date.now()
})

/** Wait until the registration codes of the readers above are over a minute old. */
async function resendWindowPassed() {
  const left = readersMadeAt + 62_000 - Date.now()
  if (left > 0) await new Promise((r) => setTimeout(r, left))
}

after(async () => {
  await browser?.close()
  await app?.stop()
})

const smsCount = async (mobile) => (await outbox(app)).filter((m) => m.kind === 'sms' && m.to === mobile).length

/**
 * Press 获取验证码 and wait for the countdown. The account was just made with a code to the same
 * mobile: a throttled answer shows its wait ("请 N 秒后再试") and counts it down; then press again.
 */
async function askCode(page) {
  const asked = Date.now() - 1000
  await page.getByRole('button', { name: '获取验证码' }).click()
  const counting = page.getByRole('button', { name: /秒后重新获取/ })
  await counting.waitFor()
  const waited = page.locator('.el-alert--error:visible', { hasText: /请 \d+ (秒|分钟)后再试/ })
  if (await waited.count()) {
    await page.getByRole('button', { name: /^(获取验证码|重新获取)$/ }).waitFor({ timeout: 70000 })
    const again = Date.now() - 1000
    await page.getByRole('button', { name: /^(获取验证码|重新获取)$/ }).click()
    await counting.waitFor()
    return again
  }
  return asked
}

async function approveOnQq(page, simUser, nickname) {
  await page.waitForURL((u) => u.pathname === '/oauth2.0/authorize')
  await page.fill('input[name=sim_user_new]', simUser)
  await page.fill('input[name=sim_nickname]', nickname)
  await page.getByRole('button', { name: '授权并登录' }).click()
}

test('a new reader signs up with a mobile and an SMS code; taken nickname and mobile are said up front (phone width)', async () => {
  await registerViaQq(app, { simUser: 'signup_taken', nickname: '先来的读者', mobile: '13700137001', password: 'First-pass-1' })
  await withPage(browser, '16-1-signup-sms', PHONE, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByRole('link', { name: '注册' }).first().click()
    await page.waitForURL((u) => u.pathname === '/register')

    // The nickname is checked as it is typed.
    await page.fill('input[name=nickname]', '先来的读者')
    await page.locator('.el-form-item__error', { hasText: '昵称' }).waitFor()
    await page.fill('input[name=nickname]', '新来的读者')
    await eventually('the nickname error to go', async () => (await page.locator('.el-form-item__error').count()) === 0)

    // A mobile that has an account: no code is sent, signing in is offered.
    await page.fill('input[name=mobile]', '13700137001')
    const before = await smsCount('13700137001')
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.locator('[data-test=mobile-taken]').waitFor()
    assert.match(await page.locator('[data-test=mobile-taken]').innerText(), /短信验证码登录/)
    assert.equal(await smsCount('13700137001'), before, 'no SMS for a taken mobile')

    // A wrong number's alert goes once the number is fixed (it used to stay).
    await page.fill('input[name=mobile]', '1370013700')
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.locator('.el-alert--error', { hasText: '请输入正确的 11 位手机号' }).waitFor()
    const mobile = '13700137002'
    await page.fill('input[name=mobile]', mobile)
    assert.equal(await page.locator('.el-alert--error:visible').count(), 0, 'the stale alert is gone')
    const asked = Date.now() - 1000
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()
    const code = await smsCode(app, mobile, asked)

    // A wrong code first: refused with the API's message; then the right one.
    await page.fill('input[name=sms_code]', code === '000000' ? '111111' : '000000')
    await page.fill('input[name=new_password]', 'Reader-new-12')
    await page.getByRole('button', { name: '注册', exact: true }).click()
    await page.locator('.el-alert--error:visible', { hasText: '验证码' }).waitFor()
    await page.fill('input[name=sms_code]', code)
    await page.getByRole('button', { name: '注册', exact: true }).click()

    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]', { hasText: '新来的读者' }).waitFor()
    assert.equal(await page.locator('[data-test=me-mobile]').innerText(), '137****7002', 'the mobile is masked')
    assert.equal(await page.locator('[data-test=me-email]').innerText(), '未设置', 'no "未验证" without an email')
  })
})

test('reloading the QQ callback page mid-registration keeps the form, and the registration finishes', async () => {
  await withPage(browser, '16-4-callback-reload', PHONE, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await approveOnQq(page, 'reload_reader', '刷新页面的读者')
    await page.waitForURL((u) => u.pathname === '/oauth/qq/callback')
    await page.getByRole('tab', { name: '没有账号' }).click()
    const mobile = '13700137031'
    await page.fill('input[name=mobile]', mobile)
    const asked = Date.now() - 1000
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()

    // Switching to the SMS app reloaded the page.
    await page.reload()
    await page.getByText('你好，').waitFor()
    assert.equal(await page.getByText('QQ 没有返回授权码').count(), 0)
    assert.equal(await page.inputValue('input[name=mobile]'), mobile, 'the typed mobile is back')
    assert.equal(await page.inputValue('input[name=nickname]'), '刷新页面的读者')
    await page.locator('input[name=sms_code]').waitFor({ state: 'visible' })

    await page.fill('input[name=sms_code]', await smsCode(app, mobile, asked))
    await page.fill('input[name=new_password]', 'Reload-pass-1')
    await page.getByRole('button', { name: '注册并登录' }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=qq-binding]', { hasText: '刷新页面的读者' }).waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.getItem('passport.qq_pending')), null, 'used: forgotten')

    // Coming back to the callback address later: nothing pending, and QQ is not blamed.
    await page.goto(`${app.base}/oauth/qq/callback`)
    await page.getByText('没有进行中的 QQ 登录').waitFor()
    // A pending bind whose ticket has expired: said so, with QQ login offered again.
    await page.evaluate(() =>
      sessionStorage.setItem(
        'passport.qq_pending',
        JSON.stringify({ ticket: 't', profile: { nickname: 'x', avatar: '' }, next: '/account', expiresAt: Date.now() - 1 }),
      ),
    )
    await page.reload()
    await page.getByText('已超过 10 分钟').waitFor()
    await page.getByRole('button', { name: '重新用 QQ 登录' }).waitFor()
  })
})

test('an admin finds a user, locks the account (sign-in refused, clearly), unlocks it, and finds both in the audit log', async () => {
  const mobile = '13700137041'
  await registerViaQq(app, { simUser: 'lock_me', nickname: '被锁定的读者', mobile, password: 'Lock-pass-12' })
  const tryLogin = (password) =>
    fetch(`${app.base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: mobile, password }),
    })

  await withPage(browser, '16-5-admin-lock', DESKTOP, async (page) => {
    await page.goto(`${app.base}/admin/users`)
    await page.waitForURL((u) => u.pathname === '/admin/login')
    await page.fill('input[name=account]', ADMIN.username)
    await page.fill('input[name=password]', ADMIN.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL((u) => u.pathname === '/admin/users')

    await page.fill('input[name=q]', '被锁定')
    await page.keyboard.press('Enter')
    await eventually('the search to leave one row', async () => (await page.locator('.el-table__row').count()) === 1)
    await page.locator('.el-table__row', { hasText: '被锁定的读者' }).getByRole('button', { name: '详情' }).click()
    const drawer = page.locator('.el-drawer')
    await drawer.locator('[data-test=user-nickname]', { hasText: '被锁定的读者' }).waitFor()

    await drawer.getByRole('button', { name: '锁定账号' }).click()
    const dialog = page.locator('.el-message-box')
    await dialog.locator('input').fill('用户举报账号被盗')
    await dialog.getByRole('button', { name: '确定锁定账号' }).click()
    await page.locator('.el-message--success', { hasText: '账号已锁定' }).waitFor()
    await drawer.locator('[data-test=user-state]', { hasText: '已锁定' }).waitFor()

    // The owner cannot sign in, and is told why (in the browser, on the login page).
    const locked = await browser.newContext({ locale: 'zh-CN' })
    const reader = await locked.newPage()
    await reader.goto(`${app.base}/login`)
    await reader.fill('input[name=account]', mobile)
    await reader.fill('input[name=password]', 'Lock-pass-12')
    await reader.getByRole('button', { name: '登录', exact: true }).click()
    await reader.locator('.el-alert--error:visible', { hasText: '已被管理员锁定' }).waitFor()
    await locked.close()

    await drawer.getByRole('button', { name: '解除锁定' }).click()
    await dialog.locator('input').fill('核实为本人，恢复使用')
    await dialog.getByRole('button', { name: '确定解除锁定' }).click()
    await page.locator('.el-message--success', { hasText: '已解除锁定' }).waitFor()
    await drawer.locator('[data-test=user-state]', { hasText: '正常' }).waitFor()
    assert.equal((await tryLogin('Lock-pass-12')).status, 200, 'unlocked: the password works again')

    await drawer.getByRole('link', { name: '查看操作记录' }).click()
    await page.waitForURL((u) => u.pathname === '/admin/audit')
    await page.locator('.el-table__row', { hasText: '用户举报账号被盗' }).waitFor()
    await page.locator('.el-table__row', { hasText: '核实为本人，恢复使用' }).waitFor()
    const lockRow = page.locator('.el-table__row', { hasText: '用户举报账号被盗' })
    assert.match(await lockRow.innerText(), /锁定账号/)
    assert.match(await lockRow.innerText(), new RegExp(ADMIN.username))
  })
})

test('a reader signs in with an SMS code', async () => {
  const { mobile } = SMS_LOGIN
  await resendWindowPassed()
  await withPage(browser, '16-2-login-sms', DESKTOP, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByRole('tab', { name: '短信登录' }).click()
    await page.fill('input[name=sms_mobile]', mobile)
    const asked = await askCode(page)
    // The toast sits below the logo, not on it (measured once it has slid in).
    await page.waitForTimeout(600)
    const toast = await page.locator('.el-message', { hasText: '验证码已发送' }).first().boundingBox()
    const logo = await page.locator('.rr-logo').boundingBox()
    assert.ok(toast.y >= logo.y + logo.height, `toast at ${toast.y} overlaps the logo (ends ${logo.y + logo.height})`)
    const code = await smsCode(app, mobile, asked)
    await page.fill('input[name=sms_code]', code)
    await page.locator('.el-tab-pane:visible').getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]', { hasText: '短信登录的读者' }).waitFor()
  })
})

test('a QQ-registered reader (no email) resets the password by SMS and signs in with the new one', async () => {
  const { mobile } = SMS_RESET
  await resendWindowPassed()
  await withPage(browser, '16-3-reset-sms', PHONE, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByText('登录遇到问题?').click()
    await page.waitForURL((u) => u.pathname === '/forgot-password')
    await page.getByRole('tab', { name: '用手机号找回' }).click()
    await page.fill('input[name=mobile]', mobile)
    const asked = await askCode(page)
    const code = await smsCode(app, mobile, asked)
    await page.fill('input[name=sms_code]', code)

    // A short password is said once, under the field, not on the strength bars.
    await page.fill('input[name=new_password]', 'abc')
    await page.locator('input[name=new_password_again]').click()
    await page.getByText('密码至少需要 8 个字符').first().waitFor()
    assert.equal(await page.getByText('密码至少需要 8 个字符').count(), 1, 'said once')

    await page.fill('input[name=new_password]', 'New-pass-4567')
    await page.fill('input[name=new_password_again]', 'New-pass-4567')
    await page.getByRole('button', { name: '重置密码' }).click()
    await page.getByText('密码已重置').waitFor()

    await page.getByText('去登录').click()
    await page.waitForURL((u) => u.pathname === '/login')
    await page.fill('input[name=account]', mobile)
    await page.fill('input[name=password]', 'Old-pass-123')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.locator('.el-alert--error:visible').waitFor()
    await page.fill('input[name=password]', 'New-pass-4567')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/account')
  })
})
