/** The chapters the page was built with (ids, titles, step counts), read from the JSON every page carries. */
import { CHAPTERS_ELEMENT_ID, type ChapterSummary } from '../chapters/summary.ts';

let cached: ChapterSummary[] | undefined;

function isChapter(value: unknown): value is ChapterSummary {
  const c = value as Partial<ChapterSummary> | null;
  return typeof c?.id === 'string' && typeof c.steps === 'number' && typeof c.title?.ko === 'string';
}

/** Every chapter in chapter order; empty on a page built without the list. */
export function pageChapters(): ChapterSummary[] {
  if (cached) return cached;
  const text = document.getElementById(CHAPTERS_ELEMENT_ID)?.textContent ?? '[]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = [];
  }
  cached = Array.isArray(parsed) ? parsed.filter(isChapter) : [];
  return cached;
}
