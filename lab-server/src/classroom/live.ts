/**
 * Live views for the instructor: `/ws/classroom?class=ID&token=T` says "changed" whenever a learner of the
 * class joins, checks, is reset or removed (the dashboard then refetches), and
 * `/ws/classroom/terminal?class=ID&learner=L&lab=LAB&token=T` mirrors a learner's terminal read-only.
 */
import type { WebSocket } from 'ws';
import type { ServerParts } from '../server/parts.ts';
import { send, type WsRoute } from '../server/websocket.ts';
import type { ClassroomContext } from './routes.ts';

/** Dashboard sockets per class. */
export class ClassWatchers {
  readonly #byClass = new Map<string, Set<WebSocket>>();

  add(classId: string, ws: WebSocket): void {
    const set = this.#byClass.get(classId) ?? new Set();
    set.add(ws);
    this.#byClass.set(classId, set);
    ws.on('close', () => set.delete(ws));
  }

  /** Tells a class's dashboards to refresh. */
  changed(classId: string): void {
    for (const ws of this.#byClass.get(classId) ?? [])
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'changed', classId }));
  }
}

function refuse(ws: WebSocket, message: string, code: string): void {
  send(ws, { type: 'error', message, code });
  ws.close(1008);
}

/** The two WebSocket routes. */
export function classroomWsRoutes(parts: ServerParts, ctx: ClassroomContext, watchers: ClassWatchers): WsRoute[] {
  return [
    {
      path: '/ws/classroom',
      auth: 'none',
      handle(ws, { url, token }) {
        if (!ctx.instructor.matches(token)) return refuse(ws, 'instructor token required', 'instructor.required');
        const classId = url.searchParams.get('class') ?? '';
        if (!ctx.classes.get(classId)) return refuse(ws, `no class "${classId}"`, 'class.unknown');
        watchers.add(classId, ws);
        ws.send(JSON.stringify({ type: 'changed', classId }));
      },
    },
    {
      path: '/ws/classroom/terminal',
      auth: 'none',
      async handle(ws, { url, token }) {
        if (!ctx.instructor.matches(token)) return refuse(ws, 'instructor token required', 'instructor.required');
        const classId = url.searchParams.get('class') ?? '';
        const learner = url.searchParams.get('learner') ?? '';
        const lab = url.searchParams.get('lab') ?? '';
        if (ctx.classes.classOf(learner) !== classId)
          return refuse(ws, `no learner "${learner}" in class "${classId}"`, 'class.noLearner');
        const instance = await parts.runtime.existing(learner, lab);
        if (!instance) return refuse(ws, 'this learner has not opened this chapter yet', 'class.notOpened');
        // Read-only: input from this socket is ignored; the learner's own terminal is never written to.
        send(ws, { type: 'attached', resumed: false, replay: instance.scrollback.text() });
        instance.attached++;
        const off = instance.onOutput((data) => send(ws, { type: 'output', data }));
        ws.on('close', () => {
          off();
          instance.attached--;
        });
      },
    },
  ];
}
