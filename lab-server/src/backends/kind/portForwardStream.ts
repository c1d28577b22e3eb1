/**
 * One forwarded connection to a pod's port, over the API server's port-forward WebSocket (subprotocol
 * `v4.channel.k8s.io`, as kubelet serves it): every frame starts with its channel byte; channel 0 carries the
 * connection's bytes both ways, channel 1 the server's error text; the server's first frame on each channel starts
 * with the port number (2 bytes, little-endian). As a `Duplex` it stands in for a TCP socket under node's HTTP client.
 */
import { Duplex } from 'node:stream';

/** The WebSocket as this stream uses it (the `ws` package's client satisfies it). */
export interface ChannelSocket {
  send(data: Buffer): void;
  close(): void;
}

/** Why a forward failed: kubelet's words, with `ECONNREFUSED` when nothing listens on the port. */
export class PortForwardError extends Error {
  readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardError';
    this.code = /connection refused/i.test(message) ? 'ECONNREFUSED' : 'EPORTFORWARD';
  }
}

/** The data and error channels of the first (only) forwarded port. */
const DATA = 0;
const ERROR = 1;

/** A forwarded connection; feed it the socket's frames with `receive` and tell it when the socket closed. */
export class PortForwardStream extends Duplex {
  #socket: ChannelSocket | undefined;
  #pending: Buffer[] = [];
  #portPrefixSeen = new Set<number>();
  #errorText = '';

  /** Attaches the socket once it is open; bytes written before that are sent then. */
  attach(socket: ChannelSocket): void {
    this.#socket = socket;
    for (const chunk of this.#pending.splice(0)) socket.send(chunk);
  }

  /** A frame's payload (channel byte already removed) arrived on `channel`. */
  receive(channel: number, payload: Buffer): void {
    let data = payload;
    if (channel === DATA || channel === ERROR) {
      if (!this.#portPrefixSeen.has(channel)) {
        this.#portPrefixSeen.add(channel);
        data = data.subarray(2);
      }
    }
    if (channel === DATA && data.length > 0) this.push(Buffer.from(data));
    else if (channel === ERROR && data.length > 0) {
      this.#errorText += data.toString('utf8');
      this.destroy(new PortForwardError(this.#errorText.trim()));
    }
  }

  /** The socket closed: the connection ends (with the error the server sent, if any). */
  socketClosed(): void {
    if (this.#errorText) this.destroy(new PortForwardError(this.#errorText.trim()));
    else this.push(null);
  }

  override _read(): void {
    // Data is pushed as frames arrive.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const frame = Buffer.concat([Buffer.from([DATA]), chunk]);
    if (this.#socket) this.#socket.send(frame);
    else this.#pending.push(frame);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket?.close();
    callback(error);
  }

  // Node's HTTP client treats its connection as a socket; a forwarded stream has no such options.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
