/** The lab and language of the page a lesson component renders in (from Starlight's route data). */
import { asLang, type Lang } from '../i18n/ui.ts';

/** What a component needs to know about its page. */
export interface LabContext {
  lab: string | undefined;
  lang: Lang;
}

/** Reads the page's `lab` frontmatter and language from `Astro.locals`. */
export function labContext(locals: unknown): LabContext {
  const route = (locals as { starlightRoute?: { lang?: string; entry?: { data?: { lab?: string } } } }).starlightRoute;
  return { lab: route?.entry?.data?.lab, lang: asLang(route?.lang) };
}
