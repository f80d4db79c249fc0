/** @module The planning plugin (being built): manifest. */
import { definePlugin } from '../../core/plugins/contract.ts'

export default definePlugin({
  id: 'planning',
  name: 'Planning',
  version: '0.1.0',
  api: 1,
  setup() {},
})
