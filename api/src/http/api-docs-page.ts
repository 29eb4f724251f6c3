/**
 * The interactive API reference at /api/docs: Swagger UI served from our own static assets
 * (copied from swagger-ui-dist at site build), so it works offline with no CDN.
 */
export function apiDocsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>homelab-planner API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="api-reference"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/api-docs-init.js" data-spec-url="${specUrl}"></script>
</body>
</html>`
}
