/** @module The dashboard plugin (being built): manifest. */
import { definePlugin } from '../../core/plugins/contract.ts'

export default definePlugin({
  id: 'dashboard',
  name: 'Dashboard',
  version: '0.1.0',
  api: 1,
  setup() {},
})
