/**
 * The instructor's dashboard: create a class (join code large, with a QR code), the learners × steps grid
 * kept live over a WebSocket, completion per chapter, each learner's latest failing check, a read-only view
 * of a learner's terminal, reset, removal, CSV export. Every call carries the instructor token.
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import QRCode from 'qrcode';
import { errorBodySchema } from '../../../lab-server/src/protocol/api.ts';
import { serverText } from '../serverText.ts';
import {
  type ClassReport,
  classCreatedSchema,
  classReportSchema,
  classroomServerMessageSchema,
  classSummarySchema,
} from '../../../lab-server/src/protocol/classroom.ts';
import { terminalServerMessageSchema } from '../../../lab-server/src/protocol/terminal.ts';
import { t, type Lang } from '../../i18n/ui.ts';

const TOKEN_KEY = 'labs.instructor';

/**
 * The instructor token from the URL (the fragment the server prints, or `?token=`), then removed from the
 * address bar so it is not shared with a screenshot or the projector; else this tab's storage.
 */
function instructorToken(): string | undefined {
  const query = new URLSearchParams(location.search);
  const token = /(?:^|[#&])token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1] ?? query.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    query.delete('token');
    history.replaceState(null, '', location.pathname + (query.size ? `?${query}` : ''));
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function time(iso: string | undefined, lang: Lang): string {
  return iso
    ? new Date(iso).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-US', {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
    : '';
}

/** Starts the dashboard in `root`. */
export function startDashboard(root: HTMLElement): void {
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const status = root.querySelector<HTMLElement>('[data-status]')!;
  const say = (text: string) => (status.textContent = text);
  let token = instructorToken();

  const api = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token ?? ''}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const body = errorBodySchema.safeParse(await res.json().catch(() => undefined));
      const message = body.success ? serverText(lang, body.data) : `HTTP ${res.status}`;
      throw new Error(message);
    }
    return res;
  };

  const tokenForm = root.querySelector<HTMLFormElement>('[data-token-form]')!;
  const main = root.querySelector<HTMLElement>('[data-main]')!;
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    token = new FormData(tokenForm).get('token')?.toString().trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    void boot();
  });

  const select = root.querySelector<HTMLSelectElement>('[data-class-select]')!;
  const codeBox = root.querySelector<HTMLElement>('[data-join]')!;
  const grid = root.querySelector<HTMLElement>('[data-grid]')!;
  const completion = root.querySelector<HTMLElement>('[data-completion]')!;
  const viewer = root.querySelector<HTMLElement>('[data-viewer]')!;
  let socket: WebSocket | undefined;
  let viewerSocket: WebSocket | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const showJoin = async (cls: {
    joinCode: string;
    joinUrl: string;
    joinUrlWarning?: string;
    joinUrlProblem?: 'loopback-only' | 'no-network';
  }) => {
    // The server knows the address learners can reach; the page only picks the language of the join page.
    const target = new URL(cls.joinUrl);
    if (lang === 'en') target.pathname = `/en${target.pathname}`;
    const url = target.href;
    const svg = await QRCode.toString(url, { type: 'svg', margin: 1, width: 220 });
    codeBox.replaceChildren(
      el('div', { class: 'labs-join-code', 'data-join-code': cls.joinCode }, cls.joinCode),
      el('div', {}, `${t(lang, 'class.joinUrl')}: `, el('a', { href: url, 'data-join-url': url }, url)),
    );
    if (cls.joinUrlWarning) {
      const text =
        cls.joinUrlProblem === 'loopback-only'
          ? t(lang, 'class.loopbackOnly')
          : cls.joinUrlProblem === 'no-network'
            ? t(lang, 'class.noNetwork')
            : cls.joinUrlWarning;
      codeBox.append(
        el('p', { class: 'labs-join-warning', 'data-join-warning': cls.joinUrlProblem ?? '' }, `⚠ ${text}`),
      );
    }
    const qr = el('div', { class: 'labs-qr' });
    qr.innerHTML = svg;
    codeBox.append(qr);
  };

  const render = (report: ClassReport) => {
    completion.replaceChildren(
      ...Object.entries(report.completion).map(([lab, c]) =>
        el(
          'span',
          { class: 'labs-badge', 'data-completion': lab },
          t(lang, 'class.completion', { lab, completed: c.completed, learners: c.learners }),
        ),
      ),
    );
    if (report.learners.length === 0) {
      grid.replaceChildren(el('p', {}, t(lang, 'class.noLearners')));
      return;
    }
    // Two header rows: the chapters over their steps, then each step's number within its chapter (title on hover).
    const chapters = report.class.chapters
      .map((lab) => ({ lab, steps: report.steps.filter((s) => s.lab === lab) }))
      .filter((c) => c.steps.length > 0);
    const chapterRow = el(
      'tr',
      {},
      el('th', { rowspan: '2' }, t(lang, 'class.learner')),
      ...chapters.map((c) => el('th', { colspan: String(c.steps.length), 'data-chapter': c.lab }, c.lab)),
      el('th', { rowspan: '2' }, t(lang, 'class.latestFailure')),
      el('th', { rowspan: '2' }, ''),
    );
    const stepRow = el(
      'tr',
      {},
      ...chapters.flatMap((c) => c.steps.map((s, i) => el('th', { title: s.title[lang] }, `${i + 1}`))),
    );
    const rows = report.learners.map((learner) => {
      const cells = report.steps.map((s) => {
        const p = learner.progress[s.lab]?.[s.step];
        const state = p?.status ?? 'none';
        return el(
          'td',
          {
            class: `labs-cell labs-cell-${state}`,
            'data-step': s.step,
            'data-state': state,
            title: `${s.title[lang]} · ${p ? `${p.attempts}×` : ''}`,
          },
          state === 'passed' ? '✓' : state === 'failed' ? '✗' : '·',
          el('small', {}, time(p?.at, lang)),
        );
      });
      const failure = learner.latestFailure
        ? el(
            'td',
            { class: 'labs-failure', 'data-failure': learner.latestFailure.step },
            `${learner.latestFailure.step}: ${learner.latestFailure.explanation[lang]}`,
          )
        : el('td', {});
      const watch = el(
        'button',
        { type: 'button', class: 'secondary', 'data-action': 'watch' },
        t(lang, 'class.watch'),
      );
      const reset = el(
        'button',
        { type: 'button', class: 'secondary', 'data-action': 'reset' },
        t(lang, 'class.reset'),
      );
      const remove = el(
        'button',
        { type: 'button', class: 'secondary', 'data-action': 'remove' },
        t(lang, 'class.remove'),
      );
      watch.addEventListener('click', () =>
        openViewer(
          report.class,
          learner,
          learner.activeLab && report.class.chapters.includes(learner.activeLab)
            ? learner.activeLab
            : report.class.chapters[0]!,
        ),
      );
      reset.addEventListener('click', async () => {
        // The chapter they are in; every chapter of the class when they have not started one.
        const lab =
          learner.activeLab && report.class.chapters.includes(learner.activeLab) ? learner.activeLab : undefined;
        if (
          !confirm(t(lang, 'class.resetConfirm', { name: learner.name, lab: lab ?? report.class.chapters.join(', ') }))
        )
          return;
        await api('POST', `/api/classes/${report.class.id}/learners/${learner.id}/reset`, lab ? { lab } : {}).catch(
          (e: Error) => say(t(lang, 'class.error', { message: e.message })),
        );
      });
      remove.addEventListener('click', async () => {
        if (!confirm(t(lang, 'class.removeConfirm', { name: learner.name }))) return;
        await api('DELETE', `/api/classes/${report.class.id}/learners/${learner.id}`).catch((e: Error) =>
          say(t(lang, 'class.error', { message: e.message })),
        );
      });
      return el(
        'tr',
        { 'data-learner': learner.name, 'data-learner-id': learner.id },
        el('th', {}, learner.name),
        ...cells,
        failure,
        el('td', { class: 'labs-buttons' }, watch, reset, remove),
      );
    });
    grid.replaceChildren(
      el('table', { class: 'labs-grid' }, el('thead', {}, chapterRow, stepRow), el('tbody', {}, ...rows)),
    );
  };

  const refresh = async (classId: string) => {
    try {
      const report = classReportSchema.parse(await (await api('GET', `/api/classes/${classId}/progress`)).json());
      render(report);
      root.dataset.updated = String(Date.now());
    } catch (error) {
      say(t(lang, 'class.error', { message: (error as Error).message }));
    }
  };

  const watchClass = (classId: string) => {
    socket?.close();
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/classroom?class=${encodeURIComponent(classId)}&token=${encodeURIComponent(token ?? '')}`,
    );
    socket = ws;
    ws.addEventListener('message', (event) => {
      const parsed = classroomServerMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'error') {
        // Refused (a server restarted with another token, a class gone): ask rather than retry for ever.
        socket = undefined;
        tokenForm.hidden = false;
        main.hidden = true;
        say(t(lang, 'class.error', { message: serverText(lang, m) }));
        return;
      }
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void refresh(classId), 150);
    });
    ws.addEventListener('open', () => (root.dataset.live = 'true'));
    ws.addEventListener('close', () => {
      root.dataset.live = 'false';
      if (socket === ws) setTimeout(() => select.value === classId && watchClass(classId), 2000);
    });
  };

  const openViewer = (cls: ClassReport['class'], learner: { id: string; name: string }, lab: string) => {
    viewerSocket?.close();
    viewer.hidden = false;
    viewer.dataset.learner = learner.name;
    const title = el('strong', {}, t(lang, 'class.watching', { name: learner.name }));
    const chapter = el(
      'select',
      { 'data-viewer-lab': '', 'aria-label': t(lang, 'class.viewChapter') },
      ...cls.chapters.map((c) => el('option', { value: c }, c)),
    );
    chapter.value = lab;
    const close = el('button', { type: 'button', class: 'secondary' }, t(lang, 'class.close'));
    const host = el('div', { class: 'labs-terminal', 'data-viewer-terminal': '' });
    viewer.replaceChildren(el('div', { class: 'labs-terminal-bar' }, title, chapter, close), host);
    const term = new Terminal({
      disableStdin: true,
      fontSize: 13,
      rows: 20,
      cols: 100,
      theme: { background: '#1e1e1e' },
    });
    term.open(host);
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/classroom/terminal?class=${encodeURIComponent(cls.id)}&learner=${encodeURIComponent(learner.id)}&lab=${encodeURIComponent(lab)}&token=${encodeURIComponent(token ?? '')}`,
    );
    viewerSocket = ws;
    ws.addEventListener('message', (event) => {
      const parsed = terminalServerMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'progress' || m.type === 'reset') return;
      const notOpened = m.type === 'error' && m.code === 'class.notOpened';
      const text =
        m.type === 'attached'
          ? m.replay
          : m.type === 'output'
            ? m.data
            : `\x1b[33m${notOpened ? t(lang, 'class.notOpened') : serverText(lang, m)}\x1b[0m\r\n`;
      term.write(text);
      host.dataset.text = (host.dataset.text ?? '') + text;
    });
    chapter.addEventListener('change', () => {
      ws.close();
      term.dispose();
      openViewer(cls, learner, chapter.value);
    });
    close.addEventListener('click', () => {
      ws.close();
      term.dispose();
      viewer.hidden = true;
    });
  };

  const loadClasses = async (selectId?: string) => {
    const classes = classSummarySchema.array().parse(await (await api('GET', '/api/classes')).json());
    // A class past its time keeps its records, but its code no longer lets anyone in.
    select.replaceChildren(
      ...classes.map((c) =>
        el(
          'option',
          { value: c.id },
          Date.parse(c.expiresAt) > Date.now()
            ? `${c.name} (${c.joinCode})`
            : `${c.name} (${t(lang, 'class.expired')})`,
        ),
      ),
    );
    if (selectId) select.value = selectId;
    const chosen = classes.find((c) => c.id === select.value);
    if (chosen) {
      if (Date.parse(chosen.expiresAt) > Date.now()) await showJoin(chosen);
      else codeBox.replaceChildren(el('p', { 'data-expired': '' }, t(lang, 'class.expired')));
      watchClass(chosen.id);
      await refresh(chosen.id);
    }
  };
  select.addEventListener('change', () => void loadClasses(select.value));

  const createForm = root.querySelector<HTMLFormElement>('[data-create-form]')!;
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(createForm);
    const chapters = data.getAll('chapters').map(String);
    try {
      const created = classCreatedSchema.parse(
        await (
          await api('POST', '/api/classes', {
            name: String(data.get('name') ?? ''),
            ...(chapters.length ? { chapters } : {}),
          })
        ).json(),
      );
      await loadClasses(created.id);
    } catch (error) {
      say(t(lang, 'class.error', { message: (error as Error).message }));
    }
  });

  // Downloads go through fetch, not a link, because the token travels in a header and never in a URL.
  const download = async (file: 'progress.csv' | 'attempts.csv') => {
    if (!select.value) return;
    try {
      const blob = await (await api('GET', `/api/classes/${select.value}/${file}`)).blob();
      const link = el('a', { href: URL.createObjectURL(blob), download: file });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) {
      say(t(lang, 'class.error', { message: (error as Error).message }));
    }
  };
  root
    .querySelector<HTMLButtonElement>('[data-action="csv"]')!
    .addEventListener('click', () => void download('progress.csv'));
  root
    .querySelector<HTMLButtonElement>('[data-action="csv-attempts"]')!
    .addEventListener('click', () => void download('attempts.csv'));

  const boot = async () => {
    if (!token) {
      tokenForm.hidden = false;
      main.hidden = true;
      return;
    }
    try {
      await loadClasses();
      tokenForm.hidden = true;
      main.hidden = false;
      say('');
    } catch (error) {
      tokenForm.hidden = false;
      main.hidden = true;
      say(t(lang, 'class.error', { message: (error as Error).message }));
    }
  };
  void boot();
}
