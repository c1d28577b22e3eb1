/**
 * The Traffic Shifting lab on the simulator: every check fails before its step and passes after it (as
 * `labs verify` does), the checks fail with the right explanation when a step is done wrong, and the seed's
 * commands typed into the lab shell give what real Istio gives.
 */
import { describe, expect, it } from 'vitest';
import { simLabHarness } from './labHarness.ts';
import { runStepCheck } from './simLab.ts';
import { fileURLToPath } from 'node:url';
import { readLessonPlacement } from './lessonPlacement.ts';

const { lab, step, fresh, run, solveUpTo, checkOnce, expectVerifyPasses } = simLabHarness('traffic-shifting');

describe('traffic-shifting on the simulator, step by step', () => {
  it.each([1, 2])(
    'passes `labs verify`: each check fails before its step (unless it observes) and passes after (seed %i)',
    async (seed) => {
      await expectVerifyPasses(seed);
    },
  );

  it('the checks of the steps that change traffic fail before them in a fresh environment', async () => {
    const env = await fresh(13);
    for (const s of lab.steps) {
      if (!s.observes) expect((await checkOnce(env, s.id, env.now())).ok, s.id).toBe(false);
    }
  });
});

describe('traffic-shifting checks explain what is wrong', () => {
  it('50/50 step: weights 80/20 fail, and the explanation shows the lopsided split', async () => {
    const env = await fresh(3);
    await solveUpTo(env, 'shift-50-v3');
    await run(env, weightedReviews(80, 20));
    const outcome = await checkOnce(env, 'shift-50-v3', env.now());
    expect(outcome.ok).toBe(false);
    // What was seen (about 80 % v1, the rest v3), next to what was expected (50 / 50), in both languages.
    const seen =
      /(\d+) ?% v1 \(no stars\) \/ (\d+) ?% v3 \(red stars\); the step expects about 50 ?% v1 \(no stars\) \/ 50 ?% v3/.exec(
        outcome.explanation.en,
      );
    expect(seen, outcome.explanation.en).not.toBeNull();
    const [v1, v3] = [Number(seen![1]), Number(seen![2])];
    expect(v1).toBeGreaterThanOrEqual(70);
    expect(v1).toBeLessThanOrEqual(90);
    // Each share is rounded on its own, so the two may sum to 99 or 101.
    expect(Math.abs(v1 + v3 - 100)).toBeLessThanOrEqual(1);
    expect(outcome.explanation.ko).toMatch(new RegExp(`${v1} ?% v1.*${v3} ?% v3.*50 ?% v1.*50 ?% v3`, 's'));
  });

  it('the same step with the weights written as relative 1:1 passes (weights need not sum to 100)', async () => {
    const env = await fresh(4);
    await solveUpTo(env, 'shift-50-v3');
    await run(env, weightedReviews(1, 1));
    expect((await runStepCheck(env, lab, step('shift-50-v3'), env.now(), { retry: true })).ok).toBe(true);
  });

  it('all-v1 step: without the DestinationRules the pages say reviews are unavailable, and the check says so', async () => {
    const env = await fresh(5);
    await run(env, 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml');
    const outcome = await checkOnce(env, 'route-all-v1', env.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('DestinationRule');
    expect(outcome.explanation.ko).toContain('DestinationRule');
    expect(outcome.explanation.en).toContain('reviews unavailable');
  });

  it('50/50 step: the VirtualService without the DestinationRules fails with the same explanation', async () => {
    const env = await fresh(6);
    await run(env, 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml');
    const outcome = await checkOnce(env, 'shift-50-v3', env.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('DestinationRule');
    expect(outcome.explanation.ko).toContain('DestinationRule');
  });

  it('all-v1 step: with no VirtualService at all, pages come from all three versions and the check names them', async () => {
    const env = await fresh(7);
    await solveUpTo(env, 'route-all-v1');
    const outcome = await checkOnce(env, 'route-all-v1', env.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('black stars');
    expect(outcome.explanation.en).toContain('red stars');
    expect(outcome.explanation.ko).toContain('검은 별');
  });

  it('100 % step: with no VirtualService for reviews it fails too', async () => {
    const env = await fresh(8);
    await solveUpTo(env, 'shift-100-v3');
    await run(env, 'kubectl delete virtualservice reviews');
    const outcome = await checkOnce(env, 'shift-100-v3', env.now());
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('v1 (no stars)');
  });

  it("observing steps pass only on the learner's own requests, and judge what those requests saw", async () => {
    const env = await fresh(14);
    await solveUpTo(env, 'see-no-stars');
    const since = env.now();
    // No request of the learner's yet: the check sends none of its own, so it cannot pass.
    const before = await checkOnce(env, 'see-no-stars', since);
    expect(before.ok).toBe(false);
    expect(before.explanation.en).toContain('None of your requests has reached reviews since this step began');
    await run(env, 'curl -s http://127.0.0.1:8080/productpage > /dev/null');
    expect((await checkOnce(env, 'see-no-stars', since)).ok).toBe(true);

    // 50/50 in place, but 20 of the learner's pages all came while the route still sent everything to v1.
    const later = env.now();
    await run(env, 'for i in $(seq 1 20); do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done');
    await run(env, step('shift-50-v3').solution);
    const allV1 = await checkOnce(env, 'see-red-half', later);
    expect(allV1.ok).toBe(false);
    expect(allV1.explanation.en).toMatch(
      /^Your 20 requests since this step began split v1 100 %; this step should show/,
    );
    const now = env.now();
    await run(env, 'for i in $(seq 1 5); do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done');
    expect((await checkOnce(env, 'see-red-half', now)).explanation.en).toContain('send at least 10');
    await run(env, 'for i in $(seq 1 40); do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done');
    expect((await checkOnce(env, 'see-red-half', now)).ok).toBe(true);
  });

  it('an observing step that finds nothing says when requests came before it began, and when logs cannot be read', async () => {
    const env = await fresh(15);
    await solveUpTo(env, 'see-red-half');
    await run(env, 'for i in $(seq 1 12); do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done');
    await run(env, 'sleep 2');
    const began = env.now();
    const early = await checkOnce(env, 'see-red-half', began);
    expect(early.ok).toBe(false);
    // The loop's 12 and the one page of step 3's solution, all in the 15 minutes before the step began.
    expect(early.explanation.en).toContain('the 13 sent before it count for the step before');
    expect(early.explanation.ko).toContain('그 전에 보낸 요청 13개는 앞 단계에서 보낸 것으로 셉니다');
    expect(early.evidence.at(-1)?.result).toMatch(/^13 request\(s\), the last at 20\d\d-/);

    // A log that cannot be read is said, not counted as "no request".
    const logs = env.logs.bind(env);
    env.logs = async (target, options) => {
      if (target.pod.includes('-v3-')) throw new Error(`container "istio-proxy" in pod "${target.pod}" is not running`);
      return logs(target, options);
    };
    await run(env, 'for i in $(seq 1 3); do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done');
    const unreadable = await checkOnce(env, 'see-red-half', began);
    expect(unreadable.ok).toBe(false);
    expect(unreadable.explanation.en).toMatch(
      /^The sidecar access logs of reviews \(reviews-v3-\S+\) could not be read/,
    );
    expect(unreadable.evidence.map((e) => e.result).join('\n')).toContain('is not running');
  });

  it('reading step: fails when the weights read back are not 50/50', async () => {
    const env = await fresh(9);
    await solveUpTo(env, 'read-virtualservice');
    const since = env.now();
    await run(env, weightedReviews(90, 10));
    await run(env, 'kubectl get virtualservice reviews -o yaml');
    expect((await checkOnce(env, 'read-virtualservice', since)).ok).toBe(false);
  });
});

describe("the seed's commands through the lab shell", () => {
  it("give real Istio's output and about 0 % / 50 % / 100 % red stars over 100 pages", async () => {
    const env = await fresh(11);
    const out = await run(env, SEED_SCRIPT);
    for (const kind of ['productpage', 'reviews', 'ratings', 'details']) {
      expect(out).toContain(`destinationrule.networking.istio.io/${kind} created`);
      expect(out).toContain(`virtualservice.networking.istio.io/${kind} created`);
    }
    expect(out.match(/virtualservice\.networking\.istio\.io\/reviews configured/g)).toHaveLength(2);
    expect(out).toMatch(/^apiVersion: networking\.istio\.io\/v1$/m);
    expect(out).not.toContain('v1alpha3');
    expect(out).toMatch(/subset: v1\n\s+weight: 50\n[\s\S]*subset: v3\n\s+weight: 50\n/);

    const stage = (n: number) => {
      const m = new RegExp(`^stage${n} red=(\\d+) black=(\\d+) none=(\\d+)$`, 'm').exec(out);
      expect(m, `stage ${n} line missing in:\n${out}`).not.toBeNull();
      return { red: Number(m![1]), black: Number(m![2]), none: Number(m![3]) };
    };
    // Stage 1, all to v1: never a star.
    expect(stage(1)).toEqual({ red: 0, black: 0, none: 100 });
    // Stage 2, 50/50: red about half the time. A binomial(100, 0.5) leaves [30, 70] with probability < 1e-4,
    // and the seed is fixed; 80/20, 100/0 or an even three-way split would fall outside or show black stars.
    const half = stage(2);
    expect(half.black).toBe(0);
    expect(half.red + half.none).toBe(100);
    expect(half.red).toBeGreaterThanOrEqual(30);
    expect(half.red).toBeLessThanOrEqual(70);
    // Stage 3, all to v3: only red.
    expect(stage(3)).toEqual({ red: 100, black: 0, none: 0 });
  });

  it("shows the ingress gateway's EXTERNAL-IP as <pending> and a NodePort for http2", async () => {
    const env = await fresh(12);
    const out = await run(
      env,
      [
        'kubectl -n istio-system get service istio-ingressgateway',
        `kubectl -n istio-system get service istio-ingressgateway -o jsonpath='{.spec.ports[?(@.name=="http2")].nodePort}'; echo`,
      ].join('\n'),
    );
    expect(out).toMatch(/istio-ingressgateway\s+LoadBalancer\s+\S+\s+<pending>\s+\S*80:3\d{4}\/TCP/);
    expect(out).toMatch(/^3\d{4}$/m);
  });
});

/** A `reviews` VirtualService sending the given relative weights to v1 and v3, applied through a heredoc. */
function weightedReviews(v1: number, v3: number): string {
  return `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: ${v1}
    - destination:
        host: reviews
        subset: v3
      weight: ${v3}
EOF`;
}

/** Counts red, black and starless product pages over 100 requests, as a learner would with curl and grep. */
const COUNT = (n: number) =>
  `red=0; black=0; none=0; for i in $(seq 1 100); do page=$(curl -s http://$GATEWAY_URL/productpage); ` +
  `if echo "$page" | grep -q 'gap-x-1 text-red-500'; then red=$((red+1)); elif ` +
  `echo "$page" | grep -q 'gap-x-1 text-black-500'; then black=$((black+1)); ` +
  `elif echo "$page" | grep -q 'Reviews served by'; then none=$((none+1)); fi; done; echo "stage${n} red=$red black=$black none=$none"`;

/** The seed's chapter 1, in order, with today's way of finding GATEWAY_URL on kind. */
const SEED_SCRIPT = [
  'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml',
  `export INGRESS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')`,
  `export INGRESS_PORT=$(kubectl -n istio-system get service ` +
    `istio-ingressgateway -o jsonpath='{.spec.ports[?(@.name=="http2")].nodePort}')`,
  'export GATEWAY_URL=$INGRESS_HOST:$INGRESS_PORT',
  'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
  'sleep 5',
  COUNT(1),
  'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml',
  'sleep 5',
  'kubectl get virtualservice reviews -o yaml',
  COUNT(2),
  'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-v3.yaml',
  'sleep 5',
  COUNT(3),
].join('\n');

describe('the traffic-shifting lab file and lessons', () => {
  it('previews the product page and follows the seed chapter in order', () => {
    expect(lab.status).toBe('ready');
    expect(lab.preview?.url).toBe('http://ingress/productpage');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'destination-rules',
      'route-all-v1',
      'see-no-stars',
      'shift-50-v3',
      'read-virtualservice',
      'see-red-half',
      'shift-100-v3',
    ]);
    const scripts = [lab.setup, ...lab.steps.map((s) => s.solution)].join('\n');
    expect([...scripts.matchAll(/-f (samples\/\S+\.yaml)/g)].length).toBeGreaterThanOrEqual(6);
  });

  it('marks as observing exactly the steps that only look at an earlier result', () => {
    expect(lab.steps.filter((s) => s.observes).map((s) => s.id)).toEqual([
      'see-no-stars',
      'read-virtualservice',
      'see-red-half',
    ]);
  });

  it.each(['../docs/traffic-shifting.mdx', '../docs/en/traffic-shifting.mdx'])(
    '%s shows the product page where the seed opens it in a browser',
    (path) => {
      const lesson = readLessonPlacement(fileURLToPath(new URL(path, import.meta.url)));
      expect(lesson.steps.find((s) => s.id === 'see-no-stars')!.previews).toBe(1);
      expect(lesson.steps.find((s) => s.id === 'see-red-half')!.previews).toBe(1);
    },
  );
});
