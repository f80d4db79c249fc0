/** @module Icons from lucide-static, embedded as text; only the ones the UI uses. */
import house from 'lucide-static/icons/house.svg' with { type: 'text' }
import layoutDashboard from 'lucide-static/icons/layout-dashboard.svg' with { type: 'text' }
import calendar from 'lucide-static/icons/calendar.svg' with { type: 'text' }
import kanban from 'lucide-static/icons/kanban.svg' with { type: 'text' }
import messageSquare from 'lucide-static/icons/message-square.svg' with { type: 'text' }
import bell from 'lucide-static/icons/bell.svg' with { type: 'text' }
import search from 'lucide-static/icons/search.svg' with { type: 'text' }
import user from 'lucide-static/icons/user.svg' with { type: 'text' }
import users from 'lucide-static/icons/users.svg' with { type: 'text' }
import logOut from 'lucide-static/icons/log-out.svg' with { type: 'text' }
import settings from 'lucide-static/icons/settings.svg' with { type: 'text' }
import shield from 'lucide-static/icons/shield.svg' with { type: 'text' }
import keyRound from 'lucide-static/icons/key-round.svg' with { type: 'text' }
import building2 from 'lucide-static/icons/building-2.svg' with { type: 'text' }
import plug from 'lucide-static/icons/plug.svg' with { type: 'text' }
import chevronDown from 'lucide-static/icons/chevron-down.svg' with { type: 'text' }
import check from 'lucide-static/icons/check.svg' with { type: 'text' }
import x from 'lucide-static/icons/x.svg' with { type: 'text' }
import plus from 'lucide-static/icons/plus.svg' with { type: 'text' }
import trash2 from 'lucide-static/icons/trash-2.svg' with { type: 'text' }
import menu from 'lucide-static/icons/menu.svg' with { type: 'text' }
import bookOpen from 'lucide-static/icons/book-open.svg' with { type: 'text' }
import bot from 'lucide-static/icons/bot.svg' with { type: 'text' }
import activity from 'lucide-static/icons/activity.svg' with { type: 'text' }
import workflow from 'lucide-static/icons/workflow.svg' with { type: 'text' }
import gauge from 'lucide-static/icons/gauge.svg' with { type: 'text' }
import database from 'lucide-static/icons/database.svg' with { type: 'text' }
import scrollText from 'lucide-static/icons/scroll-text.svg' with { type: 'text' }
import lock from 'lucide-static/icons/lock.svg' with { type: 'text' }
import fileText from 'lucide-static/icons/file-text.svg' with { type: 'text' }

const ICONS: Record<string, string> = {
  'house': house,
  'layout-dashboard': layoutDashboard,
  'calendar': calendar,
  'kanban': kanban,
  'message-square': messageSquare,
  'bell': bell,
  'search': search,
  'user': user,
  'users': users,
  'log-out': logOut,
  'settings': settings,
  'shield': shield,
  'key-round': keyRound,
  'building-2': building2,
  'plug': plug,
  'chevron-down': chevronDown,
  'check': check,
  'x': x,
  'plus': plus,
  'trash-2': trash2,
  'menu': menu,
  'book-open': bookOpen,
  'bot': bot,
  'activity': activity,
  'workflow': workflow,
  'gauge': gauge,
  'database': database,
  'scroll-text': scrollText,
  'lock': lock,
  'file-text': fileText,
}

/** Names of the embedded icons (nav contributions may use these). */
export const ICON_NAMES = Object.keys(ICONS)

const bySize = new Map<number, Map<string, string>>()

/** An icon as inline SVG, hidden from screen readers; an unknown name gives an empty string. */
export function safeIcon(name: string | undefined, size = 18): string {
  if (!name) return ''
  let cache = bySize.get(size)
  if (!cache) bySize.set(size, (cache = new Map()))
  let svg = cache.get(name)
  if (svg === undefined) {
    const raw = ICONS[name]
    svg = raw
      ? raw
          .replace(/<!--.*?-->\s*/s, '')
          .replace('<svg', '<svg aria-hidden="true" focusable="false"')
          .replace(/width="24"/, `width="${size}"`)
          .replace(/height="24"/, `height="${size}"`)
          .replace(/\s*\n\s*/g, ' ')
      : ''
    cache.set(name, svg)
  }
  return svg
}
