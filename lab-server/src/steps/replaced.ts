/** The explanation of a step whose outcome a later step replaced: the cluster moved on, nothing to fix. */
import type { Localized } from '../labs/schema.ts';
import type { Replaced } from '../protocol/api.ts';

/** `10:32` on this server's clock (the lab server runs where the class is). */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** "The cluster is at step 4 now; this step held at 10:32", with what the check sees now after it. */
export function replacedExplanation(replaced: Replaced, seen: Localized): Localized {
  const { number, title } = replaced;
  const held = replaced.heldAt ? clockTime(replaced.heldAt) : undefined;
  return {
    ko: held
      ? `클러스터는 지금 ${number}단계(${title.ko})에 와 있습니다. 이 단계의 결과는 ${held}에 확인되었고, 뒤 단계가 그 결과를 바꾼 것이니 고칠 것은 없습니다. 지금 확인한 내용: ${seen.ko}`
      : `클러스터는 지금 ${number}단계(${title.ko})에 와 있습니다. 뒤 단계가 이 단계의 결과를 바꾸었으므로, 그 단계를 되돌리지 ` +
        `않는 한 이 확인은 통과할 수 없습니다. 이 단계를 다시 보려면 Reset 후 순서대로 진행하세요. 지금 확인한 내용: ${seen.ko}`,
    en: held
      ? `The cluster is at step ${number} now (${title.en}); this step held at ${held}. A later ` +
        `step replaced its outcome, so there is nothing to fix. What the check sees now: ${seen.en}`
      : `The cluster is at step ${number} now (${title.en}): a later step replaced this step's outcome, so this check cannot hold ` +
        `without undoing that step. To see this step again, Reset and go through the steps in order. What the check sees now: ${seen.en}`,
  };
}
