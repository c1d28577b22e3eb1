/**
 * The instructor's dashboard: create a class, its join code (large with a QR code for a projector on demand), the
 * learners × steps grid kept live over a WebSocket (see `gridView.ts`), a filter for learners stuck on one step,
 * completion per chapter, a read-only view of a learner's terminal, reset, removal, CSV exports in the dashboard's
 * language and time zone. Every call carries the instructor token.
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
import { isStuck } from './grid.ts';
import { el, renderGrid } from './gridView.ts';

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
  const joinCompact = root.querySelector<HTMLElement>('[data-join-compact]')!;
  const joinToggle = root.querySelector<HTMLButtonElement>('[data-action="join-large"]')!;
  const createDetails = root.querySelector<HTMLDetailsElement>('[data-create]')!;
  /** Large join code and QR for a projector, or folded away so the grid fits the screen. */
  const showLarge = (on: boolean) => {
    codeBox.hidden = !on;
    joinToggle.textContent = t(lang, on ? 'class.hideJoin' : 'class.showJoin');
    joinToggle.setAttribute('aria-expanded', String(on));
  };
  joinToggle.addEventListener('click', () => showLarge(codeBox.hidden !== false));
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
    joinCompact.replaceChildren(
      el('span', { class: 'labs-join-small' }, `${t(lang, 'class.joinCode')}: `, el('strong', {}, cls.joinCode)),
    );
    joinToggle.hidden = false;
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

  const stuckSelect = root.querySelector<HTMLSelectElement>('[data-stuck-filter]')!;
  const stuckNote = root.querySelector<HTMLElement>('[data-stuck-count]')!;
  const detail = root.querySelector<HTMLElement>('[data-detail]')!;
  let lastReport: ClassReport | undefined;

  const chooseLab = (report: ClassReport, learner: { activeLab?: string | undefined }) =>
    learner.activeLab && report.class.chapters.includes(learner.activeLab) ? learner.activeLab : undefined;

  const render = (report: ClassReport) => {
    lastReport = report;
    const titles = new Map(report.chapters.map((c) => [c.lab, c.title[lang]]));
    completion.replaceChildren(
      ...Object.entries(report.completion).map(([lab, c]) =>
        el(
          'span',
          { class: 'labs-badge', 'data-completion': lab },
          t(lang, 'class.completion', { lab: titles.get(lab) ?? lab, completed: c.completed, learners: c.learners }),
        ),
      ),
    );
    const minutes = Number(stuckSelect.value);
    const stuck = report.learners.filter((l) => isStuck(l, report.now, Math.max(1, minutes || 10))).length;
    stuckNote.textContent = stuck ? t(lang, 'class.stuckCount', { n: stuck, m: Math.max(1, minutes || 10) }) : '';
    renderGrid(grid, report, lang, minutes, {
      watch: (learner) => openViewer(report.class, learner, chooseLab(report, learner) ?? report.class.chapters[0]!),
      reset: async (learner) => {
        // The chapter they are in; every chapter of the class when they have not started one.
        const lab = chooseLab(report, learner);
        const names = lab ? [lab] : report.class.chapters;
        if (!confirm(t(lang, 'class.resetConfirm', { name: learner.name, lab: names.join(', ') }))) return;
        await api('POST', `/api/classes/${report.class.id}/learners/${learner.id}/reset`, lab ? { lab } : {}).catch(
          (e: Error) => say(t(lang, 'class.error', { message: e.message })),
        );
      },
      remove: async (learner) => {
        if (!confirm(t(lang, 'class.removeConfirm', { name: learner.name }))) return;
        await api('DELETE', `/api/classes/${report.class.id}/learners/${learner.id}`).catch((e: Error) =>
          say(t(lang, 'class.error', { message: e.message })),
        );
      },
      detail: (title, text) => {
        detail.hidden = false;
        detail.replaceChildren(el('strong', {}, title), el('p', { 'data-detail-text': '' }, text));
      },
    });
  };
  stuckSelect.addEventListener('change', () => lastReport && render(lastReport));

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
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/classroom?class=` +
        `${encodeURIComponent(classId)}&token=${encodeURIComponent(token ?? '')}`,
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
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/classroom/terminal?class=${encodeURIComponent(cls.id)}` +
        `&learner=${encodeURIComponent(learner.id)}&lab=${encodeURIComponent(lab)}&token=${encodeURIComponent(token ?? '')}`,
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

  const loadClasses = async (selectId?: string, large = false) => {
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
    // With a class to show, the form for a new one folds away.
    createDetails.open = classes.length === 0;
    if (chosen) {
      if (Date.parse(chosen.expiresAt) > Date.now()) {
        await showJoin(chosen);
        // Right after making a class, its code is shown large: the instructor puts it on the projector.
        showLarge(large);
      } else {
        joinToggle.hidden = true;
        joinCompact.replaceChildren(el('span', { 'data-expired': '' }, t(lang, 'class.expired')));
        codeBox.replaceChildren();
        showLarge(false);
      }
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
      await loadClasses(created.id, true);
    } catch (error) {
      say(t(lang, 'class.error', { message: (error as Error).message }));
    }
  });

  // Downloads go through fetch, not a link, because the token travels in a header and never in a URL.
  const download = async (file: 'progress.csv' | 'attempts.csv') => {
    if (!select.value) return;
    try {
      // Titles in the dashboard's language and times in this browser's time zone.
      const query = new URLSearchParams({ lang, tz: Intl.DateTimeFormat().resolvedOptions().timeZone });
      const blob = await (await api('GET', `/api/classes/${select.value}/${file}?${query}`)).blob();
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
