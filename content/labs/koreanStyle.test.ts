/**
 * Every Korean page (content/docs/*.mdx) and every Korean string of the lab files reads as the Korean Kubernetes docs
 * write it: one term per concept, the buttons as the UI labels them, `50%`, and one register per page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formalSentences, koreanIssues, plainSentences } from './koreanStyle.ts';

const DOCS = join(import.meta.dirname, '../docs');
const LABS = import.meta.dirname;

const labFiles = readdirSync(LABS).filter((f) => f.endsWith('.yaml'));
/**
 * The Korean pages: the home page and every chapter page whose lab exists. A chapter still in preparation has only a
 * placeholder page; it is covered here as soon as its lab file lands.
 */
const pages = readdirSync(DOCS)
  .filter((f) => f.endsWith('.mdx') || f.endsWith('.md'))
  .filter((f) => f === 'index.mdx' || labFiles.includes(f.replace(/\.mdx?$/, '.yaml')));

/** Every `ko:` string of a lab file, with where it is. */
function koreanStrings(file: string): { at: string; text: string }[] {
  const out: { at: string; text: string }[] = [];
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value))
      value.forEach((v, i) => {
        walk(v, `${at}[${i}]`);
      });
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (k === 'ko' && typeof v === 'string') out.push({ at: `${at}.ko`, text: v });
        else walk(v, at ? `${at}.${k}` : k);
      }
  };
  walk(parse(readFileSync(join(LABS, file), 'utf8')), '');
  return out;
}

describe('the style check itself', () => {
  it('catches the old terms, button names and spacing', () => {
    const old =
      '`default` namespace에 label이 붙어 있고 sidecar와 함께 pod가 뜬다. node의 주소, load balancer, endpoint. ' +
      'Preview 창의 새로고침 버튼, Reset file 후 Apply, Check를 누른다. 50 %를 보낸다.';
    expect(koreanIssues(old).map((i) => i.write)).toEqual([
      '사이드카',
      '파드',
      '레이블',
      '네임스페이스',
      '노드',
      '로드 밸런서',
      '엔드포인트',
      '[적용]',
      '[파일 되돌리기]',
      '[미리보기]',
      '새로 고침',
      '[확인]',
      '50% (no space before %)',
    ]);
  });

  it('leaves code, commands, kind names and link targets alone', () => {
    const fine =
      '```bash\nkubectl get pods -n default --show-labels\n```\n`istio-proxy` 사이드카의 `spec.nodeName`, ' +
      '`LoadBalancer` 타입, [Gateway](https://istio.io/latest/docs/reference/config/networking/gateway/)와 ' +
      'VirtualService, NodePort, <Preview />, [적용]을 누른다. 50%. 네임스페이스에 Sidecar 리소스를 둔다. ' +
      '편집기의 registry-only-sidecar.yaml, traffic.sidecar.istio.io/includeOutboundIPRanges 어노테이션. ' +
      '원문의 명령은 이제 "No resources found in istio-system namespace."만 출력한다. 사이드카 인젝터(sidecar injector).';
    expect(koreanIssues(fine)).toEqual([]);
  });

  it('tells the registers apart', () => {
    expect(formalSentences('파드를 만든다. 확인합니다. 설정 때문이 아니다. 실습 사이트입니다.')).toEqual([
      ' 확인합니다.',
      ' 실습 사이트입니다.',
    ]);
    expect(plainSentences('확인합니다. 파드를 만든다. 설정 때문이 아니다.')).toEqual([
      ' 파드를 만든다.',
      ' 설정 때문이 아니다.',
    ]);
  });
});

describe('Korean pages', () => {
  it.each(pages)('%s uses the Korean Kubernetes terms, the UI button names and 50%%', (page) => {
    expect(koreanIssues(readFileSync(join(DOCS, page), 'utf8'))).toEqual([]);
  });

  it.each(pages.filter((p) => p !== 'index.mdx'))('%s is written in one register (해라체)', (page) => {
    expect(formalSentences(readFileSync(join(DOCS, page), 'utf8'))).toEqual([]);
  });

  it('the home page is in one register (합니다체), its chapter summaries from the lab files included', () => {
    expect(plainSentences(readFileSync(join(DOCS, 'index.mdx'), 'utf8'))).toEqual([]);
    for (const file of labFiles) {
      const summary = (parse(readFileSync(join(LABS, file), 'utf8')) as { summary?: { ko?: string } }).summary?.ko;
      if (summary) expect(plainSentences(summary), `${file}: summary.ko`).toEqual([]);
    }
  });
});

describe('Korean strings of the lab files', () => {
  it.each(labFiles)('%s uses the Korean Kubernetes terms, the UI button names and 50%%', (file) => {
    const issues = koreanStrings(file).flatMap(({ at, text }) => koreanIssues(text).map((i) => ({ at, ...i })));
    expect(issues).toEqual([]);
  });
});
