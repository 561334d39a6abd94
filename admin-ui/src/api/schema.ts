// The API's types come from the client package (@renran/passport-client, generated from
// openapi/openapi.json); this module keeps the app's imports short.
export type { components, operations, paths } from '@renran/passport-client'
