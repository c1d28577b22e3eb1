import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorResponse, onClientError } from './clientError.ts';

/** Sends `chunks` in turn on one connection (each after the answer to the one before) and returns what came back. */
function converse(port: number, chunks: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const answers: string[] = [];
    let current = '';
    const sendNext = () => {
      const next = chunks.shift();
      if (next !== undefined) socket.write(next);
    };
    socket.on('connect', sendNext);
    socket.on('data', (d) => {
      current += d.toString();
      // One answer per chunk: the response ends with its body ("ok").
      if (current.endsWith('ok') || current.endsWith('\r\n\r\n')) {
        answers.push(current);
        current = '';
        sendNext();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(current ? [...answers, current] : answers));
  });
}

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer({ keepAliveTimeout: 5_000 }, (_req, res) => res.end('ok'));
  server.on('clientError', onClientError);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the answer to bytes that are not a request', () => {
  it('is 400 on a fresh connection, and the connection closes', async () => {
    const answers = await converse(port, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(answers).toEqual(['HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n']);
  });

  it('is 431 for headers too large', async () => {
    const answers = await converse(port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(answers[0]).toMatch(/^HTTP\/1.1 431 /);
  });

  it('is no answer at all on a kept-alive connection that already carried a response: it only closes', async () => {
    const answers = await converse(port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\n']);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/^HTTP\/1.1 200 OK[\s\S]*ok$/);
  });

  it('is 408 for a request that came too slowly, nothing for a connection reset', () => {
    expect(clientErrorResponse({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, { bytesWritten: 0 })).toMatch(/^HTTP\/1.1 408 /);
    expect(clientErrorResponse({ code: 'ECONNRESET' }, { bytesWritten: 0 })).toBeUndefined();
    expect(clientErrorResponse({ code: 'HPE_INVALID_METHOD' }, { bytesWritten: 120 })).toBeUndefined();
  });
});
