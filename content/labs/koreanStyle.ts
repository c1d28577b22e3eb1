/**
 * Korean as the lessons write it: one term per concept, as the Korean Kubernetes docs write them (파드, 사이드카,
 * 레이블, 네임스페이스, 노드, 로드 밸런서, ...; kind names such as `VirtualService` stay English), the site's buttons
 * named exactly as the UI labels them (`src/i18n/ui.ts`), and `50%` without a space. Code, commands and markup are
 * left out: only the prose a reader reads is judged.
 */

/** One rule: what must not appear in Korean prose, and what to write instead. */
export interface KoreanRule {
  /** Matched against prose with code and markup removed. */
  pattern: RegExp;
  /** What the page should say instead. */
  write: string;
}

/** A lower-case English word standing alone in prose: not part of a file name, an annotation, a host or a path. */
function word(source: string): RegExp {
  return new RegExp(`(?<![\\w./-])(?:${source})(?![\\w./-]*[\\w/])`);
}

/** The rules, from the Korean Kubernetes docs' glossary and the UI's labels. */
export const KOREAN_RULES: readonly KoreanRule[] = [
  // Lower case only: capitalised, these are kind names (`Sidecar`, `Pod`, `Namespace`), which stay English. A word
  // inside a file name, an annotation or a host (`registry-only-sidecar.yaml`, `traffic.sidecar.istio.io/...`) is not.
  { pattern: word('sidecars?'), write: '사이드카' },
  { pattern: new RegExp(`${word('pods?').source}|포드`), write: '파드' },
  { pattern: new RegExp(`${word('labels?').source}|라벨`), write: '레이블' },
  { pattern: new RegExp(`${word('namespaces?').source}|네임 스페이스`), write: '네임스페이스' },
  { pattern: word('nodes?'), write: '노드' },
  { pattern: /\b[Ll]oad balancers?\b|로드밸런서/, write: '로드 밸런서' },
  { pattern: word('endpoints?'), write: '엔드포인트' },
  { pattern: word('replicas?'), write: '레플리카' },
  { pattern: /\b[Ii]ngress gateways?\b/, write: '인그레스 게이트웨이' },
  { pattern: /\b[Pp]roduct page\b/, write: '상품 페이지' },
  // The site's buttons, as `src/i18n/ui.ts` labels them in Korean.
  { pattern: /\bApply\b/, write: '[적용]' },
  { pattern: /\bReset file\b/i, write: '[파일 되돌리기]' },
  { pattern: /\bPreview\b/, write: '[미리보기]' },
  { pattern: /\bRefresh\b|새로고침/, write: '새로 고침' },
  { pattern: /\bCheck\b/, write: '[확인]' },
  { pattern: /\bSolve\b/, write: '[풀이 실행]' },
  { pattern: /\d %/, write: '50% (no space before %)' },
];

/** Prose of a Korean MDX page or lab string: fenced code, inline code, tags, imports, link targets and URLs removed. */
export function koreanProse(text: string): string {
  return (
    text
      .replace(/^---\n[\s\S]*?\n---\n/, (front) =>
        // Of the frontmatter, only the words a reader sees.
        front
          .split('\n')
          .filter((line) => /^\s*(title|description|tagline|text):/.test(line))
          .join('\n'),
      )
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '')
      .replace(/^import .*$/gm, '')
      .replace(/<[^>\n]*>/g, '')
      .replace(/\]\([^)]*\)/g, ']')
      .replace(/https?:\/\/\S+/g, '')
      // An English gloss after the Korean term (사이드카 인젝터(sidecar injector)) names the original, as it should.
      .replace(/([가-힣])\([A-Za-z][A-Za-z .,/-]*\)/g, '$1')
      // A quoted English output ("No resources found in istio-system namespace.") is quoted, not written.
      .replace(/"[^"\n가-힣]*"/g, '""')
  );
}

/** Where `text` breaks a rule: the rule and the words that broke it. */
export function koreanIssues(text: string): { found: string; write: string }[] {
  const prose = koreanProse(text);
  const issues: { found: string; write: string }[] = [];
  for (const rule of KOREAN_RULES) {
    const global = new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('g', '')}g`);
    for (const m of prose.matchAll(global)) issues.push({ found: m[0], write: rule.write });
  }
  return issues;
}

/** Whether a syllable ends in ㅂ (합, 입, 됩, 습): the 합니다 register's -ㅂ니다 / -습니다, unlike 아니다. */
function endsInBieup(syllable: string): boolean {
  const code = syllable.charCodeAt(0) - 0xac00;
  return code >= 0 && code < 11172 && code % 28 === 17;
}

/** Sentences of the prose, each with its final punctuation. */
function sentences(text: string): string[] {
  return koreanProse(text).match(/[^.?!\n]*[.?!]/g) ?? [];
}

/** Sentences ending in the 합니다 register (…습니다., …입니다.), which the lessons' 해라체 pages must not mix in. */
export function formalSentences(text: string): string[] {
  return sentences(text).filter((s) => {
    const m = /(.)니다[.?!]$/.exec(s);
    return m !== null && endsInBieup(m[1]!);
  });
}

/** Sentences ending in the 해라체 register (…한다., …이다.), which pages written in 합니다체 must not mix in. */
export function plainSentences(text: string): string[] {
  return sentences(text)
    .filter((s) => /[가-힣]다[.?!]$/.test(s))
    .filter((s) => !formalSentences(s).length);
}
