/** `-F` as curl builds it: a multipart/form-data body with a `------------------------` + 22-character boundary. */

/** One part: a text field, or a file's content uploaded under a file name. */
export type FormPart =
  | { name: string; value: string; type?: string }
  | { name: string; file: string; content: string; filename: string; type?: string };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A boundary as libcurl makes one (24 dashes, 22 random alphanumerics). */
export function boundary(random: () => number): string {
  return `${'-'.repeat(24)}${Array.from({ length: 22 }, () => ALNUM[Math.floor(random() * ALNUM.length)]).join('')}`;
}

/** The content type curl guesses from a file name's extension. */
export function typeForFile(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const known: Record<string, string> = {
    txt: 'text/plain',
    html: 'text/html',
    json: 'application/json',
    xml: 'application/xml',
    gif: 'image/gif',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    svg: 'image/svg+xml',
    pdf: 'application/pdf',
  };
  return known[ext] ?? 'application/octet-stream';
}

/** What `-F name=...` asks for: `value`, `@file` (upload), `<file` (a field read from a file), with `;type=` / `;filename=`. */
export function parseFormArg(
  arg: string,
): { name: string; kind: 'value' | 'upload' | 'read'; text: string; type?: string; filename?: string } | undefined {
  const eq = arg.indexOf('=');
  if (eq <= 0) return undefined;
  const name = arg.slice(0, eq);
  let rest = arg.slice(eq + 1);
  const kind = rest.startsWith('@') ? 'upload' : rest.startsWith('<') ? 'read' : 'value';
  if (kind !== 'value') rest = rest.slice(1);
  let type: string | undefined;
  let filename: string | undefined;
  if (kind !== 'value' || /;type=/.test(rest)) {
    const pieces = rest.split(';');
    rest = pieces[0]!;
    for (const piece of pieces.slice(1)) {
      const [k, v] = [piece.slice(0, piece.indexOf('=')).trim(), piece.slice(piece.indexOf('=') + 1)];
      if (k === 'type') type = v;
      else if (k === 'filename') filename = v;
    }
  }
  return {
    name,
    kind,
    text: rest,
    ...(type !== undefined ? { type } : {}),
    ...(filename !== undefined ? { filename } : {}),
  };
}

/** The body and Content-Type of a form. */
export function multipartBody(parts: FormPart[], marker: string): { contentType: string; body: string } {
  let body = '';
  for (const part of parts) {
    body += `--${marker}\r\n`;
    if ('file' in part) {
      body += `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n`;
      body += `Content-Type: ${part.type ?? typeForFile(part.filename)}\r\n\r\n${part.content}\r\n`;
    } else {
      body += `Content-Disposition: form-data; name="${part.name}"\r\n`;
      if (part.type) body += `Content-Type: ${part.type}\r\n`;
      body += `\r\n${part.value}\r\n`;
    }
  }
  body += `--${marker}--\r\n`;
  return { contentType: `multipart/form-data; boundary=${marker}`, body };
}
