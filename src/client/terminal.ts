/**
 * The lesson's terminal: xterm.js attached over a WebSocket to the learner's lab shell. Keys go to the server
 * as typed (line editing happens in the lab shell); the server's scrollback is replayed on every (re)connect,
 * so a reload shows what the terminal showed before. `window.labsTerminal.run()` types a command for the
 * page's Run buttons.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { terminalServerMessageSchema, type TerminalClientMessage } from '../../lab-server/src/protocol/terminal.ts';
import { t, type Lang } from '../i18n/ui.ts';
import { fetchProgress, terminalUrl } from './session.ts';
import { currentApi, type ApiChoiceDetail } from './apiChoice.ts';
import { serverText } from './serverText.ts';
import { decideExit, neighbour } from './workspace/focusExit.ts';

/** What the page can ask of its terminal. */
export interface LabsTerminalApi {
  /** Types a command and Enter; focus stays where it is (on the Run button that asked). */
  run(command: string): void;
  /** Tells the workspace the terminal has new output for the learner to look at; never scrolls the lesson. */
  reveal(): void;
  element: HTMLElement;
}

/** Keys that only modify the next one: they neither release a held Escape nor count as the key after it. */
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock']);

declare global {
  interface Window {
    labsTerminal?: LabsTerminalApi;
  }
}

/** Starts the terminal inside `host` for `lab`. */
export function startTerminal(host: HTMLElement, lab: string, lang: Lang): LabsTerminalApi {
  const term = new Terminal({
    cursorBlink: true,
    convertEol: false,
    fontSize: 14,
    scrollback: 5000,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK KR", monospace',
    theme: { background: '#1e1e1e' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  host.replaceChildren();
  term.open(host);
  fit.fit();
  let socket: WebSocket | undefined;
  let queue: TerminalClientMessage[] = [];
  let connections = 0;
  let retry = 0;
  const status = host.closest('.labs-terminal-wrap')?.querySelector<HTMLElement>('[data-terminal-status]');
  const setStatus = (text: string) => {
    if (status) status.textContent = text;
  };

  const send = (message: TerminalClientMessage) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  };

  const reconnectLater = (revalidate: Promise<unknown>) => {
    const delay = Math.min(10_000, 500 * 2 ** retry++);
    setTimeout(() => void revalidate.finally(connect), delay);
  };

  const connect = async () => {
    setStatus(t(lang, 'terminal.connecting'));
    let url: string;
    try {
      // The API the learner follows here: the server's automatic checks use it.
      url = `${await terminalUrl(lab, term.cols, term.rows)}&api=${currentApi(lab)}`;
    } catch {
      // No session yet because the server is unreachable: keep trying, as after a lost connection.
      reconnectLater(Promise.resolve());
      return;
    }
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      retry = 0;
      for (const m of queue) ws.send(JSON.stringify(m));
      queue = [];
      ws.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
    });
    ws.addEventListener('message', (event) => {
      const parsed = terminalServerMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'attached') {
        connections++;
        host.dataset.connected = 'true';
        setStatus('');
        term.reset();
        // The notice goes first: the replay ends with the shell's prompt, where the cursor must stay.
        if (message.resumed) term.write(`\x1b[2m[${t(lang, 'terminal.reconnected')}]\x1b[0m\r\n`);
        term.write(message.replay);
      } else if (message.type === 'output') {
        term.write(message.data);
        window.labsWorkspace?.notify('terminal');
      } else if (message.type === 'progress')
        window.dispatchEvent(new CustomEvent('labs:progress', { detail: message }));
      else if (message.type === 'reset') window.dispatchEvent(new CustomEvent('labs:reset', { detail: message }));
      else if (message.type === 'error') term.write(`\r\n\x1b[31m${serverText(lang, message)}\x1b[0m\r\n`);
    });
    ws.addEventListener('close', () => {
      host.dataset.connected = 'false';
      if (socket !== ws) return;
      if (connections > 0) setStatus(t(lang, 'terminal.disconnected'));
      // A refused upgrade looks like any other close; an API call tells a stale token (the server forgot the
      // session) from a server that is down, and replaces the token in the first case.
      reconnectLater(opened ? Promise.resolve() : fetchProgress().catch(() => undefined));
    });
  };

  term.onData((data) => send({ type: 'input', data }));
  window.addEventListener('labs:api', (event) => {
    const detail = (event as CustomEvent<ApiChoiceDetail | undefined>).detail;
    if (detail?.lab === lab) send({ type: 'api', api: detail.api });
  });
  term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
  // Tab is the shell's; Escape then Tab (Shift+Tab) leaves the terminal. A lone Escape reaches the shell shortly after.
  let escapeHeld: ReturnType<typeof setTimeout> | undefined;
  const releaseEscape = () => {
    if (escapeHeld === undefined) return;
    clearTimeout(escapeHeld);
    escapeHeld = undefined;
    send({ type: 'input', data: '\x1b' });
  };
  const keys = host.closest('.labs-terminal-wrap')?.querySelector<HTMLElement>('[data-terminal-keys]');
  if (keys?.id) term.textarea?.setAttribute('aria-describedby', keys.id);
  term.attachCustomKeyEventHandler((event) => {
    if (event.type === 'keydown' && !MODIFIERS.has(event.key)) {
      const decision = decideExit(event.key, event.shiftKey, escapeHeld !== undefined);
      if (decision === 'hold-escape') {
        escapeHeld = setTimeout(releaseEscape, 1000);
        event.preventDefault();
        return false;
      }
      if (decision === 'leave-forward' || decision === 'leave-back') {
        clearTimeout(escapeHeld);
        escapeHeld = undefined;
        event.preventDefault();
        neighbour(host, decision === 'leave-forward' ? 1 : -1)?.focus();
        return false;
      }
      releaseEscape();
    }
    if (event.type !== 'keydown' || !event.ctrlKey || event.altKey || event.metaKey) return true;
    // Ctrl-Shift-C copies the selection (Ctrl-C stays the interrupt, as in a real terminal).
    if (event.shiftKey && event.code === 'KeyC') {
      const selection = term.getSelection();
      if (selection) void navigator.clipboard?.writeText(selection);
      event.preventDefault();
      return false;
    }
    // Ctrl-V and Ctrl-Shift-V: xterm would send ^V; left to the browser, they fire a paste event that xterm
    // turns into input (bracketed when the shell asked for it), so a pasted heredoc arrives as typed lines.
    if (event.code === 'KeyV') return false;
    return true;
  });
  new ResizeObserver(() => fit.fit()).observe(host);
  void connect();

  const api: LabsTerminalApi = {
    element: host,
    run(command: string) {
      api.reveal();
      const text = command.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r');
      send({ type: 'input', data: `${text}\r` });
    },
    reveal() {
      window.labsWorkspace?.notify('terminal');
    },
  };
  window.labsTerminal = api;
  return api;
}
