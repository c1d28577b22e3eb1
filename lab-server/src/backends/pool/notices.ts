/** What a learner reads in the terminal when the worker holding their environment stopped (both languages). */

/** The texts for one stop: at the stop, for a command typed again, after the rebuild, and as a script's output. */
export interface StopNotices {
  stopped: string;
  /** For a command another environment's runaway stopped: it runs again after the rebuild. */
  rerun: string;
  rebuilt: string;
  script: string;
}

const yellow = (text: string) => `\r\n\x1b[33m[${text}]\x1b[0m\r\n`;
const cyan = (text: string) => `\x1b[36m[${text}]\x1b[0m\r\n`;

function reasonText(reason: 'stuck' | 'memory' | 'crash', mine: boolean, limitS: number): string {
  if (mine && reason === 'stuck')
    return (
      `lab shell: stopped: this command kept the lab's CPU busy for more than ` +
      `${limitS} s without a pause / 이 명령이 ${limitS}초 넘게 CPU를 쉬지 않고 써서 중지했습니다`
    );
  if (mine && reason === 'memory')
    return 'lab shell: stopped: this command used more memory than a lab may / 이 명령이 실습 환경에 허용된 메모리보다 많이 써서 중지했습니다';
  return (
    "lab shell: interrupted: the lab's worker was restarted because of another " +
    'command; run yours again / 다른 명령 때문에 실습 작업자를 다시 시작하느라 이 명령이 중단되었습니다. 다시 실행하세요'
  );
}

/** Texts for a stop of `reason`; `mine` when this environment's own command caused it. */
export function notices(reason: 'stuck' | 'memory' | 'crash', mine: boolean, sliceLimitMs: number): StopNotices {
  const text = reasonText(reason, mine, Math.round(sliceLimitMs / 100) / 10);
  return {
    stopped: yellow(text),
    rerun: yellow(
      "lab shell: the lab's worker was restarted because of another command; yours runs again / " +
        '다른 명령 때문에 실습 작업자를 다시 시작했습니다. 방금 명령을 다시 실행합니다',
    ),
    rebuilt: cyan(
      'environment rebuilt from your earlier commands (without the stopped one) / 앞서 실행한 명령으로 실습 환경을 다시 만들었습니다 (중지된 명령은 빼고)',
    ),
    script: `${text}\n`,
  };
}

/** After a rebuild that could not replay everything. */
notices.incomplete = cyan(
  'environment rebuilt, but not all of your earlier commands could be replayed; use "Reset ' +
    'environment" if something looks wrong / 실습 환경을 다시 만들었지만 앞선 명령을 모두 되살리지는 못했습니다. 이상하면 "환경 초기화"를 누르세요',
);
