/**
 * Korean particles after names that come from the cluster (`reviews`, `v3`, `DestinationRule`): the
 * particle depends on whether the word's last sound is a consonant, which for Latin letters and digits
 * we read the way Korean engineers say them.
 */

/** Digits read with a final consonant: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔. */
const DIGITS_WITH_FINAL = new Set(['0', '1', '3', '6', '7', '8']);
/** Latin word endings pronounced with a final consonant (lab, name, job, rule 룰, file 파일, -ing, -ck). */
const LATIN_FINAL = /(?:[bdgklmnpt]|ng|ck|le)$/i;
/** Exceptions read with a vowel at the end: pod 파드. */
const LATIN_VOWEL_EXCEPTIONS = /pods?$/i;

/** True when the word's last syllable ends in a consonant (받침). */
export function hasFinalConsonant(word: string): boolean {
  const w = word.replace(/[\s`'")\]}.,%]+$/, '');
  const last = w[w.length - 1];
  if (last === undefined) return false;
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28 !== 0;
  if (/\d/.test(last)) return DIGITS_WITH_FINAL.has(last);
  return LATIN_FINAL.test(w) && !LATIN_VOWEL_EXCEPTIONS.test(w);
}

/** The word followed by the right form of a particle: `josa('reviews', '을', '를')` -> `reviews를`. */
export function josa(word: string, afterConsonant: string, afterVowel: string): string {
  return word + (hasFinalConsonant(word) ? afterConsonant : afterVowel);
}

/** `이/가` */
export const iGa = (w: string) => josa(w, '이', '가');
/** `을/를` */
export const eulReul = (w: string) => josa(w, '을', '를');
/** `은/는` */
export const eunNeun = (w: string) => josa(w, '은', '는');

/** `으로/로`: 로 after a vowel or ㄹ (1 일, 7 칠, 8 팔, rule 룰). */
export function euRo(word: string): string {
  const w = word.replace(/[\s`'")\]}.,%]+$/, '');
  const last = w[w.length - 1] ?? '';
  const code = last.charCodeAt(0);
  const rieul =
    (code >= 0xac00 && code <= 0xd7a3 && (code - 0xac00) % 28 === 8) || /[178]$/.test(w) || /(?:l|le)$/i.test(w);
  return word + (hasFinalConsonant(word) && !rieul ? '으로' : '로');
}
