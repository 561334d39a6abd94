// `npm pack` must give an installable package: pack it, install the tarball into an empty
// project in a temp dir, import it with node (ESM), and type-check a consumer against its
// published types (test/consumer/journeys.ts). Run by `make test` (make client).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkgDir = fileURLToPath(new URL('..', import.meta.url))
const tsc = join(pkgDir, 'node_modules', 'typescript', 'bin', 'tsc')
const tmp = mkdtempSync(join(tmpdir(), 'passport-client-pack-'))
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], pkgDir))
  const tarball = join(tmp, packed[0].filename)
  const files = packed[0].files.map((f) => f.path)
  for (const must of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts']) {
    if (!files.includes(must)) throw new Error(`the tarball lacks ${must}: ${files.join(', ')}`)
  }
  if (files.some((f) => f.startsWith('src/') || f.startsWith('node_modules/'))) {
    throw new Error(`the tarball carries sources or node_modules: ${files.join(', ')}`)
  }

  const app = join(tmp, 'app')
  run('mkdir', ['-p', app], tmp)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  // openapi-fetch comes from npm's cache when it has it.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app)

  const imported = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as c from '@renran/passport-client'
       const p = c.createPassportClient({ baseUrl: 'http://127.0.0.1:9/api' })
       const r = await c.settle(p.GET('/version'))
       if (typeof p.GET !== 'function' || r.ok || r.error.code !== 'network' || !(r.error instanceof c.PassportError)) process.exit(1)
       console.log(Object.keys(c).sort().join(' '))`,
    ],
    app,
  )
  console.log(`imported from the tarball: ${imported.trim()}`)

  copyFileSync(join(pkgDir, 'test', 'consumer', 'journeys.ts'), join(app, 'journeys.ts'))
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        strict: true,
        noEmit: true,
        types: [],
      },
      files: ['journeys.ts'],
    }),
  )
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], app)
  const version = JSON.parse(readFileSync(join(app, 'node_modules/@renran/passport-client/package.json'), 'utf8')).version
  console.log(`npm pack: ${packed[0].filename} installs, imports and type-checks (version ${version})`)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
