// astro:content's types live in astro/client: the reference lets the type-aware linter resolve
// them before `astro sync` has written site/.astro (`npm run lint` on a fresh clone).
/// <reference types="astro/client" />
import { docsLoader } from '@astrojs/starlight/loaders'
import { docsSchema } from '@astrojs/starlight/schema'
import { defineCollection } from 'astro:content'

export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) }
