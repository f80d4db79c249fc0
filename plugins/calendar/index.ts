/** @module The calendar plugin (being built): manifest. */
import { definePlugin } from '../../core/plugins/contract.ts'

export default definePlugin({
  id: 'calendar',
  name: 'Calendar',
  version: '0.1.0',
  api: 1,
  setup() {},
})
