// The API docs (/docs, Swagger UI) run under their Content Security Policy: the page renders,
// "Try it out" reaches the API, and the browser reports no CSP violation (withPage fails on one).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, startPassport, withPage } from './harness.mjs'

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

test('the API docs work within their CSP', async () => {
  await withPage(browser, 'docs-csp', { viewport: { width: 1280, height: 860 } }, async (page) => {
    const violations = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
    })
    const response = await page.goto(`${app.base}/docs`)
    const csp = response.headers()['content-security-policy']
    assert.match(csp, /^default-src 'none'; script-src 'sha256-/)

    await page.locator('.swagger-ui .info .title').getByText('passport').waitFor()
    assert.ok((await page.locator('.opblock').count()) > 10, 'the operations are listed')

    // Try it out: a call to this origin, allowed by connect-src 'self'.
    const op = page.locator('#operations-System-getVersion')
    await op.locator('.opblock-summary').click()
    await op.getByRole('button', { name: 'Try it out' }).click()
    await op.getByRole('button', { name: 'Execute' }).click()
    await op.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).first().waitFor()
    assert.match(await op.locator('.live-responses-table .microlight').first().innerText(), /"name": "passport"/)
    assert.deepEqual(violations, [])
  })
})
