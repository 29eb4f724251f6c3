/**
 * resize-frames.js: the parent side of the iframe embed, as a file for pages that cannot carry
 * an inline script (a strict CSP, like this docs site). Same lines as the snippet of /widgets/:
 * each iframe marked data-homelab-planner takes the height its page reports, and only a message
 * from the planner's own origin (where this script was loaded from) and from that very frame counts.
 */
const PLANNER_ORIGIN = new URL(import.meta.url).origin

addEventListener('message', (e: MessageEvent<{ type?: string; height?: unknown }>) => {
  if (
    e.origin !== PLANNER_ORIGIN ||
    e.data?.type !== 'homelab-planner:resize' ||
    typeof e.data.height !== 'number'
  )
    return
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe[data-homelab-planner]')) {
    if (frame.contentWindow === e.source) frame.style.height = `${Math.ceil(e.data.height)}px`
  }
})

export {}
