/**
 * Every UI string of the site's own components, in both languages, in one table (Starlight's own strings
 * come from Starlight). A key missing in one language is a type error.
 */

/** The site's languages. */
export type Lang = 'ko' | 'en';

const ko = {
  'terminal.title': '터미널',
  'terminal.connecting': '실습 환경에 연결하는 중…',
  'terminal.reconnected': '다시 연결했습니다. 실습 환경은 그대로입니다.',
  'terminal.disconnected': '연결이 끊겼습니다. 다시 연결하는 중…',
  'terminal.noscript': '터미널을 쓰려면 JavaScript가 필요합니다. 명령은 아래 코드 블록에서 복사해 쓸 수 있습니다.',
  'terminal.reset': '환경 초기화',
  'terminal.resetConfirm': '이 장의 실습 환경을 처음 상태로 되돌릴까요? 클러스터에 만든 것이 모두 지워집니다.',
  'run.label': '실행',
  'run.title': '이 명령을 터미널에서 실행',
  'step.check': '확인',
  'step.checking': '확인하는 중…',
  'step.solve': '풀이 실행',
  'step.solving': '풀이를 실행하는 중…',
  'step.solveConfirm': '이 단계까지의 풀이를 터미널에서 실행할까요?',
  'step.solved': '풀이를 실행했습니다',
  'step.passed': '통과',
  'step.failed': '아직 아님',
  'step.notTried': '확인 전',
  'step.evidence': '확인한 내용',
  'step.hint': '힌트',
  'step.nextHint': '힌트 보기',
  'step.hintCount': '힌트 {n} / {total}',
  'step.observes': '앞 단계의 결과를 관찰하는 단계입니다.',
  'step.error': '실습 서버에 연결할 수 없습니다: {message}',
  'editor.apply': '적용 (kubectl apply)',
  'editor.applying': '적용하는 중…',
  'editor.reset': '파일 되돌리기',
  'editor.resetConfirm': '편집한 내용을 버리고 원래 파일로 되돌릴까요?',
  'editor.loading': '편집기를 불러오는 중…',
  'editor.open': '편집기 열기',
  'editor.saved': '편집한 내용은 이 브라우저에 저장됩니다.',
  'editor.output': 'kubectl 출력',
  'preview.title': '미리보기: Bookinfo 상품 페이지',
  'preview.refresh': '새로 고침',
  'preview.loading': '불러오는 중…',
  'preview.status': 'HTTP {status}',
  'preview.stars.none': 'reviews v1 (별 없음)',
  'preview.stars.black': 'reviews v2 (검은 별)',
  'preview.stars.red': 'reviews v3 (빨간 별)',
  'preview.stars.unavailable': 'reviews 응답 없음',
  'preview.error': '요청 실패: {message}',
  'progress.passed': '{n}/{total} 단계 통과',
  'chapter.ready': '실습 가능',
  'chapter.planned': '준비 중',
} as const;

/** Keys of the table. */
export type UiKey = keyof typeof ko;

const en: Record<UiKey, string> = {
  'terminal.title': 'Terminal',
  'terminal.connecting': 'Connecting to your lab environment…',
  'terminal.reconnected': 'Reconnected. Your lab environment is as you left it.',
  'terminal.disconnected': 'Connection lost. Reconnecting…',
  'terminal.noscript': 'The terminal needs JavaScript. You can still copy the commands from the code blocks below.',
  'terminal.reset': 'Reset environment',
  'terminal.resetConfirm': 'Bring this chapter\'s lab environment back to its starting state? Everything you created in the cluster is removed.',
  'run.label': 'Run',
  'run.title': 'Run this command in the terminal',
  'step.check': 'Check',
  'step.checking': 'Checking…',
  'step.solve': 'Solve',
  'step.solving': 'Running the solution…',
  'step.solveConfirm': 'Run the solution up to this step in the terminal?',
  'step.solved': 'Solution ran',
  'step.passed': 'Passed',
  'step.failed': 'Not yet',
  'step.notTried': 'Not checked',
  'step.evidence': 'What the check saw',
  'step.hint': 'Hint',
  'step.nextHint': 'Show a hint',
  'step.hintCount': 'Hint {n} of {total}',
  'step.observes': 'This step observes the result of an earlier one.',
  'step.error': 'Cannot reach the lab server: {message}',
  'editor.apply': 'Apply (kubectl apply)',
  'editor.applying': 'Applying…',
  'editor.reset': 'Reset file',
  'editor.resetConfirm': 'Discard your edits and restore the original file?',
  'editor.loading': 'Loading the editor…',
  'editor.open': 'Open the editor',
  'editor.saved': 'Your edits are kept in this browser.',
  'editor.output': 'kubectl output',
  'preview.title': 'Preview: the Bookinfo product page',
  'preview.refresh': 'Refresh',
  'preview.loading': 'Loading…',
  'preview.status': 'HTTP {status}',
  'preview.stars.none': 'reviews v1 (no stars)',
  'preview.stars.black': 'reviews v2 (black stars)',
  'preview.stars.red': 'reviews v3 (red stars)',
  'preview.stars.unavailable': 'reviews unavailable',
  'preview.error': 'Request failed: {message}',
  'progress.passed': '{n}/{total} steps passed',
  'chapter.ready': 'Ready',
  'chapter.planned': 'In preparation',
};

/** The table: language to key to text. */
export const UI: Record<Lang, Record<UiKey, string>> = { ko, en };

/** The text of `key` in `lang`, with `{name}` placeholders filled. */
export function t(lang: Lang, key: UiKey, values: Record<string, string | number> = {}): string {
  return UI[lang][key].replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? `{${name}}`));
}

/** The language of a URL path: English under `/en/`, Korean (the root locale) elsewhere. */
export function langFromPath(pathname: string): Lang {
  return /^\/en(\/|$)/.test(pathname) ? 'en' : 'ko';
}

/** A language tag as Starlight gives it (`ko`, `en`, `en-US`) narrowed to ours. */
export function asLang(tag: string | undefined): Lang {
  return tag?.startsWith('en') ? 'en' : 'ko';
}
