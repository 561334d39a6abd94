// Generates the package's sources from the committed spec (../../openapi.json):
//   src/schema.ts       the API's types (openapi-typescript)
//   src/error-codes.ts  every error `code` the spec documents (the error bodies' `code` enums)
// With --check, writes nothing and exits 1 when either file differs from what the spec gives:
// the committed client is stale (`make test` runs this).
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const SPEC = here('../../../openapi.json')
const SCHEMA = here('../src/schema.ts')
const CODES = here('../src/error-codes.ts')

const HEADER = '// Generated from openapi/openapi.json by scripts/generate.mjs (`npm run generate`). Do not edit.\n'

const spec = JSON.parse(await readFile(SPEC, 'utf8'))
const schema = HEADER + '\n' + astToString(await openapiTS(spec))
const codes = HEADER + '\n' + errorCodesModule(spec)

if (process.argv.includes('--check')) {
  let stale = false
  for (const [file, want] of [[SCHEMA, schema], [CODES, codes]]) {
    const have = await readFile(file, 'utf8').catch(() => '')
    if (have !== want) {
      console.error(`stale: ${file} does not match openapi/openapi.json`)
      stale = true
    }
  }
  if (stale) {
    console.error("the client is stale: run 'make client-generate' (or `npm run generate` in openapi/clients/typescript) and commit it")
    process.exit(1)
  }
  console.log('client is up to date with openapi/openapi.json')
} else {
  await writeFile(SCHEMA, schema)
  await writeFile(CODES, codes)
  console.log(`wrote ${SCHEMA} and ${CODES}`)
}

/**
 * The codes are the `code` enums of the error responses' body schemas (each operation lists,
 * per status, exactly the codes it can answer), gathered over every operation.
 */
function errorCodesModule(spec) {
  const schemas = spec.components?.schemas ?? {}
  const codes = new Set()
  for (const item of Object.values(spec.paths ?? {})) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status)) continue
        for (const media of Object.values(response.content ?? {})) {
          const ref = media.schema?.$ref ?? ''
          const schema = schemas[ref.replace('#/components/schemas/', '')]
          for (const code of schema?.properties?.code?.enum ?? []) codes.add(code)
        }
      }
    }
  }
  const sorted = [...codes].sort()
  return (
    '/** Every error `code` the server documents in its spec, sorted. */\n' +
    'export const SERVER_ERROR_CODES = [\n' +
    sorted.map((c) => `  '${c}',\n`).join('') +
    '] as const\n'
  )
}
