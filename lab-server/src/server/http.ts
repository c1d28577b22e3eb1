/** Small HTTP helpers: JSON answers, bounded JSON bodies, errors that carry their status. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a page needs to say an error in its own language: a stable code and the values in the message. */
export interface ErrorCode {
  code: string;
  params?: Record<string, string | number>;
}

/** An error the router turns into `{error, code?, params?}` with this status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code?: string;
  readonly params?: Record<string, string | number>;
  constructor(status: number, message: string, coded?: ErrorCode) {
    super(message);
    this.status = status;
    this.code = coded?.code;
    this.params = coded?.params;
  }

  /** The JSON body of this error. */
  body(): { error: string; code?: string; params?: Record<string, string | number> } {
    return {
      error: this.message,
      ...(this.code ? { code: this.code } : {}),
      ...(this.params ? { params: this.params } : {}),
    };
  }
}

/** Headers every answer carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'SAMEORIGIN',
};

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads a JSON body of at most `limit` bytes; 413 beyond it, 400 when it is not JSON. An empty body is `{}`. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw new HttpError(413, `request body larger than ${limit} bytes`, {
      code: 'request.tooLarge',
      params: { limit },
    });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw new HttpError(413, `request body larger than ${limit} bytes`, {
        code: 'request.tooLarge',
        params: { limit },
      });
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON', { code: 'request.notJson' });
  }
}
