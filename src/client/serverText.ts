/**
 * The lab server's messages in the page's language: an error or a terminal message carries a stable `code` (and
 * the values in it) that the page words itself; a message without a code the site knows is shown as sent.
 */
import { asLang, t, UI, type Lang, type UiKey } from '../i18n/ui.ts';

/** What the server sends about a failure: its English words, and a code with values when it has one. */
export interface ServerMessage {
  error?: string;
  message?: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** The UI key of a server code. */
export const serverKey = (code: string) => `server.${code}` as UiKey;

/** The message in `lang`. */
export function serverText(lang: Lang, message: ServerMessage): string {
  if (message.code && serverKey(message.code) in UI[lang])
    return t(lang, serverKey(message.code), message.params ?? {});
  return message.error ?? message.message ?? '';
}

/** The language of the page the script runs in (`<html lang>`). */
export function pageLang(): Lang {
  return asLang(document.documentElement.lang);
}
