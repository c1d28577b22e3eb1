/**
 * What the server answers when a connection's bytes cannot be a request (Node's `'clientError'`), as Node's own
 * default does: a status only on a connection that has not carried a response yet, the status the error calls for
 * (408 for a request that came too slowly, 431 for headers too large, 400 for the rest), and otherwise the
 * connection closed without a word. A kept-alive connection that fails after a response (the race of an idle
 * connection closed by one side as the other sends on it) must close silently: a browser then sends the request
 * again on a new connection, while a 400 there would be shown to the learner as the answer to a request the
 * server never read (a Preview that said "HTTP 400").
 */
import type { Duplex } from 'node:stream';

/** The status line and headers for `error`, or undefined when the connection should only close. */
export function clientErrorResponse(error: { code?: string }, socket: { bytesWritten: number }): string | undefined {
  if (socket.bytesWritten > 0) return undefined;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ECONNRESET' || error.code === 'EPIPE'
          ? undefined
          : '400 Bad Request';
  return status && `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;
}

/** The server's `'clientError'` listener: answers as above, then closes the connection. */
export function onClientError(error: Error & { code?: string }, socket: Duplex & { bytesWritten?: number }): void {
  const response = socket.writable ? clientErrorResponse(error, { bytesWritten: socket.bytesWritten ?? 0 }) : undefined;
  if (response) socket.end(response);
  else socket.destroy();
}
