/** @module The collaboration plugin (being built): manifest. */
import { definePlugin } from '../../core/plugins/contract.ts'
import { migrations } from './migrations/index.ts'
import { schema } from './schema.ts'

export default definePlugin({
  id: 'collaboration',
  name: 'Collaboration',
  version: '0.1.0',
  api: 1,
  schema,
  migrations,
  setup() {},
})
