/**
 * The URL checks curl 8 makes before it connects (libcurl's URL parser): an unknown scheme, white space, a
 * missing host, a bad host name or port each stop the transfer with curl's code and words.
 */

/** Schemes curl 8 knows (it guesses `http://` when the URL has none). */
const SCHEMES = new Set(
  'dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtsp smb smbs smtp smtps telnet tftp ws wss'.split(
    ' ',
  ),
);

/** Why curl rejects `url` (its exit code and message), or undefined when it would try it. */
export function urlProblem(url: string): { code: number; message: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme && !SCHEMES.has(scheme.toLowerCase())) return { code: 1, message: `Protocol "${scheme}" not supported` };
  if (/\s/.test(url)) return { code: 3, message: 'URL rejected: Malformed input to a URL function' };
  if (scheme?.toLowerCase() === 'file') return undefined;
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)!;
  const [, hostname = '', port] = m;
  if (hostname === '') return { code: 3, message: 'URL rejected: No host part in the URL' };
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535))
    return { code: 3, message: 'URL rejected: Port number was not a decimal number between 0 and 65535' };
  if (/[<>\\^`{|}"%]/.test(hostname)) return { code: 3, message: 'URL rejected: Bad hostname' };
  return undefined;
}
