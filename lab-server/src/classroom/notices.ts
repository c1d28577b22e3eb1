/** What a learner reads in their terminal after a server restart rebuilt their environment (both languages, as the reset notice). */
import type { ReplayReport } from './journal.ts';

/** The line about the replay: all went as before, or what did not. */
export function restoreNotice(report: ReplayReport): string {
  const skipped =
    report.skipped > 0
      ? ` (${report.skipped} interrupted or watching commands were not run again / 중단했거나 지켜보기만 하던 명령 ${report.skipped}개는 다시 실행하지 않았습니다)`
      : '';
  if (report.incomplete) {
    return (
      `lab server restarted: your environment could only be partly rebuilt ` +
      `(replaying your commands ran out of time), so it may differ from ` +
      `before; use "Reset environment" if something looks wrong / 서버가 다시 ` +
      `시작되었지만 명령을 다시 실행하는 데 시간이 모자라 실습 환경을 일부만 되살렸습니다. 이상하면 "환경 초기화"를 누르세요`
    );
  }
  if (report.differed.length > 0) {
    return (
      `lab server restarted: ${report.differed.length} of your ${report.replayed} commands ` +
      `ended differently when replayed, so your environment may differ from before; use "Reset ` +
      `environment" if something looks wrong / 서버가 다시 시작되어 명령을 다시 실행했지만 ${report.replayed}개 ` +
      `중 ${report.differed.length}개의 결과가 달랐습니다. 환경이 이전과 다를 수 있으니 이상하면 "환경 초기화"를 누르세요${skipped}`
    );
  }
  if (report.replayed === 0) {
    return (
      `lab server restarted: your environment is at the chapter's starting state, as it ` +
      `was after its last reset / 서버가 다시 시작되었습니다. 실습 환경은 마지막 초기화 때처럼 처음 상태입니다${skipped}`
    );
  }
  return (
    `lab server restarted: your environment was rebuilt by replaying your ${report.replayed} ` +
    `commands / 서버가 다시 시작되어 입력했던 명령 ${report.replayed}개를 다시 실행해 실습 환경을 되살렸습니다${skipped}`
  );
}

/** The line before the terminal's own state is typed back in. */
export function shellNotice(lines: number): string {
  return `restoring your shell variables and directory (${lines} ${lines === 1 ? 'line' : 'lines'}) / 셸 변수와 작업 디렉터리를 되살립니다 (${lines}줄)`;
}
