/** `which` inside a container: the path of each named program the image has (`-a` changes nothing: one copy each). */
import { defineCommand, type Command } from 'just-bash';
import { commandPath, type ImageProfile } from '../images.ts';

/** `which` for an image; BusyBox's and debianutils' behave alike: found paths on stdout, exit 1 if any is missing. */
export function createWhichCommand(profile: ImageProfile): Command {
  return defineCommand('which', async (argv) => {
    const names = argv.filter((a) => !a.startsWith('-'));
    const bad = argv.find((a) => a.startsWith('-') && !['-a', '-s'].includes(a));
    if (bad)
      return profile.base === 'alpine'
        ? {
            stdout: '',
            stderr:
              `which: unrecognized option: ${bad.replace(/^-+/, '')}\nBusyBox v1.37.0 (2025-08-05 16:40:33 UTC) ` +
              `multi-call binary.\n\nUsage: which [-a] COMMAND...\n\nLocate COMMAND\n\n\t-a\tShow all matches\n`,
            exitCode: 1,
          }
        : { stdout: '', stderr: `Illegal option ${bad}\nUsage: /usr/bin/which [-as] args\n`, exitCode: 2 };
    if (names.length === 0) return { stdout: '', stderr: '', exitCode: 1 };
    const silent = argv.includes('-s');
    let stdout = '';
    let missing = false;
    for (const name of names) {
      const path = name.includes('/') ? undefined : commandPath(profile, name);
      if (path) stdout += `${path}\n`;
      else missing = true;
    }
    return { stdout: silent ? '' : stdout, stderr: '', exitCode: missing ? 1 : 0 };
  });
}
