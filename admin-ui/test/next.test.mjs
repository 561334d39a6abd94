// The web app's `next` rules against the cases the server's test runs too
// (openapi/next-cases.json): both sides must accept and refuse exactly the same paths.
// Run by `npm test` (part of `make ui`, so of `make test`).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')

/** src/next.ts as the bundle has it: transpiled by the project's own TypeScript. */
async function loadNext() {
  const source = await readFile(path.join(root, 'admin-ui/src/next.ts'), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`)
}

const { isSafeNext, safeNext } = await loadNext()
const { cases } = JSON.parse(await readFile(path.join(root, 'openapi/next-cases.json'), 'utf8'))

function nextOf(c) {
  if (typeof c.next === 'string') return c.next
  return c.prefix + c.repeat.repeat(c.times)
}

test('every shared case is judged as the server judges it', () => {
  assert.ok(cases.length > 40)
  for (const c of cases) {
    const next = nextOf(c)
    assert.equal(isSafeNext(next), c.safe, `${JSON.stringify(next.slice(0, 40))} (${c.why ?? ''})`)
    assert.equal(safeNext(next, '/fallback'), c.safe ? next : '/fallback')
  }
})

test('what the router hands over that is not a string falls back', () => {
  for (const next of [undefined, null, 42, ['/a'], { path: '/a' }]) {
    assert.equal(safeNext(next), '/account')
    assert.equal(safeNext(next, '/admin'), '/admin')
  }
})

test('a lone surrogate (a JS string can hold one, a URL cannot) is refused', () => {
  assert.equal(isSafeNext('/a\ud800b'), false)
})

test('whatever passes stays on this origin when a browser resolves it', () => {
  const base = 'https://www.renran.cn/login'
  for (const c of cases) {
    const next = nextOf(c)
    if (isSafeNext(next)) assert.equal(new URL(next, base).origin, 'https://www.renran.cn', next)
  }
  // And the reason for the rules: these leave the origin when not refused.
  for (const evil of ['/\t/evil.com', '/\\evil.com', '//evil.com']) {
    assert.notEqual(new URL(evil, base).origin, 'https://www.renran.cn', evil)
    assert.equal(isSafeNext(evil), false, evil)
  }
})
