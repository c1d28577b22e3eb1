/** The join page: a code (prefilled from `?code=`) and a name give the learner a class session, kept where the lessons look for it. */
import { errorBodySchema } from '../../../lab-server/src/protocol/api.ts';
import { joinedSchema, myClassSchema } from '../../../lab-server/src/protocol/classroom.ts';
import { t, type Lang } from '../../i18n/ui.ts';
import { pageChapters } from '../chapters.ts';
import { serverText } from '../serverText.ts';

/** The first chapter's page of a class in the page's language (the site's first ready chapter if the class names none). */
function firstChapter(chapters: string[], lang: Lang): string {
  const first = chapters[0] ?? pageChapters().find((c) => c.status === 'ready')?.id;
  return `${lang === 'en' ? '/en' : ''}/${first ? `${first}/` : ''}`;
}

/**
 * A learner who already joined this class in this browser (the QR code scanned again, a reload) is offered to
 * go on as themselves rather than appear twice on the instructor's grid.
 */
async function offerToContinue(panel: HTMLElement | null, code: string, lang: Lang): Promise<void> {
  const token = localStorage.getItem('labs.session');
  if (!panel || !token) return;
  const res = await fetch('/api/classes/mine', { headers: { authorization: `Bearer ${token}` } }).catch(
    () => undefined,
  );
  if (!res?.ok) return;
  const mine = myClassSchema.safeParse(await res.json().catch(() => undefined));
  if (!mine.success || (code && mine.data.joinCode !== code.toUpperCase().replace(/[\s-]/g, ''))) return;
  panel.querySelector<HTMLElement>('[data-already-text]')!.textContent = t(lang, 'join.already', {
    className: mine.data.className,
    name: mine.data.name,
  });
  panel.querySelector<HTMLAnchorElement>('[data-continue]')!.href = firstChapter(mine.data.chapters, lang);
  panel.hidden = false;
}

/** Wires the form. */
export function startJoin(form: HTMLFormElement): void {
  const lang = (form.dataset.lang ?? 'ko') as Lang;
  const code = form.querySelector<HTMLInputElement>('input[name="joinCode"]')!;
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const message = form.querySelector<HTMLElement>('[data-message]')!;
  code.value = new URLSearchParams(location.search).get('code') ?? '';
  void offerToContinue(form.parentElement?.querySelector<HTMLElement>('[data-already]') ?? null, code.value, lang);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.textContent = t(lang, 'join.joining');
    try {
      const data = new FormData(form);
      const res = await fetch('/api/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ joinCode: String(data.get('joinCode') ?? ''), name: String(data.get('name') ?? '') }),
      });
      const body: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        const refusal = errorBodySchema.safeParse(body);
        throw new Error(refusal.success ? serverText(lang, refusal.data) : `HTTP ${res.status}`);
      }
      const joined = joinedSchema.parse(body);
      localStorage.setItem('labs.session', joined.sessionToken);
      location.assign(firstChapter(joined.chapters, lang));
    } catch (error) {
      message.textContent = t(lang, 'join.error', { message: (error as Error).message });
      submit.disabled = false;
      submit.textContent = t(lang, 'join.submit');
    }
  });
  submit.disabled = false;
}
