// The wrapper's behaviour against a fake fetch (the built dist/, as a consumer imports it).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPassportClient, unwrap, settle, PassportError, isErrorCode, SERVER_ERROR_CODES } from '../dist/index.js'

function fakeFetch(answer) {
  const seen = []
  const fetch = async (request) => {
    seen.push(request)
    return typeof answer === 'function' ? answer(request) : answer.clone()
  }
  return { fetch, seen }
}

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

test('a success answers its data, with the base URL, the query and the credentials', async () => {
  const { fetch, seen } = fakeFetch(json(200, { url: 'https://graph.qq.com/oauth2.0/authorize?x', state: 's1' }))
  const passport = createPassportClient({ baseUrl: 'https://passport.example/api', fetch })
  const data = await unwrap(passport.GET('/oauth/{provider}/authorize-url', { params: { path: { provider: 'qq' }, query: { next: '/books/1' } } }))
  assert.deepEqual(data, { url: 'https://graph.qq.com/oauth2.0/authorize?x', state: 's1' })
  assert.equal(seen[0].url, 'https://passport.example/api/oauth/qq/authorize-url?next=%2Fbooks%2F1')
  assert.equal(seen[0].credentials, 'include', 'the QQ login cookie must travel cross-origin')
})

test('credentials can be narrowed', async () => {
  const { fetch, seen } = fakeFetch(json(200, { name: 'passport', version: '0.1.0' }))
  const passport = createPassportClient({ baseUrl: 'http://x/api', fetch, credentials: 'same-origin' })
  await unwrap(passport.GET('/version'))
  assert.equal(seen[0].credentials, 'same-origin')
})

test('the token is sent as a bearer, read at each call', async () => {
  const { fetch, seen } = fakeFetch(() => json(200, { name: 'passport', version: '0.1.0' }))
  let token = null
  const passport = createPassportClient({ baseUrl: 'http://x/api', fetch, token: () => token })
  await unwrap(passport.GET('/version'))
  assert.equal(seen[0].headers.get('authorization'), null)
  token = 'jwt-1'
  await unwrap(passport.GET('/version'))
  assert.equal(seen[1].headers.get('authorization'), 'Bearer jwt-1')
})

test('an error answer throws a PassportError with the code, the Chinese message and the wait', async () => {
  const { fetch } = fakeFetch(
    json(429, { code: 'sms_too_frequent', message: '短信发送过于频繁，请稍后再试', retry_after: 42 }, { 'retry-after': '42' }),
  )
  const passport = createPassportClient({ baseUrl: 'http://x/api', fetch })
  const call = passport.POST('/sms/codes', { body: { mobile: '13800138000', bind_ticket: 't' } })
  await assert.rejects(unwrap(call), (e) => {
    assert.ok(e instanceof PassportError)
    assert.ok(e instanceof Error)
    assert.equal(e.status, 429)
    assert.equal(e.code, 'sms_too_frequent')
    assert.equal(e.message, '短信发送过于频繁，请稍后再试')
    assert.equal(e.retryAfter, 42)
    return true
  })
})

test('settle never throws: an error, a foreign body, no answer at all', async () => {
  const bad = createPassportClient({ baseUrl: 'http://x/api', fetch: fakeFetch(json(401, { code: 'token_revoked', message: '登录已失效' })).fetch })
  const r1 = await settle(bad.GET('/users/me'))
  assert.equal(r1.ok, false)
  assert.equal(r1.error.code, 'token_revoked')

  const html = createPassportClient({
    baseUrl: 'http://x/api',
    fetch: fakeFetch(new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } })).fetch,
  })
  const r2 = await settle(html.GET('/users/me'))
  assert.equal(r2.ok, false)
  assert.equal(r2.error.code, 'unexpected_response')
  assert.equal(r2.error.status, 502)
  assert.match(r2.error.message, /服务暂时不可用/)

  const offline = createPassportClient({
    baseUrl: 'http://x/api',
    fetch: async () => {
      throw new TypeError('fetch failed')
    },
  })
  const r3 = await settle(offline.GET('/users/me'))
  assert.equal(r3.ok, false)
  assert.equal(r3.error.code, 'network')
  assert.equal(r3.error.status, 0)
})

test('the error codes come from the spec', () => {
  for (const code of ['bind_ticket_used', 'sms_code_invalid', 'too_many_attempts', 'state_not_this_browser']) {
    assert.ok(SERVER_ERROR_CODES.includes(code), code)
    assert.ok(isErrorCode(code), code)
  }
  assert.ok(!SERVER_ERROR_CODES.includes('retry_after'), 'a field of the error body is not a code')
  assert.ok(isErrorCode('network'))
  assert.ok(!isErrorCode('no_such_code'))
})
