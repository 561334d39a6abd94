// Browser journeys through the web app, as people use it, against a real `passport dev`.
// Run by `make e2e` (part of `make test`); each saves its last page under target/e2e/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN,
  api,
  eventually,
  launchBrowser,
  mailLink,
  registerViaQq,
  smsCode,
  startPassport,
  withPage,
} from './harness.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const DESKTOP = { viewport: { width: 1280, height: 860 } }

let app
let browser

before(async () => {
  app = await startPassport()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

/** On the simulator's consent page: type a QQ user and approve. */
async function approveOnQq(page, simUser, nickname) {
  await page.waitForURL((u) => u.pathname === '/oauth2.0/authorize')
  await page.fill('input[name=sim_user_new]', simUser)
  await page.fill('input[name=sim_nickname]', nickname)
  await page.getByRole('button', { name: '授权并登录' }).click()
}

test('a new reader signs in with QQ and registers with an SMS code (phone width)', async () => {
  await withPage(browser, '1-qq-register', PHONE, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await approveOnQq(page, 'reader_one', '读书的小明')

    await page.waitForURL((u) => u.pathname === '/oauth/qq/callback')
    await page.getByText('你好，').waitFor()
    assert.equal(await page.locator('.qq-nickname').innerText(), '读书的小明')
    assert.ok(!page.url().includes('code='), 'the QQ code leaves the address bar')
    await page.getByRole('tab', { name: '没有账号' }).click()
    assert.equal(await page.inputValue('input[name=nickname]'), '读书的小明', 'prefilled with the QQ nickname')

    const mobile = '13800138001'
    await page.fill('input[name=mobile]', mobile)
    const asked = Date.now() - 1000
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()
    const code = await smsCode(app, mobile, asked)
    const tencent = await (await fetch(`${app.tencent}/_sim`)).json()
    assert.ok(tencent.services.sms.delivered >= 1, 'the SMS went through the Tencent Cloud simulator')
    await page.fill('input[name=sms_code]', code)
    await page.fill('input[name=new_password]', 'Reader-pass-1')
    await page.getByRole('button', { name: '注册并登录' }).click()

    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=qq-binding]').waitFor()
    assert.equal(await page.locator('[data-test=me-nickname]').innerText(), '读书的小明')
    assert.equal(await page.locator('[data-test=qq-binding]').innerText(), '读书的小明')
    // "记住我" was not ticked: the session lives in this tab only.
    const stored = await page.evaluate(() => [localStorage.length, sessionStorage.getItem('passport.token') !== null])
    assert.deepEqual(stored, [0, true])
  })
})

test('a QQ callback this tab did not start is refused before it reaches the API (login CSRF)', async () => {
  await withPage(browser, '1b-qq-callback-foreign-state', DESKTOP, async (page) => {
    const posted = []
    page.on('request', (r) => r.url().includes('/api/oauth/qq/callback') && posted.push(r.url()))
    await page.goto(`${app.base}/oauth/qq/callback?code=ATTACKERCODE&state=attacker-state`)
    await page.getByText('QQ 登录没有完成').waitFor()
    await page.getByText('不是从本页面发起的').waitFor()
    assert.deepEqual(posted, [], 'nothing was sent to the API')
    assert.ok(!page.url().includes('ATTACKERCODE'), 'the code leaves the address bar')
  })
})

test('a second QQ user binds an existing account with its password', async () => {
  // An existing account (made through the API), whose owner has since unbound their own QQ.
  const owner = await registerViaQq(app, {
    simUser: 'writer_old_qq',
    nickname: '写作的阿华',
    mobile: '13800138002',
    password: 'Writer-pass-2',
  })
  await api(app, 'DELETE', '/users/me/bindings/qq', undefined, owner.token)

  await withPage(browser, '2-qq-bind-existing', DESKTOP, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByText('记住我').click()
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await approveOnQq(page, 'writer_new_qq', '阿华的新QQ')

    await page.waitForURL((u) => u.pathname === '/oauth/qq/callback')
    await page.getByRole('tab', { name: '已有账号' }).waitFor()
    // A wrong password first: the API's Chinese message is shown, the ticket survives.
    await page.fill('input[name=account]', '13800138002')
    await page.fill('input[name=password]', 'Wrong-pass-9')
    await page.getByRole('button', { name: '绑定并登录' }).click()
    await page.locator('.el-alert--error:visible').waitFor()
    assert.match(await page.locator('.el-alert--error:visible').innerText(), /[\u4e00-\u9fff]/)

    await page.fill('input[name=password]', 'Writer-pass-2')
    await page.getByRole('button', { name: '绑定并登录' }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=qq-binding]').waitFor()
    assert.equal(await page.locator('[data-test=me-nickname]').innerText(), '写作的阿华')
    assert.equal(await page.locator('[data-test=qq-binding]').innerText(), '阿华的新QQ')
    // "记住我" ticked: the session survives the browser closing.
    assert.ok(await page.evaluate(() => localStorage.getItem('passport.token') !== null))
  })
})

test('an admin finds a binding by nickname, refreshes it, unbinds it with a reason and sees the audit entry', async (t) => {
  const spec = await (await fetch(`${app.base}/openapi.json`)).json()
  if (!spec.paths['/admin/bindings']) {
    t.skip('the admin API (/api/admin/*, branch admin-api) is not merged into this build yet')
    return
  }
  await withPage(browser, '3-admin-binding', DESKTOP, async (page) => {
    await page.goto(`${app.base}/admin/bindings`)
    await page.waitForURL((u) => u.pathname === '/admin/login')
    await page.fill('input[name=account]', ADMIN.username)
    await page.fill('input[name=password]', ADMIN.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL((u) => u.pathname === '/admin/bindings')

    // The QQ unionid back-fill: confirmed in a dialog, then run as a background job whose state
    // and counts the page polls until the run ends.
    await page.locator('[data-test=unionid-backfill-start]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '开始补全' }).click()
    await page.locator('[data-test=unionid-backfill-state]', { hasText: '已完成' }).waitFor({ timeout: 20000 })
    assert.match(await page.locator('[data-test=unionid-backfill-counts]').innerText(), /已检查 \d+，补全 \d+/)

    await page.fill('input[name=q]', '阿华的新QQ')
    await page.keyboard.press('Enter')
    // The unfiltered list may still be shown for a moment: wait for the search's answer.
    await eventually('the search to leave one row', async () => (await page.locator('.el-table__row').count()) === 1)
    const row = page.locator('.el-table__row', { hasText: '阿华的新QQ' })
    await row.waitFor()
    await row.getByRole('button', { name: '详情' }).click()

    const drawer = page.locator('.el-drawer')
    await drawer.getByText('阿华的新QQ').first().waitFor()
    await drawer.getByRole('button', { name: '立即刷新' }).click()
    // Refreshing is a job (the QQ token refresher runs it): queued, and audited at once.
    await page.locator('.el-message', { hasText: '已提交刷新' }).waitFor()
    await drawer.locator('.el-timeline-item', { hasText: '手动刷新令牌' }).waitFor()
    // The refresher then runs the job against the simulator: the new token shows in the history.
    await page.locator('.el-message', { hasText: '令牌已刷新' }).waitFor({ timeout: 20000 })
    await drawer.getByText('令牌已刷新').first().waitFor()

    await drawer.getByRole('button', { name: '解除绑定' }).click()
    const dialog = page.locator('.el-message-box')
    await dialog.locator('input').fill('用户申请更换QQ')
    await dialog.getByRole('button', { name: '确定解除' }).click()
    await page.locator('.el-message--success', { hasText: '已解除绑定' }).waitFor()
    await drawer.getByText('用户申请更换QQ').waitFor()

    // The dashboard counts the bindings made by the journeys above (still after an unbind).
    await drawer.getByRole('button', { name: /关闭|Close/ }).click().catch(() => page.keyboard.press('Escape'))
    await page.getByRole('menuitem', { name: '概览' }).click()
    const made = page.locator('.el-statistic', { hasText: '近 30 天新增绑定' }).locator('.el-statistic__content')
    await page.locator('.chart canvas').waitFor()
    await eventually('new bindings on the dashboard', async () => Number(await made.innerText()) >= 3)
  })
})

test('a reader who forgot the password resets it from the mailed link and signs in with the new one', async () => {
  await registerViaQq(app, {
    simUser: 'forgetful',
    nickname: '健忘的小李',
    mobile: '13800138003',
    password: 'Old-pass-123',
  })
  // The email is set on the account page, with the current password, and verified by its link.
  await withPage(browser, '4a-set-email', DESKTOP, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.fill('input[name=account]', '13800138003')
    await page.fill('input[name=password]', 'Old-pass-123')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=change-email]').click()
    await page.fill('input[name=email]', 'li@example.com')
    await page.fill('input[name=current_password]', 'Wrong-pass-1')
    await page.getByRole('button', { name: '发送验证邮件' }).click()
    await page.getByText('当前密码不正确').waitFor()
    await page.fill('input[name=current_password]', 'Old-pass-123')
    await page.getByRole('button', { name: '发送验证邮件' }).click()
    await page.getByText('请查收邮件').waitFor()
    await page.goto(await mailLink(app, 'li@example.com', '/verify-email?token='))
    await page.getByRole('button', { name: '确认' }).click()
    await page.getByText('邮箱已验证').waitFor()
  })

  await withPage(browser, '4-password-reset', DESKTOP, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByText('登录遇到问题?').click()
    await page.waitForURL((u) => u.pathname === '/forgot-password')
    await page.getByRole('tab', { name: '用邮箱找回' }).click()
    await page.fill('input[name=email]', 'li@example.com')
    await page.getByRole('button', { name: '发送重置邮件' }).click()
    await page.getByText('请查收邮件').waitFor()

    const link = await mailLink(app, 'li@example.com', '/reset-password?token=')
    assert.ok(link.startsWith(`${app.base}/reset-password?token=`), link)
    const referers = []
    page.on('request', (r) => r.headers().referer && referers.push(r.url()))
    await page.goto(link)
    await page.locator('input[name=new_password]').waitFor()
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar')
    await page.fill('input[name=new_password]', 'abc')
    await page.getByText('密码至少需要 8 个字符').first().waitFor()
    await page.fill('input[name=new_password]', 'New-pass-4567')
    await page.getByText('强度：强').waitFor()
    await page.fill('input[name=new_password_again]', 'New-pass-4567')
    await page.getByRole('button', { name: '重置密码' }).click()
    await page.getByText('密码已重置').waitFor()
    assert.deepEqual(referers, [], 'the reset page sends no Referer')

    await page.getByText('去登录').click()
    await page.waitForURL((u) => u.pathname === '/login')
    await page.fill('input[name=account]', 'li@example.com')
    await page.fill('input[name=password]', 'Old-pass-123')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.locator('.el-alert--error:visible').waitFor()
    await page.fill('input[name=password]', 'New-pass-4567')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]', { hasText: '健忘的小李' }).waitFor()
  })
})

test('a sign-in link whose next hides a tab (/\\t/evil.com) never leaves the site', async () => {
  await registerViaQq(app, {
    simUser: 'tabby_qq',
    nickname: '小心的阿猫',
    mobile: '13800138005',
    password: 'Tabby-pass-55',
  })
  // Browsers strip the tab from `/\t/evil.com` and read `//evil.com`: another site.
  const login = `${app.base}/login?next=${encodeURIComponent('/\t/evil.com')}`
  await withPage(browser, '7-next-with-a-tab', DESKTOP, async (page) => {
    // Every page this tab loads (QQ avatars are images, not navigations).
    const elsewhere = []
    page.on('request', (r) => {
      if (!r.isNavigationRequest()) return
      const { origin } = new URL(r.url())
      if (origin !== app.base && origin !== app.sim) elsewhere.push(r.url())
    })

    // With the password.
    await page.goto(login)
    await page.fill('input[name=account]', '13800138005')
    await page.fill('input[name=password]', 'Tabby-pass-55')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    assert.equal(new URL(page.url()).origin, app.base)
    await page.locator('[data-test=me-nickname]', { hasText: '小心的阿猫' }).waitFor()

    // With QQ: the unsafe `next` never reaches the API, and QQ brings the reader home.
    await page.evaluate(() => {
      localStorage.clear()
      sessionStorage.clear()
    })
    const asked = []
    page.on('request', (r) => r.url().includes('/api/oauth/qq/authorize-url') && asked.push(new URL(r.url())))
    await page.goto(login)
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await approveOnQq(page, 'tabby_qq', '小心的阿猫')
    await page.waitForURL((u) => u.pathname === '/account')
    assert.equal(new URL(page.url()).origin, app.base)
    assert.equal(asked.length, 1)
    assert.equal(asked[0].searchParams.get('next'), '/account')
    assert.deepEqual(elsewhere, [], 'the tab never went to another site')
  })
})

/** A second `passport dev` with PASSPORT_CAPTCHA=risk, started by the first test that needs it. */
let guarded
async function guardedApp() {
  guarded ??= startPassport({ PASSPORT_CAPTCHA: 'risk' })
  return guarded
}

after(async () => {
  await (await guarded)?.stop()
})

/** In the stand-in captcha's iframe: drag the slider all the way to the right. */
async function solveCaptcha(page) {
  const captcha = page.frameLocator('#tcaptcha_iframe_dy')
  const knob = captcha.getByRole('slider', { name: '拖动滑块' })
  await knob.waitFor()
  const from = await knob.boundingBox()
  const track = await captcha.locator('[data-test=track]').boundingBox()
  const y = from.y + from.height / 2
  await page.mouse.move(from.x + from.width / 2, y)
  await page.mouse.down()
  await page.mouse.move(track.x + track.width / 2, y, { steps: 5 })
  await page.mouse.move(track.x + track.width + 20, y, { steps: 5 })
  await page.mouse.up()
}

test('with PASSPORT_CAPTCHA=risk a password login after a failure goes through the captcha; closing it keeps the form', async () => {
  const app = await guardedApp()
  await withPage(browser, '5-captcha-after-failure', DESKTOP, async (page) => {
    const logins = []
    page.on('request', (r) => r.url().endsWith('/api/users/login') && logins.push(JSON.parse(r.postData() ?? '{}')))
    await page.goto(`${app.base}/login`)
    await page.fill('input[name=account]', ADMIN.username)
    await page.fill('input[name=password]', 'Wrong-pass-1')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.locator('.el-alert--error:visible', { hasText: '账号或密码错误' }).waitFor()
    assert.equal(page.frames().length, 1, 'no captcha before the first failure')

    // The account has failed once: the next try must pass the captcha. Closing it first.
    await page.fill('input[name=password]', ADMIN.password)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    const captcha = page.frameLocator('#tcaptcha_iframe_dy')
    await captcha.getByText('拖动下方滑块完成拼图').waitFor()
    await captcha.getByRole('button', { name: '关闭验证' }).click()
    await page.locator('.el-alert--error:visible', { hasText: '关闭了安全验证' }).waitFor()
    assert.equal(await page.inputValue('input[name=account]'), ADMIN.username, 'the form stays filled')
    assert.equal(await page.inputValue('input[name=password]'), ADMIN.password, 'the form stays filled')

    // Then solving it.
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await solveCaptcha(page)
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]').waitFor()
    const last = logins.at(-1)
    assert.ok(last.captcha?.ticket && last.captcha?.randstr, 'the login carried the ticket')
    assert.ok(logins.slice(0, -1).every((l) => !l.captcha), 'no ticket before the captcha was solved')
  })
})

test('with PASSPORT_CAPTCHA=risk the SMS button asks for the captcha, then the code arrives', async () => {
  const app = await guardedApp()
  await withPage(browser, '6-captcha-sms', PHONE, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByRole('button', { name: 'QQ登录' }).click()
    await approveOnQq(page, 'reader_guarded', '谨慎的读者')
    await page.waitForURL((u) => u.pathname === '/oauth/qq/callback')
    await page.getByRole('tab', { name: '没有账号' }).click()
    const mobile = '13800138009'
    await page.fill('input[name=mobile]', mobile)
    const asked = Date.now() - 1000
    await page.getByRole('button', { name: '获取验证码' }).click()
    await solveCaptcha(page)
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()
    const code = await smsCode(app, mobile, asked)
    await page.fill('input[name=sms_code]', code)
    await page.fill('input[name=new_password]', 'Guarded-pass-1')
    await page.getByRole('button', { name: '注册并登录' }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]', { hasText: '谨慎的读者' }).waitFor()
  })
})
