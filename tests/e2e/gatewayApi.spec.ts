/**
 * Chapters 1 and 3 in the Kubernetes Gateway API, through the page, in both languages: the learner picks "Gateway
 * API", the steps show that API's commands, files and hints, and every step passes with the Run buttons, the Editor's
 * Apply, the terminal and Solve. The choice is remembered over a reload and can be switched back. In chapter 3 the
 * address is the learner's own Gateway's, and the Preview enters through it.
 */
import type { Page } from '@playwright/test';
import { applyEditor, checkStep, runBlock, step } from './labPage.ts';
import { expect, freshSession, terminalReady, terminalText, test, typeInTerminal } from './fixtures.ts';

const variant = (page: Page, id: string, api: 'istio' | 'gateway') =>
  step(page, id).locator(`.labs-api-variant[data-api-variant="${api}"]`).first();

test('chapter 1 in the Gateway API: pick it, every step passes, the choice is remembered and switches back', async ({
  page,
  prefix,
  lang,
}) => {
  test.setTimeout(420_000);
  await freshSession(page);
  await page.goto(`${prefix}/traffic-shifting/`);
  await terminalReady(page);

  // Istio's API until the learner picks: its blocks show, the Gateway API's do not.
  const picker = page.locator('[data-api-picker]');
  await expect(picker.locator('input[value="istio"]')).toBeChecked();
  await expect(variant(page, 'destination-rules', 'istio')).toBeVisible();
  await expect(variant(page, 'destination-rules', 'gateway')).toBeHidden();
  await picker.getByLabel('Gateway API').check();
  await expect(page.locator('html')).toHaveAttribute('data-labs-api', 'gateway');
  await expect(variant(page, 'destination-rules', 'gateway')).toBeVisible();
  await expect(variant(page, 'destination-rules', 'istio')).toBeHidden();
  await expect(step(page, 'destination-rules').locator('[data-title]')).toContainText(
    lang === 'ko' ? 'Gateway API CRD' : 'Install the Gateway API CRDs',
  );
  // The steps list names the steps of the chosen API too: the link, its tooltip, and the step being read.
  const listed = page.locator('a[data-step-link="destination-rules"]');
  await expect(listed.locator('[data-step-name]')).toContainText(
    lang === 'ko' ? 'Gateway API CRD' : 'Install the Gateway API CRDs',
  );
  await expect(listed).toHaveAttribute('title', lang === 'ko' ? /Gateway API CRD/ : /Install the Gateway API CRDs/);

  // 1. The CRDs (answered offline), the per-version Services, the Gateway and its NodePort.
  await runBlock(page, 'destination-rules', 'gateway-api/config/crd');
  await expect
    .poll(async () => (await terminalText(page)).replace(/\n/g, ''), { timeout: 30_000 })
    .toContain('customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io created');
  await runBlock(page, 'destination-rules', 'bookinfo-versions.yaml');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('service/reviews-v3 created');
  await applyEditor(page, 'bookinfo-gateway.yaml');
  await runBlock(page, 'destination-rules', 'networking.istio.io/service-type=NodePort');
  await expect
    .poll(() => terminalText(page), { timeout: 60_000 })
    .toContain('gateway.gateway.networking.k8s.io/bookinfo-gateway condition met');
  await checkStep(page, 'destination-rules', 'passed');

  // 2. GAMMA routes: every service to v1. Its hints are the Gateway API's.
  await applyEditor(page, 'route-all-v1.yaml');
  await checkStep(page, 'route-all-v1', 'passed');
  await step(page, 'route-all-v1').locator('[data-action="hint"]').click();
  const shownHint = step(page, 'route-all-v1').locator('[data-hint]:not([data-hidden])');
  await expect(shownHint).toHaveCount(1);
  await expect(shownHint).toContainText('HTTPRoute');

  // 3. Through the Gateway API's own gateway, from the terminal: no stars.
  await runBlock(page, 'see-no-stars', 'bookinfo-gateway-istio');
  await runBlock(page, 'see-no-stars', 'grep -c glyphicon-star');
  await checkStep(page, 'see-no-stars', 'passed');

  // 4-6. backendRefs weights 50/50, the route read back, the split seen.
  await applyEditor(page, 'route-reviews-50-v3.yaml');
  await checkStep(page, 'shift-50-v3', 'passed');
  await runBlock(page, 'read-virtualservice', 'kubectl get httproute reviews -o yaml');
  // The end of the output: the status istiod wrote (the weights have scrolled above the terminal's rows).
  await expect
    .poll(() => terminalText(page), { timeout: 30_000 })
    .toContain('controllerName: istio.io/gateway-controller');
  await checkStep(page, 'read-virtualservice', 'passed');
  await runBlock(page, 'see-red-half', 'gap-x-1 text-red-500');
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/^ *\d+ no-red\n *\d+ red$/m);
  await checkStep(page, 'see-red-half', 'passed');

  // 7. Solve types the Gateway API's solution.
  page.once('dialog', (d) => d.accept());
  await step(page, 'shift-100-v3').locator('[data-action="solve"]').click();
  const ran = step(page, 'shift-100-v3').locator('[data-result] [data-ran-step="shift-100-v3"]');
  await expect(ran).toContainText('gateway-api/route-reviews-v3.yaml', { timeout: 90_000 });
  await expect(step(page, 'shift-100-v3')).toHaveAttribute('data-status', 'passed', { timeout: 90_000 });
  await expect(page.locator('section.labs-step[data-status="passed"]')).toHaveCount(7);

  // Remembered over a reload; Istio's API back with one click.
  await page.reload();
  await expect(page.locator('[data-api-picker] input[value="gateway"]')).toBeChecked();
  await expect(variant(page, 'shift-100-v3', 'gateway')).toBeVisible();
  await page.locator('[data-api-picker]').getByLabel('Istio API').check();
  await expect(variant(page, 'shift-100-v3', 'istio')).toBeVisible();
  await expect(variant(page, 'shift-100-v3', 'gateway')).toBeHidden();
  await expect(step(page, 'destination-rules').locator('[data-title]')).not.toContainText('Gateway API');
});

test('chapter 3 in the Gateway API: a Gateway of class istio, its HTTPRoute, 200 and 404 from outside, the Preview through it', async ({
  page,
  prefix,
  lang,
}) => {
  test.setTimeout(300_000);
  await freshSession(page);
  await page.goto(`${prefix}/ingress/`);
  await terminalReady(page);
  await page.locator('[data-api-picker]').getByLabel('Gateway API').check();
  await expect(variant(page, 'ingress-address', 'gateway')).toBeVisible();
  await expect(variant(page, 'ingress-address', 'istio')).toBeHidden();
  await expect(step(page, 'ingress-address').locator('[data-title]')).toContainText(
    lang === 'ko' ? 'Gateway API의 Gateway' : 'Create a Gateway API Gateway',
  );

  // 1. The CRDs, the Gateway (Istio deploys httpbin-gateway-istio), programmed; the node and its node port.
  await runBlock(page, 'ingress-address', 'gateway-api/config/crd');
  await expect
    .poll(async () => (await terminalText(page)).replace(/\n/g, ''), { timeout: 30_000 })
    .toContain('customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io created');
  await runBlock(page, 'ingress-address', 'condition=programmed');
  await expect
    .poll(() => terminalText(page), { timeout: 60_000 })
    .toContain('gateway.gateway.networking.k8s.io/httpbin-gateway condition met');
  await runBlock(page, 'ingress-address', 'service httpbin-gateway-istio -o jsonpath');
  await checkStep(page, 'ingress-address', 'passed');

  // 2. The HTTPRoute from the editor, accepted by istiod.
  await applyEditor(page, 'httpbin-route.yaml');
  await checkStep(page, 'gateway', 'passed');

  // 3-4. From the terminal, as a client outside the cluster: 200 on /status, 404 elsewhere (the pod may still start).
  await typeInTerminal(page, 'kubectl wait --for=condition=Available deployment/httpbin-gateway-istio --timeout=300s');
  await expect
    .poll(() => terminalText(page), { timeout: 60_000 })
    .toContain('deployment.apps/httpbin-gateway-istio condition met');
  await runBlock(page, 'route-status', 'status/200');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('HTTP/1.1 200 OK');
  await checkStep(page, 'route-status', 'passed');
  await runBlock(page, 'headers-404', '/headers');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('HTTP/1.1 404 Not Found');
  await checkStep(page, 'headers-404', 'passed');

  // 5. Any host for a browser: the Preview comes in through httpbin-gateway and shows httpbin's /headers.
  await applyEditor(page, 'httpbin-any-host-gtw.yaml');
  const preview = page.locator('.labs-preview');
  await page.locator('[data-ws-card="preview"] button').first().click();
  await expect(preview).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await expect(preview).toHaveAttribute('data-http-status', '200');
  await expect(preview.locator('iframe').contentFrame().getByText('"headers"').first()).toBeVisible();
  await checkStep(page, 'browser-headers', 'passed');
  await expect(page.locator('section.labs-step[data-status="passed"]')).toHaveCount(5);
});
