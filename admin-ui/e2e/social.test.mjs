// Browser journeys of social sign-in beside QQ (issue 15): register with WeChat (SMS code), bind
// Weibo to an existing account, link both from the account page, sign in with each, unbind one;
// and the admin's provider filter. Against a real `passport dev` with its embedded WeChat and
// Weibo simulators (a stand-in QR page with "扫码确认", a consent page with "授权").
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, eventually, launchBrowser, registerViaQq, smsCode, startPassport, withPage } from './harness.mjs'

// The cluster (`make cluster`, PASSPORT_E2E_CLUSTER) configures no WeChat or Weibo app.
const SKIP = process.env.PASSPORT_E2E_CLUSTER ? 'the cluster runs no WeChat or Weibo simulator' : false
const journey = (name, body) => test(name, { skip: SKIP }, body)

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

/** Each simulator's page: where it is, and the button that says yes. */
const SIM_PAGES = {
  qq: { path: '/oauth2.0/authorize', approve: '授权并登录' },
  wechat: { path: '/connect/qrconnect', approve: '扫码确认', deny: '拒绝' },
  weibo: { path: '/oauth2/authorize', approve: '授权', deny: '取消' },
}
const NAMES = { qq: 'QQ', wechat: '微信', weibo: '微博' }

/** On the provider simulator's page: type a user (new or known) and approve. */
async function approveOn(page, provider, simUser, nickname) {
  const sim = SIM_PAGES[provider]
  await page.waitForURL((u) => u.pathname === sim.path)
  await page.fill('input[name=sim_user_new]', simUser)
  await page.fill('input[name=sim_nickname]', nickname)
  await page.getByRole('button', { name: sim.approve, exact: true }).click()
}

/** From the sign-in page, with the provider's round button, as `simUser`. */
async function signInWith(page, provider, simUser, nickname) {
  await page.goto(`${app.base}/login`)
  await page.getByRole('button', { name: `${NAMES[provider]}登录` }).click()
  await approveOn(page, provider, simUser, nickname)
}

async function signInWithPassword(page, account, password) {
  await page.goto(`${app.base}/login`)
  await page.fill('input[name=account]', account)
  await page.fill('input[name=password]', password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.waitForURL((u) => u.pathname === '/account')
}

async function signOut(page) {
  await page.getByRole('button', { name: '退出登录' }).click()
  await page.waitForURL((u) => u.pathname === '/login')
}

journey('the sign-in page shows QQ, 微信 and 微博, each starting its own round trip', async () => {
  await withPage(browser, 'social-0-login-icons', DESKTOP, async (page) => {
    const asked = []
    page.on('request', (r) => r.url().includes('/authorize-url') && asked.push(new URL(r.url()).pathname))
    for (const provider of ['qq', 'wechat', 'weibo']) {
      await page.goto(`${app.base}/login`)
      for (const name of Object.values(NAMES)) await page.getByRole('button', { name: `${name}登录` }).waitFor()
      await page.getByRole('button', { name: `${NAMES[provider]}登录` }).click()
      await page.waitForURL((u) => u.pathname === SIM_PAGES[provider].path)
    }
    assert.deepEqual(asked, ['/api/oauth/qq/authorize-url', '/api/oauth/wechat/authorize-url', '/api/oauth/weibo/authorize-url'])
  })
})

journey('a new reader signs in with WeChat and registers with an SMS code (phone width)', async () => {
  await withPage(browser, 'social-1-wechat-register', PHONE, async (page) => {
    await signInWith(page, 'wechat', 'wx_reader_one', '微信的小红')

    await page.waitForURL((u) => u.pathname === '/oauth/wechat/callback')
    await page.getByText('你好，').waitFor()
    assert.equal(await page.locator('.wechat-nickname').innerText(), '微信的小红')
    await page.getByText('这个微信还没有绑定荏苒账号').waitFor()
    assert.ok(!page.url().includes('code='), 'the WeChat code leaves the address bar')
    await page.getByRole('tab', { name: '没有账号' }).click()
    assert.equal(await page.inputValue('input[name=nickname]'), '微信的小红', 'prefilled with the WeChat nickname')

    const mobile = '13900139001'
    await page.fill('input[name=mobile]', mobile)
    const asked = Date.now() - 1000
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByRole('button', { name: /秒后重新获取/ }).waitFor()
    await page.fill('input[name=sms_code]', await smsCode(app, mobile, asked))
    await page.fill('input[name=new_password]', 'Wechat-pass-1')
    await page.getByRole('button', { name: '注册并登录' }).click()

    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=wechat-binding]').waitFor()
    assert.equal(await page.locator('[data-test=me-nickname]').innerText(), '微信的小红')
    assert.equal(await page.locator('[data-test=wechat-binding]').innerText(), '微信的小红')
    assert.equal(await page.locator('[data-test=qq-binding]').count(), 0, 'no QQ binding')
    await page.locator('[data-test=qq-bind]').waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.getItem('passport.wechat_pending')), null, 'used: forgotten')
  })
})

journey('a Weibo user binds an existing account with its password, and the account page shows the token expiry', async () => {
  await registerViaQq(app, {
    simUser: 'weibo_writer_qq',
    nickname: '写诗的阿杰',
    mobile: '13900139002',
    password: 'Poet-pass-22',
  })
  await withPage(browser, 'social-2-weibo-bind-existing', DESKTOP, async (page) => {
    await page.goto(`${app.base}/login`)
    await page.getByText('记住我').click()
    await page.getByRole('button', { name: '微博登录' }).click()
    await approveOn(page, 'weibo', 'weibo_writer', '阿杰的微博')

    await page.waitForURL((u) => u.pathname === '/oauth/weibo/callback')
    assert.equal(await page.locator('.weibo-nickname').innerText(), '阿杰的微博')
    await page.getByRole('tab', { name: '已有账号' }).waitFor()
    await page.fill('input[name=account]', '13900139002')
    await page.fill('input[name=password]', 'Wrong-pass-9')
    await page.getByRole('button', { name: '绑定并登录' }).click()
    await page.locator('.el-alert--error:visible').waitFor()
    await page.fill('input[name=password]', 'Poet-pass-22')
    await page.getByRole('button', { name: '绑定并登录' }).click()

    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=weibo-binding]').waitFor()
    assert.equal(await page.locator('[data-test=me-nickname]').innerText(), '写诗的阿杰')
    assert.equal(await page.locator('[data-test=weibo-binding]').innerText(), '阿杰的微博')
    await page.locator('[data-test=qq-binding]').waitFor() // the QQ binding stays
    // Weibo has no refresh grant: the page says when its token lapses.
    assert.match(await page.locator('[data-test=weibo-expiry]').innerText(), /于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    assert.ok(await page.evaluate(() => localStorage.getItem('passport.token') !== null), '记住我 kept')
  })
})

journey('a reader links WeChat and Weibo on the account page, signs in with each of the three, and unbinds WeChat', async () => {
  await registerViaQq(app, {
    simUser: 'three_qq',
    nickname: '三个账号的阿明',
    mobile: '13900139003',
    password: 'Three-pass-33',
  })
  await withPage(browser, 'social-3-link-login-unbind', DESKTOP, async (page) => {
    await signInWithPassword(page, '13900139003', 'Three-pass-33')

    // 绑定: to the provider and back, the identity linked to this account.
    await page.locator('[data-test=wechat-bind]').click()
    await approveOn(page, 'wechat', 'three_wx', '阿明的微信')
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('.el-message--success', { hasText: '已绑定微信' }).waitFor()
    await page.locator('[data-test=wechat-binding]', { hasText: '阿明的微信' }).waitFor()

    await page.locator('[data-test=weibo-bind]').click()
    await approveOn(page, 'weibo', 'three_wb', '阿明的微博')
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=weibo-binding]', { hasText: '阿明的微博' }).waitFor()
    assert.equal(await page.locator('[data-test=me-nickname]').innerText(), '三个账号的阿明', 'still the same reader')

    // Each of the three signs this reader in.
    for (const [provider, simUser, nickname] of [
      ['wechat', 'three_wx', '阿明的微信'],
      ['weibo', 'three_wb', '阿明的微博'],
      ['qq', 'three_qq', '三个账号的阿明'],
    ]) {
      await signOut(page)
      await signInWith(page, provider, simUser, nickname)
      await page.waitForURL((u) => u.pathname === '/account')
      await page.locator('[data-test=me-nickname]', { hasText: '三个账号的阿明' }).waitFor()
    }

    // Unbinding WeChat: asked first, then the row offers 绑定 again.
    await page.locator('[data-test=wechat-unbind]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '解除绑定' }).click()
    await page.locator('.el-message--success', { hasText: '已解除微信绑定' }).waitFor()
    await page.locator('[data-test=wechat-bind]').waitFor()
    assert.equal(await page.locator('[data-test=wechat-binding]').count(), 0)
    await page.locator('[data-test=weibo-binding]').waitFor()

    // That WeChat no longer signs anyone in: it is offered to bind or register.
    await signOut(page)
    await signInWith(page, 'wechat', 'three_wx', '阿明的微信')
    await page.waitForURL((u) => u.pathname === '/oauth/wechat/callback')
    await page.getByRole('tab', { name: '已有账号' }).waitFor()
    assert.equal(await page.locator('.wechat-nickname').innerText(), '阿明的微信')
  })
})

journey('linking a Weibo that belongs to another account is refused, and the reader stays signed in as themself', async () => {
  await registerViaQq(app, {
    simUser: 'linker_qq',
    nickname: '想要微博的小周',
    mobile: '13900139004',
    password: 'Linker-pass-44',
  })
  await withPage(browser, 'social-4-link-taken', DESKTOP, async (page) => {
    await signInWithPassword(page, '13900139004', 'Linker-pass-44')
    await page.locator('[data-test=weibo-bind]').click()
    // Bound to 写诗的阿杰 by the journey above.
    await approveOn(page, 'weibo', 'weibo_writer', '阿杰的微博')
    await page.waitForURL((u) => u.pathname === '/oauth/weibo/callback')
    await page.getByText('绑定微博没有完成').waitFor()
    await page.getByText('已绑定另一个荏苒账号').waitFor()
    await page.getByRole('link', { name: '返回我的账号' }).click()
    await page.waitForURL((u) => u.pathname === '/account')
    await page.locator('[data-test=me-nickname]', { hasText: '想要微博的小周' }).waitFor()
    await page.locator('[data-test=weibo-bind]').waitFor()
  })
})

journey('refusing on the WeChat page says so and offers WeChat again', async () => {
  await withPage(browser, 'social-5-wechat-refused', PHONE, async (page) => {
    const posted = []
    page.on('request', (r) => r.url().includes('/api/oauth/wechat/callback') && posted.push(r.url()))
    await page.goto(`${app.base}/login`)
    await page.getByRole('button', { name: '微信登录' }).click()
    await page.waitForURL((u) => u.pathname === SIM_PAGES.wechat.path)
    await page.getByRole('button', { name: SIM_PAGES.wechat.deny, exact: true }).click()
    await page.waitForURL((u) => u.pathname === '/oauth/wechat/callback')
    await page.getByText('微信登录没有完成').waitFor()
    await page.getByText('你取消了微信授权').waitFor()
    await page.getByRole('button', { name: '重新用微信登录' }).waitFor()
    assert.deepEqual(posted, [], 'nothing was sent to the API')
  })
})

journey('the admin filters the bindings by provider and sees each provider counted', async () => {
  await withPage(browser, 'social-6-admin-provider-filter', DESKTOP, async (page) => {
    await page.goto(`${app.base}/admin/bindings`)
    await page.waitForURL((u) => u.pathname === '/admin/login')
    await page.fill('input[name=account]', ADMIN.username)
    await page.fill('input[name=password]', ADMIN.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL((u) => u.pathname === '/admin/bindings')

    await page.locator('[data-test=provider-filter]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '微博' }).click()
    await page.waitForURL((u) => u.searchParams.get('provider') === 'weibo')
    await eventually('only Weibo rows', async () => {
      const tags = await page.locator('[data-test=binding-provider]').allInnerTexts()
      return tags.length >= 2 && tags.every((t) => t.trim() === '微博')
    })
    await page.locator('.el-table__row', { hasText: '阿杰的微博' }).waitFor()

    // The dashboard counts each provider.
    await page.getByRole('menuitem', { name: '概览' }).click()
    const weibo = page.locator('[data-test=provider-stats] .el-table__row', { hasText: '微博' })
    await eventually('Weibo logins on the dashboard', async () => Number((await weibo.locator('td').nth(1).innerText()).trim()) >= 1)
  })
})
