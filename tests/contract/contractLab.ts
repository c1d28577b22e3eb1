/**
 * The chapter the contract suite prepares: httpbin (today's sample) and sleep with sidecars, httpbin
 * behind the ingress gateway. Built from the same sample files the lessons use (content/samples).
 */
import { labSchema, type Lab } from '../../lab-server/src/labs/schema.ts';

/** A small lab whose starting state exercises every part of the contract. */
export const contractLab: Lab = labSchema.parse({
  id: 'ingress',
  order: 3,
  status: 'ready',
  title: { ko: '계약 시험', en: 'Contract test' },
  summary: { ko: '백엔드 계약 시험용 환경', en: 'An environment for the backend contract suite' },
  namespace: 'default',
  setup: [
    'kubectl label namespace default istio-injection=enabled --overwrite',
    'kubectl apply -f samples/httpbin/httpbin.yaml',
    'kubectl apply -f samples/sleep/sleep.yaml',
    'kubectl apply -f samples/httpbin/httpbin-gateway.yaml',
    'kubectl wait --for=condition=Ready pod --all -n default --timeout=300s',
    '',
  ].join('\n'),
  steps: [{ id: 'look', title: { ko: '살펴보기', en: 'Look around' } }],
});
