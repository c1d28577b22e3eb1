/** The shape of a chapter as the built pages hand it to the browser; shared by the build and the client. */
import type { Localized } from '../../lab-server/src/labs/schema.ts';

/** One chapter: its id (lab file name and lesson slug), place, state, texts and how many steps it has. */
export interface ChapterSummary {
  id: string;
  order: number;
  status: 'ready' | 'planned';
  title: Localized;
  summary: Localized;
  steps: number;
}

/** The `id` of the JSON element every page carries with the chapters (read by `src/client/chapters.ts`). */
export const CHAPTERS_ELEMENT_ID = 'labs-chapters';
