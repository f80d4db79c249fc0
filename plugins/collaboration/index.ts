/** @module The collaboration plugin (being built): manifest. */
import { definePlugin } from '../../core/plugins/contract.ts'

export default definePlugin({
  id: 'collaboration',
  name: 'Collaboration',
  version: '0.1.0',
  api: 1,
  setup() {},
})
