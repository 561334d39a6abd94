// The social providers' names in sentences (src/providers.ts) and the pending binds kept per
// provider (src/pendingBind.ts), as the bundle has them. Run by `npm test`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const here = path.dirname(fileURLToPath(import.meta.url))

/** A module of src/ transpiled by the project's own TypeScript (type-only imports vanish). */
async function load(file) {
  const source = await readFile(path.join(here, '../src', file), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`)
}

test('a Latin provider name gets a space where it meets a Chinese character, a Chinese one none', async () => {
  const { zh, spaced } = await load('providers.ts')
  // QQ's texts exactly as they always read (the QQ journeys look for them).
  assert.equal(zh`重新用${'qq'}登录`, '重新用 QQ 登录')
  assert.equal(zh`${'qq'}登录没有完成`, 'QQ 登录没有完成')
  assert.equal(zh`没有进行中的${'qq'}登录：它可能已经完成或已失效。`, '没有进行中的 QQ 登录：它可能已经完成或已失效。')
  assert.equal(zh`正在跳转到${'qq'}…`, '正在跳转到 QQ…')
  assert.equal(zh`你取消了${'qq'}授权。`, '你取消了 QQ 授权。')
  assert.equal(zh`重新用${'wechat'}登录`, '重新用微信登录')
  assert.equal(zh`这个${'weibo'}还没有绑定荏苒账号，绑定后即可用${'weibo'}登录`, '这个微博还没有绑定荏苒账号，绑定后即可用微博登录')
  assert.equal(`的${spaced('qq')}绑定`, '的 QQ 绑定')
  assert.equal(`的${spaced('wechat')}绑定`, '的微信绑定')
})

test('only the three providers are providers', async () => {
  const { isProvider, PROVIDERS } = await load('providers.ts')
  assert.deepEqual([...PROVIDERS], ['qq', 'wechat', 'weibo'])
  for (const p of PROVIDERS) assert.ok(isProvider(p))
  for (const v of ['github', 'QQ', '', undefined, null, ['qq']]) assert.ok(!isProvider(v), String(v))
})

test('a pending bind is kept per provider, QQ under its old key, and an expired one is said so', async () => {
  const store = new Map()
  globalThis.sessionStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
  }
  const { savePending, restorePending, clearPending } = await load('pendingBind.ts')
  const pending = (ticket, expiresAt) => ({ ticket, profile: { nickname: 'n', avatar: '' }, next: '/account', expiresAt })
  savePending('qq', pending('T-qq', 2000))
  savePending('wechat', pending('T-wx', 500))
  assert.deepEqual([...store.keys()].sort(), ['passport.qq_pending', 'passport.wechat_pending'])
  assert.equal(restorePending('qq', 1000).pending.ticket, 'T-qq')
  assert.deepEqual(restorePending('wechat', 1000), { kind: 'expired', next: '/account' })
  assert.ok(!store.has('passport.wechat_pending'), 'the expired one is forgotten')
  assert.deepEqual(restorePending('weibo', 1000), { kind: 'none' })
  store.set('passport.weibo_pending', '{not json')
  assert.deepEqual(restorePending('weibo', 1000), { kind: 'none' })
  clearPending('qq')
  assert.equal(store.size, 0)
  delete globalThis.sessionStorage
})
