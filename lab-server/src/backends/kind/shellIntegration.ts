/**
 * Reads the shell integration markers that kind/toolbox/labsrc.sh prints after each command
 * (`ESC]633;E;<base64 line>BEL` then `ESC]133;D;<status>BEL`) out of a terminal's output stream: the
 * markers become `CommandRecord`s, the rest passes through unchanged. Markers may be split across
 * chunks, so an incomplete escape at the end of a chunk waits for the next one.
 */

/** What one chunk of output gave. */
export interface FilteredOutput {
  /** The output without the markers. */
  text: string;
  /** Commands completed in this chunk: the line bash ran and its exit status. */
  commands: { line: string; exitCode: number }[];
}

// Only our two OSC numbers are taken out; other escapes (colours, bracketed paste) are the terminal's.
const MARKER = /\x1b\](633;E;([A-Za-z0-9+/=]*)|133;D;(\d+))\x07/g;
const LONGEST_MARKER = 4096;

/** A stateful filter for one terminal's output. */
export class ShellIntegrationFilter {
  #held = '';
  #pendingLine: string | undefined;

  /** Filters one chunk. */
  push(chunk: string): FilteredOutput {
    let data = this.#held + chunk;
    this.#held = '';
    // Hold back a trailing `ESC ]` that could be the start of a marker still arriving.
    const lastEsc = data.lastIndexOf('\x1b]');
    if (
      lastEsc !== -1 &&
      data.indexOf('\x07', lastEsc) === -1 &&
      data.length - lastEsc < LONGEST_MARKER &&
      /^\x1b\](6|63|633|633;.*|1|13|133|133;.*)?$/s.test(data.slice(lastEsc))
    ) {
      this.#held = data.slice(lastEsc);
      data = data.slice(0, lastEsc);
    } else if (data.endsWith('\x1b')) {
      this.#held = '\x1b';
      data = data.slice(0, -1);
    }
    const commands: FilteredOutput['commands'] = [];
    const text = data.replace(MARKER, (_all, _body, encoded: string | undefined, status: string | undefined) => {
      if (encoded !== undefined) this.#pendingLine = Buffer.from(encoded, 'base64').toString('utf8');
      else if (status !== undefined) {
        commands.push({ line: this.#pendingLine ?? '', exitCode: Number(status) });
        this.#pendingLine = undefined;
      }
      return '';
    });
    return { text, commands };
  }
}
