/**
 * `npm run lint` part two: no line of the project's own code longer than 140 characters (Biome formats to 120,
 * but cannot break long strings and comments). Prints `file:line: N characters` per offence; exit 1 if any.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LIMIT = 140;
const CODE = /\.(ts|mjs|js|astro|css)$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => CODE.test(f) && !f.includes('/fixtures/'));

let offences = 0;
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree
  }
  text.split('\n').forEach((line, index) => {
    // Characters, not UTF-16 units: a Korean sentence counts one per syllable.
    const length = [...line].length;
    if (length > LIMIT) {
      offences++;
      console.log(`${file}:${index + 1}: ${length} characters (limit ${LIMIT})`);
    }
  });
}
if (offences > 0) {
  console.log(`\n${offences} line(s) over ${LIMIT} characters: break the string or the comment.`);
  process.exit(1);
}
