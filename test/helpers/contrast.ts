/**
 * @module WCAG 2 contrast as the browser draws it, for browser tests: the texts of the elements a
 * selector matches over what is painted behind them, or two colours over a backdrop. Ratios are
 * not rounded (WCAG's 4.5:1 is not met by 4.499).
 */
import type { Page } from 'playwright-core'

/** A text as drawn. */
export interface DrawnText {
  /** Its text, trimmed. */
  text: string
  /** Its colour's contrast over the backgrounds behind it. */
  ratio: number
  /** The product of the opacities of it and its ancestors (an opacity fades text and background together). */
  opacity: number
}

type Job = { kind: 'texts'; selector: string; drawnOwnText: boolean; skip: string } | { kind: 'colours'; fg: string; bg: string; backdrop: string }

/**
 * Runs in the page (Playwright sends its source: it uses nothing from outside). Translucent colours
 * are laid over what is under them, the page's white first. Colours come as the browser computes
 * them: rgb() and color(srgb ...) (a color-mix()) are read exactly; any other syntax (oklch...)
 * through a one-pixel canvas, 8 bits a channel.
 */
function measure(job: Job): DrawnText[] | number {
  let canvas: CanvasRenderingContext2D | undefined
  const rgba = (colour: string): number[] => {
    const srgb = /^color\(srgb ([^)]+)\)$/.exec(colour)
    const m = srgb ?? /^rgba?\(([^)]+)\)$/.exec(colour)
    if (m) {
      const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number)
      const scale = srgb ? 255 : 1
      return [r! * scale, g! * scale, b! * scale, a ?? 1]
    }
    if (!canvas) {
      const el = document.createElement('canvas')
      el.width = el.height = 1
      canvas = el.getContext('2d', { willReadFrequently: true })!
    }
    canvas.clearRect(0, 0, 1, 1)
    canvas.fillStyle = colour
    canvas.fillRect(0, 0, 1, 1)
    const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data
    return [r!, g!, b!, a! / 255]
  }
  /** `colours` laid over each other, the first at the bottom, on white: the RGB that shows. */
  const paint = (colours: string[]) =>
    colours.reduce<number[]>((under, colour) => {
      const top = rgba(colour)
      return [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!))
    }, [255, 255, 255])
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  }
  const ratio = (a: number[], b: number[]) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (hi! + 0.05) / (lo! + 0.05)
  }
  if (job.kind === 'colours') return ratio(paint([job.backdrop, job.fg]), paint([job.backdrop, job.bg]))
  const out: DrawnText[] = []
  for (const el of document.querySelectorAll(job.selector)) {
    if (job.drawnOwnText) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())
      if (!own || (job.skip && el.closest(job.skip))) continue
      const box = el.getBoundingClientRect()
      if (box.width < 2 || box.height < 2 || getComputedStyle(el).visibility === 'hidden') continue
    }
    const chain: Element[] = []
    for (let a: Element | null = el; a; a = a.parentElement) chain.unshift(a)
    const backgrounds = chain.map((a) => getComputedStyle(a).backgroundColor)
    const opacity = chain.reduce((product, a) => product * Number(getComputedStyle(a).opacity), 1)
    const text = paint([...backgrounds, getComputedStyle(el).color])
    out.push({ text: (el.textContent ?? '').trim(), ratio: ratio(text, paint(backgrounds)), opacity })
  }
  return out
}

/** Every element matching `selector`: its text and its colour's contrast over the backgrounds of it and its ancestors. */
export function textContrasts(page: Page, selector: string): Promise<DrawnText[]> {
  return page.evaluate<DrawnText[] | number, Job>(measure, { kind: 'texts', selector, drawnOwnText: false, skip: '' }) as Promise<DrawnText[]>
}

/**
 * Every text drawn within `selector`'s matches (elements with a text node of their own, at least
 * 2 px either way, not hidden, not inside `skip`), as {@link textContrasts} measures it.
 */
export function drawnTextContrasts(page: Page, selector: string, skip = ''): Promise<DrawnText[]> {
  return page.evaluate<DrawnText[] | number, Job>(measure, { kind: 'texts', selector, drawnOwnText: true, skip }) as Promise<DrawnText[]>
}

/** The contrast of two CSS colours as the page resolves them, each painted over `backdrop` (a translucent tint counts as what it shows). */
export function colourContrast(page: Page, fg: string, bg: string, backdrop: string): Promise<number> {
  return page.evaluate<DrawnText[] | number, Job>(measure, { kind: 'colours', fg, bg, backdrop }) as Promise<number>
}
