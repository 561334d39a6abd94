// Every locked package must run on the oldest Node the project documents (package.json
// `engines.node`, the README's "Node.js 20.19+"): a dependency that asks for a newer Node
// (as @vueuse/* 15 asks for 22) fails here, on any machine, whatever Node runs the test.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import semver from 'semver'

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'))

const lockfiles = ['../package-lock.json', '../../openapi/clients/typescript/package-lock.json']

test('every locked package runs on the documented minimum Node', () => {
  const documented = read('../package.json').engines.node
  const oldest = semver.minVersion(documented)
  assert.ok(oldest, `engines.node ${documented}`)
  for (const lockfile of lockfiles) {
    const misfits = []
    for (const [path, pkg] of Object.entries(read(lockfile).packages)) {
      const wants = pkg.engines?.node
      if (wants && !semver.satisfies(oldest, wants)) misfits.push(`${path} wants node ${wants}`)
    }
    assert.deepEqual(misfits, [], `${lockfile}: packages that do not run on node ${oldest}`)
  }
})

test('the client package documents the same Node', () => {
  assert.equal(read('../../openapi/clients/typescript/package.json').engines.node, read('../package.json').engines.node)
})

test('this Node is one the project supports', () => {
  assert.ok(
    semver.satisfies(process.versions.node, read('../package.json').engines.node),
    `node ${process.versions.node} is older than the documented ${read('../package.json').engines.node}`,
  )
})
