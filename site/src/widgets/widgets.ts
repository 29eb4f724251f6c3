/** widgets.js: every planner widget in one script tag. */
import './vram-fit.ts'
import './passthrough.ts'
import './storage-tier.ts'
