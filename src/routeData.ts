/**
 * Starlight route middleware: a page of a ready lab has no table of contents (its steps list and the workspace
 * take that place), so Starlight leaves no room for one on the page.
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { chapters } from './chapters/chapters.ts';

export const onRequest = defineRouteMiddleware((context) => {
  const route = context.locals.starlightRoute;
  const lab = (route.entry.data as { lab?: string }).lab;
  if (lab && chapters().some((c) => c.id === lab && c.status === 'ready')) route.toc = undefined;
});
