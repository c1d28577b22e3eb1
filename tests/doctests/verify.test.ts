/** istio.io's verify rules, case by case, as verify.sh decides them. */
import { describe, expect, it } from 'vitest';
import { captured, verify, type Rule } from './verify.ts';

describe('captured output', () => {
  it('drops trailing newlines and trailing blanks of every line, as $(cmd) and the sed step do', () => {
    expect(captured('a  \nb\t\n\n\n')).toBe('a\nb');
    expect(captured('NAME   AGE   \r\n')).toBe('NAME   AGE');
  });
});

const SVC_DOC = `NAME                   TYPE           CLUSTER-IP       EXTERNAL-IP      PORT(S)   AGE
istio-ingressgateway   LoadBalancer   172.21.109.129   130.211.10.121   ...       17h`;
const SVC_KIND =
  `NAME                   TYPE           CLUSTER-IP     EXTERNAL-IP   PORT(S)   ` +
  `                                                                   AGE
istio-ingressgateway   LoadBalancer   10.96.81.181   <pending>     15021:30021/TCP,80:30080/TCP,443:30443/TCP,` +
  `31400:31400/TCP,15443:31443/TCP   12s
`;

describe('verify', () => {
  it.each<[Rule, string, string, boolean]>([
    ['same', 'a\nb\n', 'a\nb', true],
    ['same', 'a\nb c', 'a\nb', false],
    ['contains', 'x headers y', 'headers', true],
    ['contains', 'x', 'headers', false],
    ['notContains', 'no stars here', 'glyphicon glyphicon-star', true],
    ['notContains', '<svg id="glyphicon glyphicon-star">', 'glyphicon glyphicon-star', false],
    // Each block between `...` lines must occur somewhere; the blocks need not be in order or anchored.
    [
      'elided',
      'apiVersion: v1\nkind: VS\nmetadata: {}\nspec:\n  hosts:\n  - reviews',
      'kind: VS\n...\nspec:\n  hosts:',
      true,
    ],
    ['elided', 'spec:\n  hosts:\nkind: VS', 'kind: VS\n...\nspec:', true],
    ['elided', 'kind: VS\nspec:\n  hosts:\n  - ratings', 'kind: VS\n...\n  - reviews', false],
    ['elided', 'HTTP/1.1 200 OK\nserver: istio-envoy\ndate: x', 'HTTP/1.1 200 OK\nserver: istio-envoy\n...', true],
    ['firstLine', '200\nreal 0m5.024s', '200\nreal    0m5.024s', true],
    ['firstLine', '504\nreal', '200', false],
    // like: same lines and tokens; IPs, <pending>, ages, `...` and differences after a `name-` prefix pass.
    ['like', SVC_KIND, SVC_DOC, true],
    ['like', 'reviews-v1-6cd699df8c-x7bqn   2/2   Running', 'reviews-v1-545db77b95-8l29t   2/2   Running', true],
    ['like', 'reviews-v1-6cd699df8c-x7bqn   1/2   Running', 'reviews-v1-545db77b95-8l29t   2/2   Running', false],
    ['like', 'a b\nc', 'a b', false],
    ['like', 'ratings   1/1', 'reviews   1/1', false],
    ['lines', 'one Mon\none Tue', '\n+ one\n- two\n', true],
    ['lines', 'one Mon\ntwo Tue', '\n+ one\n- two\n', false],
    ['lines', 'one Mon', '\n+ one\n+ two\n', false],
    ['lines', 'anything', 'unsigned lines are ignored', true],
  ])('%s %j vs %j -> %s', (rule, output, expected, holds) => {
    expect(verify(rule, output, expected)).toBe(holds);
  });
});
