/**
 * The lab shell's output as each command finishes, not when the whole line has. just-bash returns a line's output
 * only at its end, so a command that writes to the terminal while it runs (`kubectl rollout status`, `kubectl logs
 * -f`, `watch`) showed its lines before the output of the commands that ran before it on the same line
 * (`kubectl apply -f x.yaml && kubectl rollout status deploy/x`). The lab shell sends every command that writes to
 * the terminal into one file of its own (streamOrder.ts), and the file system answers writes to that file itself
 * (they are never stored): each write goes straight to the terminal, in the order the commands finished.
 */
import type { IFileSystem } from 'just-bash';

/** Text of a write as just-bash hands it over: JS text, or a byte string (latin1-shaped) of UTF-8. */
function decode(content: unknown, options: unknown): string {
  if (content instanceof Uint8Array) return new TextDecoder().decode(content);
  const text = String(content);
  const encoding = typeof options === 'string' ? options : (options as { encoding?: string } | undefined)?.encoding;
  if ((encoding === 'binary' || encoding === 'latin1') && /[\u0080-\u00ff]/.test(text))
    return Buffer.from(text, 'latin1').toString('utf8');
  return text;
}

/** `fs`, except that writes to `path` go to `write` (and the file itself always reads as empty). */
export function withOutputSink(fs: IFileSystem, path: string, write: (text: string) => void): IFileSystem {
  const bound = new Map<PropertyKey, unknown>();
  const appendFile: IFileSystem['appendFile'] = async (file, content, options) => {
    if (file !== path) return fs.appendFile(file, content, options);
    const text = decode(content, options);
    if (text) write(text);
  };
  const writeFile: IFileSystem['writeFile'] = async (file, content, options) => {
    if (file !== path) return fs.writeFile(file, content, options);
    const text = decode(content, options);
    if (text) write(text);
  };
  return new Proxy(fs, {
    get(target, key) {
      if (key === 'appendFile') return appendFile;
      if (key === 'writeFile') return writeFile;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = value.bind(target)));
      return method;
    },
  });
}
