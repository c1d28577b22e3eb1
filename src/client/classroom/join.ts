/** The join page: a code (prefilled from `?code=`) and a name give the learner a class session, kept where the lessons look for it. */
import { z } from 'zod';
import { t, type Lang } from '../../i18n/ui.ts';

const joinedSchema = z.object({ sessionToken: z.string(), learnerId: z.string(), classId: z.string(), className: z.string(), chapters: z.array(z.string()) });

/** Wires the form. */
export function startJoin(form: HTMLFormElement): void {
  const lang = (form.dataset.lang ?? 'ko') as Lang;
  const code = form.querySelector<HTMLInputElement>('input[name="joinCode"]')!;
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const message = form.querySelector<HTMLElement>('[data-message]')!;
  code.value = new URLSearchParams(location.search).get('code') ?? '';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.textContent = t(lang, 'join.joining');
    try {
      const data = new FormData(form);
      const res = await fetch('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ joinCode: String(data.get('joinCode') ?? ''), name: String(data.get('name') ?? '') }) });
      const body = (await res.json()) as unknown;
      if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
      const joined = joinedSchema.parse(body);
      localStorage.setItem('labs.session', joined.sessionToken);
      location.assign(`${lang === 'en' ? '/en' : ''}/${joined.chapters[0] ?? 'traffic-shifting'}/`);
    } catch (error) {
      message.textContent = t(lang, 'join.error', { message: (error as Error).message });
      submit.disabled = false;
      submit.textContent = t(lang, 'join.submit');
    }
  });
  submit.disabled = false;
}
